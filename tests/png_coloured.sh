#!/bin/sh
# tests/png_coloured.sh PNG — print how many coloured (non-grey) pixels a PNG has, sampling every
# third pixel of every third row (gnuplot reads it back): axes, grid and text are grey, curves are
# coloured, so an empty frame prints 0. Exit 1 when PNG is not a PNG.
png=$1
[ "$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || exit 1
t=$(mktemp /tmp/optdyn-png-XXXXXX)
gnuplot -e "set table '$t'; plot '$png' binary filetype=png every 3:3 with rgbimage" 2>/dev/null &&
    awk 'NF >= 6 && $1 !~ /^#/ && ($3 != $4 || $4 != $5) { n++ } END { print n + 0 }' "$t"
rc=$?
rm -f "$t"
exit $rc
