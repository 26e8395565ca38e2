#!/bin/sh
# tests/cli_test.sh OPTDYN — the command line as users meet it: every file of tests/bad-input/
# and a list of bad command lines exit 2 with a message naming the key, leaving no output file;
# help, version, list, run/export/info succeed; an interrupted run leaves no final file.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

for f in tests/bad-input/*.ini; do
    want=$(sed -n 's/^# expect: //p' "$f")
    rm -f "$tmp/out.h5" "$tmp/out.h5.partial"
    if grep -q '^output' "$f"; then
        expect_exit 2 "$want" "$OPTDYN" run -q "$f"
    else
        expect_exit 2 "$want" "$OPTDYN" run -q -o "$tmp/out.h5" "$f"
    fi
    if [ -e "$tmp/out.h5" ] || [ -e "$tmp/out.h5.partial" ]; then bad "$f left an output file"; else ok; fi
done

good=experiments/rosenbrock-trajectories.ini
expect_exit 2 "Usage" "$OPTDYN"
expect_exit 2 "unknown command 'frobnicate'" "$OPTDYN" frobnicate
expect_exit 2 "Usage: optdyn run" "$OPTDYN" run
expect_exit 2 "Usage: optdyn run" "$OPTDYN" run a.ini b.ini
expect_exit 2 "Usage: optdyn run" "$OPTDYN" run --bogus "$good"
expect_exit 2 "No such file" "$OPTDYN" run "$tmp/missing.ini"
expect_exit 2 "section.key=value" "$OPTDYN" run -o "$tmp/out.h5" --set steps=3 "$good"
expect_exit 2 "--set optimizer adam.lr" "$OPTDYN" run -o "$tmp/out.h5" --set "optimizer adam.lr=-1" "$good"
expect_exit 2 "--set run.stepz" "$OPTDYN" run -o "$tmp/out.h5" --set run.stepz=3 "$good"
expect_exit 2 "-j" "$OPTDYN" run -j 0 -o "$tmp/out.h5" "$good"
# a section that exists only through --set is blamed on that --set, not on the file or line 0
expect_exit 2 "--set bogus.k: [bogus]: unknown section" "$OPTDYN" run -o "$tmp/out.h5" --set bogus.k=1 "$good"
expect_exit 2 "--set optimizer b@d.type: [optimizer b@d]: expected [optimizer NAME]" \
    "$OPTDYN" run -o "$tmp/out.h5" --set "optimizer b@d.type=sgd" "$good"
expect_exit 2 "--set optimizer new.type: [optimizer new]: missing required key 'lr'" \
    "$OPTDYN" run -o "$tmp/out.h5" --set "optimizer new.type=sgd" "$good"
grep -q ':0:' "$tmp/stderr" && bad "a --set section reported at line 0" || ok
expect_exit 2 "$tmp: cannot read experiment file: is a directory" "$OPTDYN" run "$tmp"
: > "$tmp/empty.ini"
expect_exit 2 "empty.ini: empty file: missing section [problem]" "$OPTDYN" run "$tmp/empty.ini"
expect_exit 2 "does not exist" "$OPTDYN" run -o "$tmp/no/such/dir/out.h5" "$good"
expect_exit 2 "cannot create" "$OPTDYN" run -o "/proc/out.h5" "$good"
expect_exit 2 "Usage: optdyn export" "$OPTDYN" export "$tmp/out.h5"
expect_exit 2 "No such file" "$OPTDYN" export "$tmp/missing.h5" /trajectory
expect_exit 2 "not an HDF5 file" "$OPTDYN" export "$good" /trajectory
expect_exit 2 "not an HDF5 file" "$OPTDYN" info "$good"
expect_exit 2 "unknown topic" "$OPTDYN" list everything
[ -e "$tmp/out.h5" ] && bad "a failed command line left $tmp/out.h5" || ok

# docs/config.md documents every key the program accepts (kept true by this check).
for key in $("$OPTDYN" list | awk '/^    [a-z]/ { print $1 }' | sort -u); do
    grep -qF "\`$key\`" docs/config.md && ok || bad "docs/config.md lacks key '$key'"
done
for t in sgd momentum nesterov rmsprop adam signsgd nqm quadratic rosenbrock beale linreg logreg; do
    grep -qF "\`$t\`" docs/config.md && ok || bad "docs/config.md lacks type '$t'"
done

# Successful paths.
for c in run export info list; do expect_exit 0 "" "$OPTDYN" "$c" --help; grep -q "^Usage: optdyn $c" "$tmp/stdout" && ok || bad "$c --help"; done
expect_exit 0 "" "$OPTDYN" --version
grep -q "^optdyn [0-9]" "$tmp/stdout" && ok || bad "--version output"
expect_exit 0 "" "$OPTDYN" list
for w in sgd momentum nesterov rmsprop adam signsgd nqm quadratic rosenbrock beale linreg logreg; do
    grep -q "^  $w " "$tmp/stdout" && ok || bad "list lacks $w"
done
expect_exit 0 "" "$OPTDYN" run -q -o "$tmp/out.h5" --set run.steps=200 "$good"
[ -e "$tmp/out.h5" ] && [ ! -e "$tmp/out.h5.partial" ] && ok || bad "run did not produce exactly out.h5"
expect_exit 0 "" "$OPTDYN" export "$tmp/out.h5" /trajectory/adam/x
[ "$(head -1 "$tmp/stdout")" = "$(printf 'step\tx0\tx1')" ] && ok || bad "export header: $(head -1 "$tmp/stdout")"
[ "$(wc -l < "$tmp/stdout")" -eq 202 ] && ok || bad "export rows: $(wc -l < "$tmp/stdout")"
expect_exit 0 "" "$OPTDYN" export "$tmp/out.h5" /trajectory
grep -q "^sgd	" "$tmp/stdout" && ok || bad "export /trajectory lacks sgd"
# a dataset whose dimension scale has another length (a file optdyn did not write) is bad input:
# exit 2 with both lengths, for a column (one axis) and a grid (two axes)
cp "$tmp/out.h5" "$tmp/axes.h5"
/usr/bin/python3 - "$tmp/axes.h5" <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    g = f["/trajectory/adam"]
    col = g.create_dataset("short_column", data=np.zeros(5))
    col.dims[0].attach_scale(g["step"])
    grid = g.create_dataset("short_grid", data=np.zeros((5, 2)))
    grid.dims[0].attach_scale(g["step"])
    axis = g.create_dataset("short_axis", data=np.array([0.5, 1.5]))
    axis.make_scale("short_axis")
    grid.dims[1].attach_scale(axis)
EOF
expect_exit 2 "its axis has 201 values, the dataset 5 rows" "$OPTDYN" export "$tmp/axes.h5" /trajectory/adam/short_column
expect_exit 2 "its axes do not match its 5 x 2 values" "$OPTDYN" export "$tmp/axes.h5" /trajectory/adam/short_grid
expect_exit 0 "" "$OPTDYN" info "$tmp/out.h5"
grep -q "dim 0: /trajectory/adam/step" "$tmp/stdout" && ok || bad "info lacks the step axis"
# a group of [B][coordinate] grids exports as one long table (batch, coordinate, then each grid)
expect_exit 0 "" "$OPTDYN" run -q -o "$tmp/one.h5" --set onestep.samples=40 --set onestep.batch=1,4 \
    experiments/sign-erf.ini
expect_exit 0 "" "$OPTDYN" export "$tmp/one.h5" /onestep/signsgd/first/coordinates
[ "$(head -1 "$tmp/stdout")" = "$(printf 'batch\tcoordinate\tmean_phi\tmean_phi_se\tu')" ] && ok ||
    bad "coordinates export header: $(head -1 "$tmp/stdout")"
[ "$(grep -c '^[14]	' "$tmp/stdout")" -eq 400 ] && ok || bad "coordinates export rows"

# The same bad input gives exit 2 in every subcommand, before any output file exists.
expect_exit 2 "expected one with closed forms" "$OPTDYN" theory "$good"
expect_exit 2 "has no cells to resume" "$OPTDYN" run -q -r -o "$tmp/out2.h5" "$good"
expect_exit 2 "has no cells to shard" "$OPTDYN" run -q --shard 0/2 -o "$tmp/out2.h5" "$good"
[ ! -e "$tmp/out2.h5" ] && ok || bad "a refused run left out2.h5"
expect_exit 2 "has no shards to merge" "$OPTDYN" merge "$tmp/m.h5" "$tmp/out.h5"
expect_exit 0 "" "$OPTDYN" theory experiments/sign-erf.ini
grep -q "^B	" "$tmp/stdout" && ok || bad "theory prints no table"
expect_exit 0 "" "$OPTDYN" list kinds
for k in trajectory sweep flow onestep; do grep -q "^  $k " "$tmp/stdout" && ok || bad "list kinds lacks $k"; done

# A failing rerun leaves the previous file byte for byte.
cp "$tmp/out.h5" "$tmp/before.h5"
expect_exit 2 "lr" "$OPTDYN" run -q -o "$tmp/out.h5" --set "optimizer sgd.lr=nan" "$good"
cmp -s "$tmp/out.h5" "$tmp/before.h5" && ok || bad "failed rerun changed out.h5"

# Interrupted runs: SIGINT removes the .partial; SIGKILL never leaves the final name.
for sig in INT KILL; do
    rm -f "$tmp/long.h5" "$tmp/long.h5.partial"
    "$OPTDYN" run -q -o "$tmp/long.h5" --set run.steps=50000000 --set run.record_every=1000000 "$good" &
    pid=$!
    sleep 0.5
    kill -s $sig $pid
    wait $pid 2>/dev/null
    [ ! -e "$tmp/long.h5" ] && ok || bad "SIG$sig left long.h5"
    if [ $sig = INT ]; then [ ! -e "$tmp/long.h5.partial" ] && ok || bad "SIGINT left long.h5.partial"; fi
done

finish "cli"
