#!/bin/sh
# tests/docs_keys_test.sh OPTDYN — every key `optdyn list` prints (sections, problem and optimizer
# types) is in docs/config.md's tables with the same default, and every key there is accepted.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
/usr/bin/python3 tests/docs_keys.py "$OPTDYN"
