#!/bin/sh
# tests/docs_test.sh — every document a file cites exists: each NAME.md or PATH.md named in a
# source, script, experiment or document resolves (from the top, from the citing file's folder,
# or under docs/), and each section cited as docs/theory.md "Title" is a heading there.
. tests/lib.sh

if [ -d .git ] || [ -f .git ]; then
    git ls-files > "$tmp/files"
else
    find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||' > "$tmp/files"
fi
# (this file's own examples and paths built from shell variables, $prefix/x.md, are no citations)
grep -v -e '^docs/img/' -e '^tests/fuzz-regress/' -e '^fuzz/' -e '^tests/docs_test.sh$' "$tmp/files" |
while read -r f; do
    [ -f "$f" ] || continue
    grep -I -o -P '(?<![$A-Za-z0-9_./-])[A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md\b' "$f" 2>/dev/null | sort -u | while read -r doc; do
        d=$(dirname "$f")
        if [ -f "$doc" ] || [ -f "$d/$doc" ] || [ -f "docs/$doc" ]; then echo ok; else echo "bad $f cites $doc, which does not exist"; fi
    done
    grep -I -o -E 'docs/theory\.md,? \(?"[^"]+"' "$f" 2>/dev/null | sed 's/^[^"]*"//; s/"$//' | sort -u |
    while read -r title; do
        grep -q -F "## $title" docs/theory.md && echo ok || echo "bad $f cites docs/theory.md \"$title\", no such section"
    done
done > "$tmp/results"
while read -r verdict rest; do
    if [ "$verdict" = ok ]; then ok; else bad "$rest"; fi
done < "$tmp/results"
[ "$pass" -gt 50 ] && ok || bad "only $pass citations found: is the file list right?"
finish docs_test
