#!/bin/sh
# fuzz/run.sh BUILD SECONDS TARGET... — run each libFuzzer target for SECONDS on one core from its
# committed seeds (fuzz/seeds/, experiments/, tests/bad-input/); new inputs go to fuzz/work/
# (not committed), crashes to fuzz/work/TARGET-crash-*. Exit 1 when any target failed.
# FUZZ_WORK (default fuzz/work; relative to the current folder, or absolute) separates runs
# side by side; FUZZ_TIMEOUT (default 10 s per input) gives a loaded machine room.
BUILD=$1
SECONDS_EACH=$2
shift 2
fail=0
for t in "$@"; do
    work=${FUZZ_WORK:-fuzz/work}/$t
    case $work in /*) ;; *) work=$PWD/$work ;; esac
    mkdir -p "$work/corpus"
    case $t in
    fuzz_experiment) seeds="experiments tests/bad-input" ;;
    fuzz_set) seeds="fuzz/seeds/set" ;;
    fuzz_h5) seeds="fuzz/seeds/h5" ;;
    *) seeds="fuzz/seeds/${t#fuzz_}" ;;
    esac
    echo "== $t: $SECONDS_EACH s"
    # A small ASan quarantine keeps the process small: fuzz_h5 forks (the file check) per input,
    # and a fork copies the page tables of everything the process has touched. Reports of such a
    # child go to $work/child.PID, its input to $work/child-input.PID.h5 (fuzz/fuzz_h5.c).
    ASAN_OPTIONS="${FUZZ_ASAN_OPTIONS:-quarantine_size_mb=16}:log_path=$work/child"
    # fuzz_h5 also skips symbolizing reports (an llvm-symbolizer per contained child crash cost
    # 15 % of its time): replay a saved input to read a report with symbols. Its checking children
    # bind every symbol once, in the server, not per fork (LD_BIND_NOW: -10 % per input). Malloc
    # stacks are the fast frame-pointer ones (3.7x faster than full unwinding); the one libhdf5_hl
    # leak that needed full stacks to be suppressed (fuzz/lsan.supp) no longer reaches the
    # commands: the file check refuses a dimension list that fails to read.
    [ "$t" = fuzz_h5 ] && ASAN_OPTIONS="$ASAN_OPTIONS:symbolize=0"
    LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp"
    LD_BIND_NOW=1
    export ASAN_OPTIONS LSAN_OPTIONS LD_BIND_NOW
    # shellcheck disable=SC2086
    if "$BUILD/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
        -max_len=65536 -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$work/" \
        "$work/corpus" $seeds >"$work/log" 2>&1; then
        grep -E '^(Done|stat::|#[0-9]+[[:space:]]+DONE)' "$work/log"
        # fuzz_h5's file check runs in a child; a crash there (inside libhdf5 on a corrupt file)
        # is contained (exit 2); the harness saves the child's input next to its report
        n=$(find "$work" -maxdepth 1 -name 'child.*' | wc -l)
        [ "$n" -eq 0 ] || echo "$t: $n inputs crashed the file-check child (contained; reports" \
            "$work/child.PID, inputs $work/child-input.PID.h5)"
    else
        fail=1
        echo "FAILED: $t (log: $work/log)"
        grep -E -A30 '^==[0-9]+==|SUMMARY|ERROR: libFuzzer' "$work/log" | head -60
    fi
done
exit "$fail"
