#!/bin/sh
# tests/xarray_test.sh OPTDYN [DIR] — every shipped experiment (reduced with --set where slow) opens
# group by group as xarray Datasets with a named axis everywhere (tests/xarray_check.py).
# DIR keeps the results (default: a temporary folder). Skips only when xarray can't be imported.
optdyn=${1:-build/optdyn}
py=/usr/bin/python3
if ! "$py" -c 'import xarray, h5netcdf' 2>/dev/null; then
    echo "xarray: SKIPPED: $py cannot import xarray and h5netcdf (sh scripts/deps.sh installs" \
         "python3-xarray and python3-h5netcdf)"
    exit 0
fi
tmp=$(mktemp -d /tmp/optdyn-xarray-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=${2:-$tmp}
mkdir -p "$dir"

# reduce NAME KIND: the --set arguments that make experiment NAME cheap (same groups, smaller
# axes). Per kind first, then per experiment where its own keys make it slow.
reduce() {
    case $2 in
    trajectory) echo "--set run.steps=60" ;;
    onestep) echo "--set onestep.samples=40" ;;
    scaling) echo "--set scaling.seeds=2 --set scaling.examples=4096 --set scaling.points=8" ;;
    esac
    steady="--set onestep.steady_steps=20 --set onestep.batch=pow2(0,3)"
    case $1 in
    adam-rms-snr|adam-rms|adam-surge|muon-onestep) echo "$steady" ;;
    nqm-onestep) echo "$steady --set problem.dim=100" ;;
    adam-eps|sign-surge) echo "--set onestep.batch=pow2(0,3)" ;;
    adam-scaling-rules-nqm) echo "--set problem.dim=100" ;;
    adam-scaling-rules|gaussreg-exact-vs-mc) echo "--set problem.dim=20" ;;
    gaussreg-critical-batch) echo "--set problem.dim=20 --set sweep.batch=pow2(0,4)" \
        "--set sweep.lr=logspace(-3,0.5,8) --set sweep.max_steps=20000" ;;
    nqm-schedules-vs-batch) echo "--set sweep.batch=pow2(0,4),inf --set sweep.lr=logspace(-3,0.3,8)" ;;
    lora-mlp-plus) echo "--set problem.width=8 --set problem.examples=64 --set sweep.lr=logspace(-3,0,4)" ;;
    nqm-steps-vs-batch) echo "--set problem.dim=100 --set sweep.batch=pow2(0,4),inf" \
        "--set sweep.lr=logspace(-5,0.5,10) --set sweep.max_steps=1e6" ;;
    esac
}

fail=0
files=""
for ini in experiments/*.ini; do
    name=$(basename "$ini" .ini)
    kind=$(sed -n 's/^kind *= *//p' "$ini" | head -1)
    # shellcheck disable=SC2046  # the --set words are split on purpose (no spaces in values)
    if ! "$optdyn" run -q -o "$dir/$name.h5" $(reduce "$name" "$kind") "$ini" > "$tmp/log" 2>&1; then
        echo "FAIL: optdyn run $name (reduced) failed:"
        sed 's/^/    /' "$tmp/log"
        fail=$((fail + 1))
        continue
    fi
    files="$files $dir/$name.h5"
done
# shellcheck disable=SC2086
"$py" tests/xarray_check.py $files || fail=$((fail + 1))
# netCDF-C reads the same names (no phony_dim_N in ncdump -h), where netcdf-bin is installed
if command -v ncdump > /dev/null; then
    for f in $files; do
        if ! ncdump -h "$f" > "$tmp/cdl" 2>&1 || grep -q phony_dim "$tmp/cdl"; then
            echo "FAIL: ncdump -h $f: an error or phony dimensions"
            fail=$((fail + 1))
        fi
    done
fi
# the README's labelled-array example (the python block that imports xarray) runs as written,
# in a folder whose results/ holds the files it names
mkdir -p "$tmp/readme/results"
ln -s "$dir/nqm-steps-vs-batch.h5" "$tmp/readme/results/nqm-steps-vs-batch.h5"
ln -s "$dir/rosenbrock-trajectories.h5" "$tmp/readme/results/rosenbrock.h5"
awk '/^```python/ { f = 1; b = ""; next } f && /^```/ { f = 0; if (b ~ /import xarray/) printf "%s", b; next }
     f { b = b $0 "\n" }' README.md > "$tmp/readme/example.py"
if ! grep -q xarray "$tmp/readme/example.py" ||
    ! (cd "$tmp/readme" && "$py" example.py > out.txt 2>&1); then
    echo "FAIL: README's xarray example:"
    sed 's/^/    /' "$tmp/readme/out.txt" 2>/dev/null
    fail=$((fail + 1))
fi
echo "xarray_test: $fail failed"
[ "$fail" -eq 0 ]
