#!/bin/sh
# tests/h5_corrupt_test.sh OPTDYN — corrupted output files (issue 14 item 8): 100 bit-flipped copies
# each of a small trajectory file and a small sweep shard (tests/h5_bitflip.py, fixed seeds) given
# to info, export and merge: no signal death, exit 0 or 2, and 2 says "not a readable optdyn file".
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
# check WHAT ARGS...: exit 0, or 2 with the message; a crash (status > 128) or 1 fails
check() {
    what=$1
    shift
    "$OPTDYN" "$@" >/dev/null 2>"$tmp/err"
    rc=$?
    case $rc in
    0) ok ;;
    2) if grep -q "not a readable optdyn file\|no object\|empty group\|not a shard\|another optdyn version\|different experiment\|cells missing\|recorded experiment" "$tmp/err"; then ok; else bad "$what: exit 2 without the message: $(cat "$tmp/err")"; fi ;;
    *) bad "$what: exit $rc $(head -c 300 "$tmp/err")" ;;
    esac
}
for src in trajectory sweep; do
    mkdir -p "$tmp/$src"
    /usr/bin/python3 tests/h5_bitflip.py "fuzz/seeds/h5/$src.h5" "$tmp/$src" 100 14 || bad "bitflip $src"
    for f in "$tmp/$src"/flip*.h5; do
        check "info $f" info "$f"
        if [ "$src" = trajectory ]; then
            check "export $f /trajectory/sgd" export "$f" /trajectory/sgd
            check "export $f /trajectory" export "$f" /trajectory
        else
            check "export $f /sweep/steps_to_target" export "$f" /sweep/steps_to_target
            check "merge $f" merge "$tmp/merged.h5" "$f"
            rm -f "$tmp/merged.h5"
        fi
    done
done
finish h5_corrupt_test
