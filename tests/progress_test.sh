#!/bin/sh
# tests/progress_test.sh OPTDYN — progress for every kind: off a terminal, with
# OPTDYN_PROGRESS_INTERVAL=0 (a line per report), each kind of sim/kinds/registry.c prints
# "optdyn run: WHAT done/total (P%)" lines with P never decreasing, an estimate of the time left
# on some, 100% at the end, then the closing "wrote OUT: kind = K, ..." line; -q prints nothing;
# a bad interval is exit 2.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

# one small experiment per kind (the shipped ones, reduced)
exp_of() {
    case $1 in
    trajectory) echo "experiments/rosenbrock-trajectories.ini --set run.steps=5000" ;;
    sweep) echo "experiments/cr-linreg.ini --set sweep.lr=logspace(-3,0,4) --set sweep.batch=1,16
                 --set sweep.max_steps=1000 --set sweep.seeds=2" ;;
    flow) echo "experiments/flow-gd-quadratic.ini" ;;
    onestep) echo "experiments/nqm-onestep.ini --set problem.dim=100 --set onestep.samples=50
                   --set onestep.batch=1,16,256" ;;
    scaling) echo "experiments/adam-scaling-rules-nqm.ini --set scaling.seeds=2 --set scaling.points=4
                   --set scaling.examples=4096" ;;
    esac
}
kinds=$(grep -o '&kind_[a-z]*' sim/kinds/registry.c | sed 's/&kind_//' | sort -u)
[ "$(echo $kinds | wc -w)" -ge 5 ] && ok || bad "kinds not found in sim/kinds/registry.c: $kinds"
for k in $kinds; do
    e=$(exp_of "$k")
    [ -n "$e" ] || { bad "kind $k has no case in tests/progress_test.sh"; continue; }
    # shellcheck disable=SC2086 (word splitting of the reduced arguments is intended)
    OPTDYN_PROGRESS_INTERVAL=0 "$OPTDYN" run $(echo $e | sed 's/--set /--set=/g') -o "$tmp/$k.h5" \
        2> "$tmp/$k.err" && ok || { bad "$k: exit $?"; sed 's/^/    /' "$tmp/$k.err"; continue; }
    grep -E '^optdyn run: [^ ]+ +[0-9]+/[0-9]+ \( *[0-9]+%\)' "$tmp/$k.err" > "$tmp/$k.lines"
    n=$(wc -l < "$tmp/$k.lines")
    [ "$n" -ge 2 ] && ok || bad "$k: $n progress lines (want >= 2)"
    grep -q 'about [0-9]* s left' "$tmp/$k.lines" && ok || bad "$k: no line says the time left"
    tail -1 "$tmp/$k.lines" | grep -q '(100%)' && ok || bad "$k: the last progress line is not at 100%"
    sed 's/.*(\( *[0-9]*\)%).*/\1/' "$tmp/$k.lines" | sort -n -c 2> /dev/null && ok ||
        bad "$k: the share of work done went down: $(tr '\n' ' ' < "$tmp/$k.lines" | cut -c1-300)"
    tail -1 "$tmp/$k.err" | grep -q "^optdyn run: wrote $tmp/$k.h5: kind = $k, [0-9]* optimizers\?, [0-9.]* s$" &&
        ok || bad "$k: last line: $(tail -1 "$tmp/$k.err")"
done
# -q: nothing at all; the default interval (10 s): no progress lines in a short run, the closing line
OPTDYN_PROGRESS_INTERVAL=0 "$OPTDYN" run experiments/flow-gd-quadratic.ini -o "$tmp/q.h5" -q 2> "$tmp/q.err"
[ ! -s "$tmp/q.err" ] && ok || bad "-q printed: $(head -2 "$tmp/q.err")"
"$OPTDYN" run experiments/flow-gd-quadratic.ini -o "$tmp/d.h5" 2> "$tmp/d.err"
[ "$(wc -l < "$tmp/d.err")" -eq 1 ] && grep -q "^optdyn run: wrote" "$tmp/d.err" && ok ||
    bad "default interval: $(head -3 "$tmp/d.err")"
for v in abc -1 1e10 5s; do
    OPTDYN_PROGRESS_INTERVAL=$v expect_exit 2 "OPTDYN_PROGRESS_INTERVAL" \
        "$OPTDYN" run experiments/flow-gd-quadratic.ini -o "$tmp/v.h5"
done
[ ! -e "$tmp/v.h5" ] && ok || bad "a bad OPTDYN_PROGRESS_INTERVAL still ran"
finish progress_test
