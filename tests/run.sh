#!/bin/sh
# tests/run.sh BUILD TEST... — run every test (cmocka binaries, CLI catalogue, h5py round trip) and print
# the closing line "N passed, N failed"; exit status 1 when anything failed.
BUILD=${1:-build}
shift
pass=0
fail=0
for t in "$@"; do
    if "$BUILD/tests/$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
for s in tests/cli_test.sh tests/h5_roundtrip.sh tests/sweep_cli_test.sh tests/zhang_test.sh \
    tests/theory_test.sh tests/names_test.sh tests/scaling_test.sh tests/fault_test.sh \
    tests/h5_corrupt_test.sh tests/fuzz_regress_test.sh tests/adamw_test.sh tests/galore_test.sh \
    tests/docs_examples_test.sh tests/docs_keys_test.sh tests/docs_schema_test.sh \
    tests/xarray_test.sh tests/fmnist_test.sh tests/eos_test.sh tests/plot_test.sh \
    tests/help_test.sh tests/install_test.sh tests/docs_test.sh \
    tests/progress_test.sh; do
    # Under the sanitizers (a build-san tree) the xarray suite, which reruns every shipped
    # experiment only to check the file layout (docs_schema runs them under the sanitizers
    # too), is left to the plain build: it alone took ~15 min there.
    case "$BUILD:$s" in
    *-san:tests/xarray_test.sh) echo "$s: left to the plain build (layout only)"; continue ;;
    esac
    if sh "$s" "$BUILD/optdyn"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $s"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
