#!/bin/sh
# tests/fuzz_regress_test.sh OPTDYN — replay every input of tests/fuzz-regress/ (found by `make
# fuzz`) against the normal build: no signal death; the documented exit status (README there).
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
# expect CODES WHAT CMD...: the exit status is one of CODES (e.g. "0 2")
expect() {
    codes=$1 what=$2
    shift 2
    "$@" >/dev/null 2>"$tmp/err"
    rc=$?
    case " $codes " in
    *" $rc "*) ok ;;
    *) bad "$what: exit $rc (expected $codes): $(head -c 300 "$tmp/err")" ;;
    esac
}
for f in tests/fuzz-regress/h5/*.h5; do
    [ -e "$f" ] || continue
    expect "0 2" "info $f" "$OPTDYN" info "$f"
    paths=$("$OPTDYN" info "$f" 2>/dev/null | sed -n 's|^\(/[^ ]*\).*|\1|p' | sed 's|/$||')
    for p in $paths; do expect "0 2" "export $f $p" "$OPTDYN" export "$f" "$p"; done
    expect "0 2" "merge $f" "$OPTDYN" merge "$tmp/merged.h5" "$f"
    rm -f "$tmp/merged.h5"
done
# refused every time, not by luck of the address layout (README there)
for i in 1 2 3 4 5; do
    expect 2 "info float-fields-stack-smash.h5 ($i)" "$OPTDYN" info tests/fuzz-regress/h5/float-fields-stack-smash.h5
    grep -q "numbers of a nonstandard type" "$tmp/err" && ok || bad "float fields: $(cat "$tmp/err")"
done
# release builds only: libhdf5 reads past a block there, which ASan reports (exit 1) in a
# sanitizer build; a release build must end the contained child's SIGSEGV with exit 2
"$OPTDYN" run -q -o "$tmp/flags.h5" fuzz/seeds/h5-src/trajectory.ini || bad "run for the build flags"
if ! "$OPTDYN" info "$tmp/flags.h5" 2>/dev/null | grep -q "cflags = .*fsanitize"; then
    for f in tests/fuzz-regress/release/*-segv.h5; do
        expect 2 "info $f" "$OPTDYN" info "$f"
        grep -q "libhdf5 crashed reading it (signal 11" "$tmp/err" && ok || bad "$f: $(cat "$tmp/err")"
    done
    # the check's child has an address-space budget in release builds only (not under ASan)
    expect 2 "info vlen-length-2gib.h5" "$OPTDYN" info tests/fuzz-regress/release/vlen-length-2gib.h5
    grep -q "cannot read its strings" "$tmp/err" && ok || bad "vlen length: $(cat "$tmp/err")"
fi
for f in tests/fuzz-regress/experiment/*.ini; do
    [ -e "$f" ] || continue
    expect 2 "run $f" "$OPTDYN" run -q -o "$tmp/out.h5" "$f"
    [ ! -e "$tmp/out.h5" ] && [ ! -e "$tmp/out.h5.partial" ] && ok || bad "run $f left a file"
done
for f in tests/fuzz-regress/set/*.set; do
    [ -e "$f" ] || continue
    base=$(head -1 "$f")
    set -- run -q -o "$tmp/out.h5" "$base"
    while IFS= read -r line; do set -- "$@" --set "$line"; done <<EOS
$(tail -n +2 "$f")
EOS
    expect 2 "$f" "$OPTDYN" "$@"
done
finish fuzz_regress_test
