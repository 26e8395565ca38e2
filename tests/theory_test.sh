#!/bin/sh
# tests/theory_test.sh OPTDYN — `optdyn theory` on the NQM (d = 1e4, h = c = 1/i, x = 1) against
# the formulas of THEORY.md section 4 evaluated independently in NumPy (tests/theory_check.py);
# then once more with Adam's eps = 0.01 for its first-update eps forms.
tmp=$(mktemp -d /tmp/optdyn-theory-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
optdyn=${1:-build/optdyn}
"$optdyn" theory experiments/nqm-onestep.ini > "$tmp/t.tsv" &&
    /usr/bin/python3 tests/theory_check.py "$tmp/t.tsv" &&
    "$optdyn" theory --set "optimizer adam.eps=0.01" experiments/nqm-onestep.ini > "$tmp/e.tsv" &&
    /usr/bin/python3 tests/theory_check.py "$tmp/e.tsv" 0.01
