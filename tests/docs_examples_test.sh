#!/bin/sh
# tests/docs_examples_test.sh OPTDYN — the examples of README.md and docs/*.md run as written (cheap
# ones; expensive ones reduced with --set or skipped with a reason): tests/docs_examples.py.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
/usr/bin/python3 tests/docs_examples.py "$OPTDYN" "$tmp/work"
