#!/bin/sh
# tests/figures_check.sh — after `make figures`: every figure of plots/local.mk's FIGURES (as make
# expands it, `make list-figures`) exists as a PNG and an SVG, and the PNG has drawn data: at
# least 50 coloured pixels sampled (tests/png_coloured.sh; a blank canvas or an empty frame has 0).
pass=0
fail=0
names=$(make -s --no-print-directory list-figures)
for name in $names; do
    png=plots/out/$name.png
    n=$(sh tests/png_coloured.sh "$png" 2>/dev/null)
    if [ "${n:-0}" -ge 50 ] && [ -s "plots/out/$name.svg" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $png missing, not a PNG, without drawn data (${n:-0} coloured samples) or without its SVG"
    fi
done
echo "figures: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
