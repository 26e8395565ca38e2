#!/bin/sh
# tests/theory_test.sh OPTDYN — `optdyn theory` on the NQM (d = 1e4, h = c = 1/i, x = 1) against
# the formulas of docs/theory.md "One-step scaling" evaluated independently in NumPy (tests/theory_check.py);
# then once more with Adam's eps = 0.01 for its first-update eps forms; then Muon's msign forms and
# Lion's steady sign forms on a wide matreg block (tests/msign_check.py).
tmp=$(mktemp -d /tmp/optdyn-theory-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
optdyn=${1:-build/optdyn}
"$optdyn" theory experiments/nqm-onestep.ini > "$tmp/t.tsv" &&
    /usr/bin/python3 tests/theory_check.py "$tmp/t.tsv" &&
    "$optdyn" theory --set "optimizer adam.eps=0.01" experiments/nqm-onestep.ini > "$tmp/e.tsv" &&
    /usr/bin/python3 tests/theory_check.py "$tmp/e.tsv" 0.01 &&
    printf '%s\n' '[experiment]' 'kind = onestep' 'seed = 3' '[problem]' 'type = matreg' \
        'rows = 6' 'cols = 10' 'rank = 6' 'decay = 1' 'examples = 0' 'label_noise = 0.5' \
        '[onestep]' 'batch = pow2(0, 12)' 'samples = 10' 'steady_steps = 10' \
        '[optimizer muon]' 'type = muon' 'ortho = svd' 'scale = rms' \
        '[optimizer lion]' 'type = lion' 'beta1 = 0.9' 'beta2 = 0.9' > "$tmp/m.ini" &&
    "$optdyn" run "$tmp/m.ini" -o "$tmp/m.h5" > /dev/null &&
    /usr/bin/python3 tests/msign_check.py "$tmp/m.h5"
