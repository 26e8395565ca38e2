#!/bin/sh
# tests/sweep_cli_test.sh OPTDYN — sweeps from the command line: -j 1 and -j 2 give identical
# bytes in every dataset, with either generator ([experiment] rng); a sweep killed with SIGKILL and finished with --resume equals an
# uninterrupted one; a journal of another experiment is refused; info and export read the file;
# a variant grid's section and value per optimizer survive shards and merge; a grid over two keys
# (product variants, a coordinate per key, best_tuned per key = the argmin over the cube).
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
# sharded NAME WHAT --set...: $tmp/NAME.h5 run whole, $tmp/NAME0.h5 and NAME1.h5 as 2 shards,
# merged (in reverse order) into $tmp/NAMEm.h5, which must equal the whole run
sharded() {
    name=$1 what=$2
    shift 2
    "$OPTDYN" run -q "$@" -o "$tmp/$name.h5" "$exp" && ok || bad "$what run"
    for i in 0 1; do
        "$OPTDYN" run -q "$@" --shard $i/2 -o "$tmp/$name$i.h5" "$exp" && ok || bad "$what shard $i/2"
    done
    "$OPTDYN" merge "$tmp/${name}m.h5" "$tmp/${name}1.h5" "$tmp/${name}0.h5" && ok || bad "$what merge"
    same "$tmp/$name.h5" "$tmp/${name}m.h5" "2 merged $what shards differ from the unsharded run"
}
grid="--set sweep.axis=beta2 --set sweep.values=0.9,0.999 --set sweep.batch=4,inf --set sweep.max_steps=300"
# shellcheck disable=SC2086  # the --set words are split on purpose
sharded v "variant grid" $grid
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

# two swept keys (axis = beta2, weight_decay): adam over the 2 x 2 product, sgd and heavy over
# weight_decay only; the same after 2 shards and a merge
keys="--set sweep.axis=beta2,weight_decay --set sweep.values=0.9,0.999 --set sweep.values2=0,0.05"
keys="$keys --set sweep.batch=4,inf --set sweep.max_steps=300 --set sweep.lr=logspace(-2,0.4,6)"
# shellcheck disable=SC2086  # the --set words are split on purpose
sharded two "two-key" $keys
/usr/bin/python3 - "$tmp/two.h5" "$tmp/two0.h5" <<'PY' && ok || bad "two-key variants, coordinates, best_tuned"
import sys, h5py, numpy as np
nan = float("nan")
names = ["sgd@weight_decay=0", "sgd@weight_decay=0.05", "heavy@weight_decay=0",
         "heavy@weight_decay=0.05", "adam@beta2=0.9,weight_decay=0",
         "adam@beta2=0.9,weight_decay=0.05", "adam@beta2=0.999,weight_decay=0",
         "adam@beta2=0.999,weight_decay=0.05"]
want = {"beta2": [nan] * 4 + [0.9, 0.9, 0.999, 0.999], "weight_decay": [0, 0.05] * 4}
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        s = f["sweep"]
        assert [x.decode() for x in s["optimizer"][:]] == names
        assert list(s["variant_section"][:]) == [0, 0, 1, 1, 2, 2, 2, 2]
        assert "variant_value" not in s
        for key, values in want.items():
            v = s["variant_" + key]
            assert v.attrs["key"] == key and v.dims[0][0].name == "/sweep/optimizer"
            np.testing.assert_array_equal(v[:], values)
        coords = "variant_section variant_beta2 variant_weight_decay"
        assert all(s[c].attrs["coordinates"] == coords for c in ("final_loss", "steps_to_target"))
        if "best_tuned" not in s:              # a shard's file: no reduction
            continue
        # brute force: median over seeds (a miss counting as inf), min over lr, argmin over each
        # section's variants (the first of equals)
        steps = s["steps_to_target"][:].astype(float)          # [O][NB][NL][S][T]
        steps[steps < 0] = np.inf
        best = np.median(steps, axis=3).min(axis=2)            # [O][NB][T]
        np.testing.assert_array_equal(np.where(np.isinf(best), -1, best), s["best/steps"][:])
        section = s["variant_section"][:]
        t = s["best_tuned"]
        assert set(t) == {"lr_opt", "beta2", "weight_decay", "steps", "examples"}
        for k in range(3):
            rows = np.flatnonzero(section == k)
            o = rows[np.argmin(best[rows], axis=0)]            # [NB][T]
            got = t["steps"][k]
            assert np.isfinite(best[rows].min(axis=0)).all() and (got == best[rows].min(axis=0)).all()
            for key in want:
                np.testing.assert_array_equal(t[key][k], s["variant_" + key][:][o])
        assert (t["weight_decay"][2] == t["weight_decay"][2]).all()      # adam: chosen values
        assert set(t["beta2"][2].ravel()) <= {0.9, 0.999} and np.isnan(t["beta2"][:2]).all()
PY
# the cube unstacks to [section][beta2][weight_decay][batch][lr][seed], and the check of that
# (tests/xarray_check.py) fails on a copy with two adam variants' weight_decay swapped
cp "$tmp/two.h5" "$tmp/twox.h5"
/usr/bin/python3 - "$tmp/two.h5" "$tmp/two0.h5" "$tmp/twox.h5" > "$tmp/xa" 2>&1 <<'PY'
import sys
sys.path.insert(0, "tests")
import h5py
try:
    import xarray_check
except SystemExit:               # xarray or h5netcdf missing: skipped (exit 77)
    sys.exit(0)
good, shard, swapped = sys.argv[1:]
with h5py.File(swapped, "r+") as f:
    v = f["sweep/variant_weight_decay"]
    v[4], v[5] = v[5], v[4]
assert xarray_check.problems(good) == [] and xarray_check.problems(shard) == [], \
    xarray_check.problems(good) + xarray_check.problems(shard)
found = xarray_check.problems(swapped)
assert any("adam@beta2=0.9,weight_decay=0 " in p for p in found), found
PY
[ $? -eq 0 ] && ok || bad "two-key xarray check: $(cat "$tmp/xa")"

finish "sweep cli"
