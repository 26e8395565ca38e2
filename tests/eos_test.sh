#!/bin/sh
# tests/eos_test.sh OPTDYN — the edge of stability on experiments/eos-steady.ini, eos-gd.ini and
# eos-adam.ini, as the figures run them (4000 steps, ~17 s on one core): GD's sharpness holds within
# [0.85, 1.2] x 2/lr after reaching it, on eos-steady.ini the mean loss falls in every 100-step
# window after it, Adam's preconditioned sharpness settles within 15% of its edge
# (tests/eos_check.py).
optdyn=${1:-build/optdyn}
tmp=$(mktemp -d /tmp/optdyn-eos-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$optdyn" run -q experiments/eos-steady.ini -o "$tmp/steady.h5" &&
    "$optdyn" run -q experiments/eos-gd.ini -o "$tmp/gd.h5" &&
    "$optdyn" run -q experiments/eos-adam.ini -o "$tmp/adam.h5" &&
    /usr/bin/python3 tests/eos_check.py "$tmp/steady.h5" "$tmp/gd.h5" "$tmp/adam.h5"
