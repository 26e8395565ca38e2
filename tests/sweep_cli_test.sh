#!/bin/sh
# tests/sweep_cli_test.sh OPTDYN — sweeps from the command line: -j 1 and -j 2 give identical
# bytes in every dataset, with either generator ([experiment] rng); a sweep killed with SIGKILL and finished with --resume equals an
# uninterrupted one; a journal of another experiment is refused; info and export read the file;
# a variant grid's section and value per optimizer survive shards and merge.
OPTDYN=${1:-build/optdyn}
exp=tests/data/mc-sweep.ini
. tests/lib.sh

"$OPTDYN" run -q -j 1 -o "$tmp/j1.h5" "$exp" && ok || bad "run -j 1"
"$OPTDYN" run -q -j 2 -o "$tmp/j2.h5" "$exp" && ok || bad "run -j 2"
same "$tmp/j1.h5" "$tmp/j2.h5" "-j 1 and -j 2 differ"
"$OPTDYN" run -q -j 1 --set experiment.rng=splitmix -o "$tmp/s1.h5" "$exp" && ok || bad "rng = splitmix, -j 1"
"$OPTDYN" run -q -j 2 --set experiment.rng=splitmix -o "$tmp/s2.h5" "$exp" && ok || bad "rng = splitmix, -j 2"
same "$tmp/s1.h5" "$tmp/s2.h5" "rng = splitmix: -j 1 and -j 2 differ"
/usr/bin/python3 tests/h5_same.py "$tmp/j1.h5" "$tmp/s1.h5" > /dev/null 2>&1 && bad "rng = splitmix draws what philox draws" || ok
[ ! -e "$tmp/j1.h5.journal" ] && ok || bad "journal left after a complete sweep"

# SIGKILL once some cells are journaled (header 24 bytes, records of 6 words = 48 bytes)
"$OPTDYN" run -q -j 2 -o "$tmp/k.h5" "$exp" &
pid=$!
i=0
while [ "$(stat -c %s "$tmp/k.h5.journal" 2>/dev/null || echo 0)" -lt 2000 ] && [ $i -lt 200 ]; do
    sleep 0.02
    i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
[ ! -e "$tmp/k.h5" ] && ok || bad "SIGKILL left the final file (or the sweep finished too fast)"
[ -s "$tmp/k.h5.journal" ] && ok || bad "no journal after SIGKILL"
"$OPTDYN" run -j 2 --resume -o "$tmp/k.h5" "$exp" 2> "$tmp/resume.err" && ok || bad "resume"
grep -q "resumed: [1-9][0-9]* of 360 cells" "$tmp/resume.err" && ok || bad "resume took no cells: $(cat "$tmp/resume.err")"
same "$tmp/j1.h5" "$tmp/k.h5" "killed + resumed differs from uninterrupted"

# a journal of a different experiment is refused
"$OPTDYN" run -q -j 2 -o "$tmp/d.h5" "$exp" &
pid=$!
sleep 0.3
kill -9 $pid
wait $pid 2>/dev/null
"$OPTDYN" run -q --resume --set sweep.max_steps=3000 -o "$tmp/d.h5" "$exp" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "different experiment" "$tmp/err" && ok || bad "foreign journal accepted: $(cat "$tmp/err")"
"$OPTDYN" run -q --resume -o "$tmp/t.h5" experiments/rosenbrock-trajectories.ini 2> "$tmp/err"
[ $? -eq 2 ] && ok || bad "--resume accepted for a trajectory"

"$OPTDYN" info "$tmp/j1.h5" | grep -q "/sweep/steps_to_target  \[3 x 4 x 10 x 3 x 2\] int64" && ok || bad "info"
"$OPTDYN" export "$tmp/j1.h5" /sweep/best | head -1 | grep -q "^optimizer	batch	target	examples	lr_grid	lr_opt	steps$" && ok || bad "export /sweep/best header"
[ "$("$OPTDYN" export "$tmp/j1.h5" /sweep/steps_to_target | grep -c .)" -eq 721 ] && ok || bad "export of the 5-D cube"
# job-array shards: 3 shards merged (in any order) equal the unsharded run
for i in 0 1 2; do
    "$OPTDYN" run -q --shard $i/3 -o "$tmp/s$i.h5" "$exp" && ok || bad "shard $i/3"
done
"$OPTDYN" merge "$tmp/merged.h5" "$tmp/s2.h5" "$tmp/s0.h5" "$tmp/s1.h5" && ok || bad "merge"
same "$tmp/j1.h5" "$tmp/merged.h5" "3 merged shards differ from the unsharded run"
"$OPTDYN" merge "$tmp/m2.h5" "$tmp/s0.h5" "$tmp/s2.h5" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "120 of 360 cells missing" "$tmp/err" && [ ! -e "$tmp/m2.h5" ] && ok ||
    bad "missing shard not reported: $(cat "$tmp/err")"
"$OPTDYN" run -q --shard 1/3 --set experiment.seed=6 -o "$tmp/other.h5" "$exp" && ok || bad "other shard"
"$OPTDYN" merge "$tmp/m3.h5" "$tmp/s0.h5" "$tmp/other.h5" "$tmp/s2.h5" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "different experiment" "$tmp/err" && ok || bad "foreign shard accepted"
"$OPTDYN" run -q --shard 3/3 -o "$tmp/x.h5" "$exp" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "expected i/n" "$tmp/err" && ok || bad "--shard 3/3 accepted"
"$OPTDYN" merge "$tmp/m4.h5" experiments/rosenbrock-trajectories.ini 2> "$tmp/err"
[ $? -eq 2 ] && ok || bad "merge of a non-HDF5 file"

# a variant grid (axis = beta2): /sweep/variant_section and variant_value on the optimizer axis,
# the same after 2 shards and a merge
grid="--set sweep.axis=beta2 --set sweep.values=0.9,0.999 --set sweep.batch=4,inf --set sweep.max_steps=300"
# shellcheck disable=SC2086  # the --set words are split on purpose
"$OPTDYN" run -q $grid -o "$tmp/v.h5" "$exp" && ok || bad "variant grid run"
for i in 0 1; do
    # shellcheck disable=SC2086
    "$OPTDYN" run -q $grid --shard $i/2 -o "$tmp/v$i.h5" "$exp" && ok || bad "variant shard $i/2"
done
"$OPTDYN" merge "$tmp/vm.h5" "$tmp/v1.h5" "$tmp/v0.h5" && ok || bad "variant merge"
same "$tmp/v.h5" "$tmp/vm.h5" "2 merged variant shards differ from the unsharded run"
/usr/bin/python3 - "$tmp/v.h5" "$tmp/v0.h5" <<'PY' && ok || bad "variant coordinates"
import sys, h5py
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        s = f["sweep"]
        assert [x.decode() for x in s["optimizer"][:]] == ["sgd", "heavy", "adam@beta2=0.9", "adam@beta2=0.999"]
        assert [x.decode() for x in s["section"][:]] == ["sgd", "heavy", "adam"]
        assert list(s["variant_section"][:]) == [0, 1, 2, 2]
        v = s["variant_value"]
        assert v.attrs["key"] == "beta2" and list(v[2:]) == [0.9, 0.999] and all(v[:2] != v[:2])
        assert s["variant_value"].dims[0][0].name == "/sweep/optimizer"
        assert s["final_loss"].attrs["coordinates"] == "variant_section variant_value"
PY

finish "sweep cli"
