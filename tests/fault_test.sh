#!/bin/sh
# tests/fault_test.sh OPTDYN — the promises of docs/reliability.md under faults: a full disk (tmpfs
# where root can mount one, `ulimit -f` everywhere), concurrent writers, bad -o, SIGTERM/SIGINT,
# SIGKILL + --resume for every kind that resumes, limits on derived counts, tiny numbers.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh
mnt=""
trap '[ -n "$mnt" ] && umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT

traj=experiments/rosenbrock-trajectories.ini
long="--set run.steps=50000000 --set run.record_every=1000000"     # minutes: killed long before
sweep=tests/data/mc-sweep.ini
small="--set sweep.seeds=1"                                         # 120 cells, a few seconds

# nothing_left NAME WHAT: no NAME, NAME.partial, NAME.lock (and NAME.journal unless "journal ok")
nothing_left() {
    for f in "$1" "$1.partial" "$1.lock" "$1.journal"; do
        [ "$f" = "$1.journal" ] && [ "$3" = "journal ok" ] && continue
        [ -e "$f" ] && { bad "$2 left $f"; return; }
    done
    ok
}
# wait_for FILE BYTES: until FILE has at least BYTES (at most ~10 s)
wait_for() {
    i=0
    while [ "$(stat -c %s "$1" 2>/dev/null || echo -1)" -lt "$2" ] && [ $i -lt 500 ]; do
        sleep 0.02
        i=$((i + 1))
    done
}

# --- reference results (uninterrupted) -------------------------------------------------------
"$OPTDYN" run -q $small -o "$tmp/ref.h5" "$sweep" && ok || bad "reference sweep"

# --- -o edge cases: exit 2 before any work, nothing created ------------------------------------
mkdir "$tmp/dir"
touch "$tmp/file"
mkfifo "$tmp/fifo"      # not /dev/null: an old optdyn, run as root, would replace it
for o in "$tmp/dir" "$tmp/dir/" "$tmp/missing/out.h5" "$tmp/file/out.h5" "$tmp/fifo"; do
    expect_exit 2 "output '$o'" "$OPTDYN" run -q $small -o "$o" "$sweep"
done
# -o '' from an empty folder (an old optdyn wrote .partial and .journal into the current one)
mkdir "$tmp/cwd"
abs=$(cd "$(dirname "$OPTDYN")" && pwd)/$(basename "$OPTDYN") here=$(pwd)
(cd "$tmp/cwd" && "$abs" run -q $small -o '' "$here/$sweep" 2> "$tmp/err")
[ $? -eq 2 ] && grep -q "output '' (-o): empty file name" "$tmp/err" && ok || bad "-o '': $(cat "$tmp/err")"
[ -z "$(ls -A "$tmp/cwd")" ] && ok || bad "-o '' created $(ls -A "$tmp/cwd")"
[ ! -e "$tmp/dir.partial" ] && [ ! -e "$tmp/dir.journal" ] && [ ! -e "$tmp/dir.lock" ] && ok ||
    bad "-o DIR left DIR.partial, DIR.journal or DIR.lock"
if [ "$(id -u)" -eq 0 ]; then
    expect_exit 2 "cannot create" "$OPTDYN" run -q -o /proc/out.h5 "$traj"    # root writes anywhere else
else
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    expect_exit 2 "cannot write in folder" "$OPTDYN" run -q -o "$tmp/ro/out.h5" "$traj"
fi

# --- concurrent writers: the second is refused up front, the first finishes intact ------------
"$OPTDYN" run -q $small -o "$tmp/c.h5" "$sweep" &
pid=$!
wait_for "$tmp/c.h5.journal" 200
expect_exit 2 "another optdyn run is writing $tmp/c.h5 (pid $pid" "$OPTDYN" run -q $small -o "$tmp/c.h5" "$sweep"
expect_exit 2 "another optdyn run is writing" "$OPTDYN" run -q -o "$tmp/c.h5" "$traj"
wait $pid && ok || bad "the first writer failed"
same "$tmp/ref.h5" "$tmp/c.h5" "the first writer's file differs from an undisturbed run"
[ ! -e "$tmp/c.h5.lock" ] && [ ! -e "$tmp/c.h5.journal" ] && ok || bad "lock or journal left after success"
# a lock file whose owner is dead (a pid that does not run, or no flock held) is taken over
echo 999999 > "$tmp/stale.h5.lock"
expect_exit 0 "" "$OPTDYN" run -q --set run.steps=10 -o "$tmp/stale.h5" "$traj"
[ -e "$tmp/stale.h5" ] && [ ! -e "$tmp/stale.h5.lock" ] && ok || bad "stale lock not taken over"

# --- SIGTERM and SIGINT: die of the signal, remove .partial and .lock, keep a sweep's journal -----
for sig in 15 2; do            # SIGTERM, SIGINT
    "$OPTDYN" run -q $long -o "$tmp/t.h5" "$traj" &
    pid=$!
    wait_for "$tmp/t.h5.partial" 1
    sleep 0.2
    kill -$sig $pid
    wait $pid 2>/dev/null
    rc=$?
    [ $rc -eq $((128 + sig)) ] && ok || bad "signal $sig: exit status $rc"
    nothing_left "$tmp/t.h5" "signal $sig"
done
"$OPTDYN" run -q $small -o "$tmp/st.h5" "$sweep" &
pid=$!
wait_for "$tmp/st.h5.journal" 1000
kill -s TERM $pid
wait $pid 2>/dev/null
[ $? -eq 143 ] && ok || bad "SIGTERM sweep: exit status"
nothing_left "$tmp/st.h5" "SIGTERM sweep" "journal ok"
[ -s "$tmp/st.h5.journal" ] && ok || bad "SIGTERM removed the sweep's journal"
"$OPTDYN" run -q --resume $small -o "$tmp/st.h5" "$sweep" && ok || bad "resume after SIGTERM"
same "$tmp/ref.h5" "$tmp/st.h5" "SIGTERM + --resume differs from uninterrupted"

# --- SIGKILL + --resume, twice, for every kind that resumes ------------------------------------
for kind in $("$OPTDYN" list kinds | awk '/^  [a-z]/ { print $1 }'); do
    case $kind in
    trajectory) exp=$traj set="--set run.steps=20" ;;
    sweep) exp=$sweep set=$small ;;
    flow) exp=experiments/flow-gd-quadratic.ini set="" ;;
    onestep) exp=experiments/sign-erf.ini set="--set onestep.samples=40" ;;
    scaling) exp=experiments/adam-scaling-rules.ini set="--set scaling.seeds=2" ;;
    *) bad "no fault-test experiment for kind $kind"; continue ;;
    esac
    # -o '' stops a resumable kind at the output check, after the --resume check
    "$OPTDYN" run -q --resume $set -o '' "$exp" 2> "$tmp/err"
    grep -q "has no cells to resume" "$tmp/err" && continue
    # kill once early, once during the resume, then finish
    for at in 500 2500; do
        "$OPTDYN" run -q --resume $set -o "$tmp/k-$kind.h5" "$exp" &
        pid=$!
        wait_for "$tmp/k-$kind.h5.journal" $at
        kill -9 $pid
        wait $pid 2>/dev/null
        [ ! -e "$tmp/k-$kind.h5" ] && ok || bad "$kind: SIGKILL left the final file (finished too fast?)"
    done
    [ -e "$tmp/k-$kind.h5.lock" ] && ok || bad "$kind: SIGKILL should leave a (stale) lock file"
    "$OPTDYN" run --resume $set -o "$tmp/k-$kind.h5" "$exp" 2> "$tmp/err" && ok || bad "$kind: resume"
    grep -q "resumed: [1-9]" "$tmp/err" && ok || bad "$kind: resume took no cells: $(cat "$tmp/err")"
    [ ! -e "$tmp/k-$kind.h5.journal" ] && [ ! -e "$tmp/k-$kind.h5.lock" ] && ok ||
        bad "$kind: journal or lock left after the resumed run"
    [ $kind = sweep ] && same "$tmp/ref.h5" "$tmp/k-$kind.h5" "$kind: killed twice + resumed differs"
done

# --- full disk: exit 1, file and reason named, no crash, nothing under the final name -----------
full_disk_checks() {   # RC OUTPUT REASON
    [ "$1" -eq 1 ] && ok || bad "full disk: exit status $1 (want 1; >128 is a crash)"
    grep -qF "$2.partial" "$tmp/err" && grep -qi "$3" "$tmp/err" && ok ||
        bad "full disk: message lacks the file or '$3': $(cat "$tmp/err")"
}
tested=""
mkdir "$tmp/mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=200k tmpfs "$tmp/mnt" 2>/dev/null; then
    mnt="$tmp/mnt"
    "$OPTDYN" run -q --set run.steps=200000 -o "$mnt/full.h5" "$traj" 2> "$tmp/err"
    full_disk_checks $? "$mnt/full.h5" "no space left on device"
    nothing_left "$mnt/full.h5" "full disk"
    # a sweep whose journal fits but whose output does not: the journal is kept and --resume,
    # once there is room, gives the uninterrupted result
    # (160k of 200k: the journal fits beside the .partial's opening /problem, axes included)
    dd if=/dev/zero of="$mnt/filler" bs=1k count=160 2>/dev/null
    "$OPTDYN" run -q $small -o "$mnt/s.h5" "$sweep" 2> "$tmp/err"
    full_disk_checks $? "$mnt/s.h5" "no space left on device"
    grep -q "kept in $mnt/s.h5.journal: run again with --resume" "$tmp/err" && ok ||
        bad "full disk: the kept journal is not announced: $(cat "$tmp/err")"
    nothing_left "$mnt/s.h5" "full disk (sweep)" "journal ok"
    rm -f "$mnt/filler"
    "$OPTDYN" run -q --resume $small -o "$mnt/s.h5" "$sweep" && ok || bad "resume after a full disk"
    same "$tmp/ref.h5" "$mnt/s.h5" "full disk + --resume differs from uninterrupted"
    umount "$mnt" && mnt=""
    tested="tmpfs"
fi
# portable: a file size limit (SIGXFSZ ignored, so write(2) fails with EFBIG)
sh -c "trap '' XFSZ; ulimit -f 64 && exec \"$OPTDYN\" run -q --set run.steps=200000 -o \"$tmp/big.h5\" $traj" \
    2> "$tmp/err"
rc=$?
if grep -q "file too large" "$tmp/err"; then
    full_disk_checks $rc "$tmp/big.h5" "file too large"
    nothing_left "$tmp/big.h5" "ulimit -f"
    tested="$tested ulimit"
fi
[ -n "$tested" ] && echo "fault: full disk tested with:$tested" ||
    echo "SKIP: full disk: no tmpfs (needs root) and ulimit -f not enforced here"

# --- limits: every derived count refused up front (exit 2), machine-independent memory cap -------
limit() {   # PATTERN ARGS...: exit 2 with PATTERN, nothing written
    pat=$1
    shift
    OPTDYN_MAX_MEMORY=1e8 expect_exit 2 "$pat" "$OPTDYN" run -q -o "$tmp/lim.h5" "$@"
    nothing_left "$tmp/lim.h5" "a refused limit"
}
cat > "$tmp/flow-big.ini" <<EOF
[experiment]
kind = flow
[problem]
type = nqm
dim = 100000
[flow]
lr = 0.01
time = 1
points = 100
[optimizer gd]
type = sgd
lr = 0.01
EOF
fq=experiments/flow-gd-quadratic.ini
sme=experiments/sme-weak-order.ini
limit "flow.lr: lr too small: time/lr = 2e+19 steps" --set flow.lr=1e-19 $fq
limit "flow.trajectory_lr: trajectory_lr too small: time/lr = 2e+17 steps" --set flow.trajectory_lr=1e-17 $fq
limit "flow.substeps: the SME's Euler-Maruyama steps" --set flow.substeps=1e7 --set flow.lr=1e-9 $sme
limit "flow.paths: the SME's per-path values need 3.2e+10 bytes" --set flow.paths=1e9 $sme
limit "[flow] points: the recorded trajectories" "$tmp/flow-big.ini"
limit "[sweep] lr: the sweep's cells" --set sweep.seeds=100000 $sweep
limit "onestep.batch: the direction statistics" --set problem.dim=100000 --set "onestep.batch=pow2(0,99)" \
    experiments/nqm-onestep.ini
limit "problem.dim: the per-coordinate state" --set problem.dim=1000000 experiments/nqm-onestep.ini
limit "[problem] dim: the exact engines' per-thread state" -j 2 --set problem.dim=100000 \
    experiments/nqm-steps-vs-batch.ini
limit "problem.examples: the dataset" --set problem.examples=1000000 --set problem.dim=100 \
    experiments/noise-scale-linreg.ini
limit "run.steps: expected an integer in [1, 1000000000000000]" --set run.steps=1e16 $traj

# --- one rule for tiny numbers, the flow lr grid included --------------------------------------
for v in 4.9e-324 1e-320 1e-400; do
    expect_exit 2 "'$v' is too small" "$OPTDYN" run -q -o "$tmp/tiny.h5" --set "flow.lr=$v" $fq
    expect_exit 2 "'$v' is too small" "$OPTDYN" run -q -o "$tmp/tiny.h5" --set "optimizer adam.eps=$v" $traj
done
expect_exit 2 "is too small" "$OPTDYN" run -q -o "$tmp/tiny.h5" --set "flow.lr=logspace(-330, -320, 3)" $fq
nothing_left "$tmp/tiny.h5" "a tiny number"

# --- Adam/RMSprop with eps = 0 started at the minimum: zero updates, no divergence -------------
cat > "$tmp/min.ini" <<EOF
[problem]
type = quadratic
dim = 2
x0 = 0
[run]
steps = 100
[optimizer adam]
type = adam
lr = 0.1
eps = 0
[optimizer rmsprop]
type = rmsprop
lr = 0.1
eps = 0
EOF
expect_exit 0 "" "$OPTDYN" run -q -o "$tmp/min.h5" "$tmp/min.ini"
[ "$("$OPTDYN" info "$tmp/min.h5" | grep -c '@diverged_at = -1')" -eq 2 ] && ok ||
    bad "eps = 0 at the minimum flagged as divergence"

finish "fault"
