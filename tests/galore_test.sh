#!/bin/sh
# tests/galore_test.sh OPTDYN — galore with svd and id projections, 100 steps with refreshes every 10,
# on a tall and a wide block, against an independent NumPy transcription to 1e-12 (tests/galore_check.py).
tmp=$(mktemp -d /tmp/optdyn-galore-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/galore_check.py "${1:-build/optdyn}" "$tmp"
