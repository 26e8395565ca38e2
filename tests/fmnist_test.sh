#!/bin/sh
# tests/fmnist_test.sh OPTDYN — the fmnist problems against NumPy (tests/fmnist_check.py) on values
# test_fmnist dumps, and a bad data_dir refused with exit 2 naming the file; skipped (saying so)
# without Debian's dataset-fashion-mnist.
set -u
BUILD=$(dirname "$1")
if [ ! -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    echo "fmnist_test: SKIPPED: install dataset-fashion-mnist (scripts/deps.sh does)"
    exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
FMNIST_DUMP=$dir "$BUILD/tests/test_fmnist" >/dev/null 2>&1 || { echo "fmnist_test: test_fmnist failed"; exit 1; }
/usr/bin/python3 tests/fmnist_check.py "$dir" || exit 1
printf '[experiment]\nkind = trajectory\n[problem]\ntype = fmnist_softmax\ndata_dir = %s\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n' "$dir" > "$dir/bad.ini"
"$1" run "$dir/bad.ini" -o "$dir/bad.h5" 2> "$dir/err"
rc=$?
grep -q "data_dir.*$dir/train-images-idx3-ubyte.*cannot open" "$dir/err" && [ $rc -eq 2 ] \
    || { echo "fmnist_test: expected exit 2 naming the missing file, got $rc:"; cat "$dir/err"; exit 1; }
echo "fmnist_test: ok"
