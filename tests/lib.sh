# tests/lib.sh — shared by the shell tests (sourced): a temporary directory removed at exit,
# pass/fail counters with ok/bad, `same A B WHAT` (identical datasets), and the closing line.
tmp=$(mktemp -d /tmp/optdyn-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
same() { /usr/bin/python3 tests/h5_same.py "$1" "$2" && ok || bad "$3"; }
# finish NAME: print "NAME: N passed, N failed" and exit 1 on any failure
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
