#!/bin/sh
# tests/figures_check.sh — after `make figures`: every figure listed in plots/local.mk exists as
# a PNG (signature checked) and an SVG, and the PNG is not a blank canvas (a blank 1500x680
# canvas compresses below 10 KB; a drawn figure is well above 40 KB).
pass=0
fail=0
names=$(awk '/^FIGURES *:=/ { f = 1 } f { sub(/^FIGURES *:= */, ""); c = sub(/\\$/, "");
                                     printf "%s ", $0; if (!c) exit }' plots/local.mk)
for name in $names; do
    png=plots/out/$name.png
    if [ -f "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] &&
        [ "$(wc -c < "$png")" -gt 40000 ] && [ -s "plots/out/$name.svg" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $png missing, not a PNG, blank, or without its SVG"
    fi
done
echo "figures: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
