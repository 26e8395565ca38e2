#!/bin/sh
# tests/names_test.sh OPTDYN — types say what they can do (caps, hooks), so no code outside the
# registries compares an optimizer, problem or kind name: none appears in a string comparison or a lookup.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

# the registries' names, as `optdyn list` prints them (sections optimizers, problems and experiment kinds)
"$OPTDYN" list | awk '/^[a-z]/ { s = $1 } /^  [a-z]/ && (s == "optimizers" || s == "problems" || s == "experiment") { print $1 }' \
    >"$tmp/names"
[ "$(wc -l <"$tmp/names")" -ge 10 ] && ok || bad "optdyn list names fewer than 10 types"

alt=$(paste -sd'|' "$tmp/names")
find sim optimizers tests bench -name '*.[ch]' |
    grep -v -e '^optimizers/registry\.c$' -e '^sim/core/problem\.c$' -e '^sim/kinds/registry\.c$' |
    xargs grep -nE "(str(case|n)?cmp *\(|[=!]= *(opt|problem|kind)_lookup *\().*\"($alt)\"" >"$tmp/hits"
if [ -s "$tmp/hits" ]; then
    bad "type names compared outside the registries (declare a capability instead):"
    sed 's/^/    /' "$tmp/hits"
else
    ok
fi
finish names_test
