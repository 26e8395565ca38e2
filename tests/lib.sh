# tests/lib.sh — shared by the shell tests (sourced): a temporary directory removed at exit,
# pass/fail counters with ok/bad, `same A B WHAT` (identical datasets), `expect_exit`, and the
# closing line.
tmp=$(mktemp -d /tmp/optdyn-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
same() { /usr/bin/python3 tests/h5_same.py "$1" "$2" && ok || bad "$3"; }
# expect_exit CODE PATTERN CMD... : exit status CODE and stderr containing PATTERN
expect_exit() {
    code=$1 pat=$2
    shift 2
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" -ne "$code" ]; then bad "exit $rc (want $code): $*"; sed 's/^/    /' "$tmp/stderr"; return; fi
    if [ -n "$pat" ] && ! grep -qF -- "$pat" "$tmp/stderr"; then
        bad "message lacks '$pat': $*"; sed 's/^/    /' "$tmp/stderr"; return
    fi
    ok
}
# finish NAME: print "NAME: N passed, N failed" and exit 1 on any failure
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
