#!/bin/sh
# bench/run.sh BUILD — `make bench`: each case runs optdyn and its peer interleaved (A B A B ...,
# ROUNDS >= 5 rounds, default 5) in this same session, checks that they computed the same thing
# (final losses agree within 4 combined standard errors; exact step counts agree) and prints ns per
# coordinate-step as min, median and spread ((max - min)/median) of each side, the ratio of the
# minima and the median of the per-round ratios; times are CPU times of each process
# (BENCH_CLOCK=wall: elapsed), except the CLI rows (elapsed). The machine's load and idle cores (from
# /proc/stat, over the whole bench, this bench's own core included) are printed, since every
# absolute time depends on them. Nothing here is asserted as a test: these are measurements.
BUILD=${1:-build}
ROUNDS=${ROUNDS:-5}
[ "$ROUNDS" -ge 5 ] 2>/dev/null || { echo "bench: ROUNDS must be >= 5" >&2; exit 2; }
B="$BUILD/bench/optdyn_bench"
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/optdyn-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
D=10000 STEPS=1000 BATCH=8 R=8

field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
agree() {   # two result lines: |stat1 - stat2| <= 4 sqrt(se1^2 + se2^2)
    awk -v a="$(field "$1" stat)" -v b="$(field "$2" stat)" -v sa="$(field "$1" se)" -v sb="$(field "$2" se)" \
        'BEGIN { d = a - b; if (d < 0) d = -d; print (d <= 4 * sqrt(sa * sa + sb * sb) + 1e-9 * (a < 0 ? -a : a)) ? "agree" : "DISAGREE" }'
}
cpu_idle() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# interleave KEY CMD_A CMD_B: ROUNDS rounds of A then B; appends "a b" (field KEY of each line) to
# $tmp/pairs, keeps the first round's lines in $tmp/la, $tmp/lb
interleave() {
    : > "$tmp/pairs"
    for i in $(seq "$ROUNDS"); do
        la=$(eval "$2") lb=$(eval "$3")
        [ "$i" = 1 ] && { echo "$la" > "$tmp/la"; echo "$lb" > "$tmp/lb"; }
        echo "$(field "$la" "$1") $(field "$lb" "$1")" >> "$tmp/pairs"
    done
}
# min / median / spread of column c of $tmp/pairs, and the two ratios (b over a)
summary() {
    awk '{ a[NR] = $1; b[NR] = $2; r[NR] = $2 / $1 }
         function sort(x, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j-1] > x[j]; j--) { t = x[j]; x[j] = x[j-1]; x[j-1] = t } }
         function med(x, n) { return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
         END { n = NR; sort(a, n); sort(b, n); sort(r, n)
               printf "%8.3f %8.3f %5.0f%% | %8.3f %8.3f %5.0f%% | %6.2fx %6.2fx", a[1], med(a, n), 100 * (a[n] - a[1]) / med(a, n),
                      b[1], med(b, n), 100 * (b[n] - b[1]) / med(b, n), b[1] / a[1], med(r, n) }' "$tmp/pairs"
}
row() {     # label, peer name, what the check says
    printf "%-30s %s %-6s %s\n" "$1" "$(summary)" "$2" "$3"
}
timed() {   # elapsed seconds of a command; a failing command is reported, not timed
    t0=$(date +%s.%N)
    "$@" > /dev/null || { echo "bench: FAILED: $*" >&2; echo "case t seconds nan"; return; }
    t1=$(date +%s.%N); echo "case t seconds $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

set -- $(cpu_idle); idle0=$1 total0=$2
echo "optdyn bench: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $ROUNDS interleaved rounds"
echo "NQM d = $D, $STEPS steps, batch $BATCH, $R replicates per run; ns per coordinate-step"
printf "%-30s %8s %8s %6s | %8s %8s %6s | %7s %7s %-6s %s\n" "case" "min" "median" "spread" "min" "median" "spread" \
    "ratio" "median" "peer" "check"
printf "%-30s %-24s | %-24s | %s\n" "" "optdyn" "peer" "peer/optdyn: of minima, per round"
for opt in "sgd:type = sgd
lr = 0.5:0.5" "momentum:type = momentum
lr = 0.05
momentum = 0.9:0.05" "adam:type = adam
lr = 0.01:0.01"; do
    name=${opt%%:*} rest=${opt#*:} spec=${rest%:*} lr=${rest##*:}
    interleave ns_per_coord_step '"$B" mc "$name" "$spec" $D $STEPS $BATCH $R' \
        '$PY bench/peers/nqm_numpy.py mc "$name" "$name" $D $STEPS $BATCH $R "$lr"'
    row "Monte Carlo $name" numpy "$(agree "$(cat "$tmp/la")" "$(cat "$tmp/lb")") (loss $(field "$(cat "$tmp/la")" stat) vs $(field "$(cat "$tmp/lb")" stat))"
done
interleave ns_per_coord_step '"$B" mc sgd "type = sgd
lr = 0.5" $D $STEPS $BATCH $R splitmix' '$PY bench/peers/nqm_numpy.py mc sgd sgd $D $STEPS $BATCH $R 0.5'
row "MC sgd, rng = splitmix" numpy "$(agree "$(cat "$tmp/la")" "$(cat "$tmp/lb")") (loss $(field "$(cat "$tmp/la")" stat) vs $(field "$(cat "$tmp/lb")" stat))"
interleave ns_per_coord_step '"$B" mc adam "type = adam
lr = 0.01" $D $STEPS $BATCH $R' '$PY bench/peers/adam_torch.py $D $STEPS $BATCH $R 0.01'
row "Adam vs torch (foreach, 1 thr)" torch "$(agree "$(cat "$tmp/la")" "$(cat "$tmp/lb")") (loss $(field "$(cat "$tmp/la")" stat) vs $(field "$(cat "$tmp/lb")" stat))"
interleave ns_per_coord_step '"$B" normals $D 5000' '"$B" mc sgd "type = sgd
lr = 0.5" $D $STEPS $BATCH $R'
row "floor: N(0,1) alone vs SGD" "sgd" "(optdyn: the draws; peer column: optdyn's whole SGD step)"
interleave ns_per_coord_step '"$B" normals $D 5000 splitmix' '"$B" normals $D 5000 philox'
row "N(0,1): splitmix vs philox" "philox" "(optdyn both: rng = splitmix's ziggurat, peer column Philox + Box-Muller)"

interleave seconds '"$B" zhang $D 22 100' '$PY -W ignore bench/peers/nqm_numpy.py zhang $D 22 100'
row "exact NQM steps 22 B x 100 lr" numpy "$( [ "$(field "$(cat "$tmp/la")" stat)" = "$(field "$(cat "$tmp/lb")" stat)" ] && echo "same steps" || echo "DIFFERENT steps")  (seconds)"

# parallel efficiency on a Monte Carlo sweep (seconds; identical output checked once)
interleave seconds 'timed "$BUILD/optdyn" run -q -j 2 -o "$tmp/p2.h5" tests/data/mc-sweep.ini' \
    'timed "$BUILD/optdyn" run -q -j 1 -o "$tmp/p1.h5" tests/data/mc-sweep.ini'
row "sweep -j 2 vs -j 1 (seconds)" "-j 1" "$($PY tests/h5_same.py "$tmp/p1.h5" "$tmp/p2.h5" > /dev/null && echo identical || echo DIFFERENT) (ratio = -j 2 speed-up)"

# recording: a trajectory recorded every step vs only at its ends (scalars, then with x)
rec_cost() {   # dim record_x steps
    printf "[problem]\ntype = nqm\ndim = %s\n[run]\nsteps = %s\nbatch = 8\nrecord_x = %s\n[optimizer sgd]\ntype = sgd\nlr = 0.5\n" \
        "$1" "$3" "$2" > "$tmp/traj.ini"
    nsteps=$3      # (interleave's eval sees its own $3)
    interleave seconds 'timed "$BUILD/optdyn" run -q -o "$tmp/t.h5" --set run.record_every=$nsteps "$tmp/traj.ini"' \
        'timed "$BUILD/optdyn" run -q -o "$tmp/t.h5" --set run.record_every=1 "$tmp/traj.ini"'
    row "record every step, d=$1 x=$2" "ends" "(seconds; ratio - 1 = the cost of recording)"
}
rec_cost 10000 no 20000
rec_cost 100 yes 200000

# the whole Zhang protocol through the CLI, 2 threads (FULL=1: all five optimizers, else SGD)
if [ "${FULL:-0}" = 1 ]; then cp experiments/nqm-steps-vs-batch.ini "$tmp/zhang.ini"; what="5 optimizers"
else sed -n '1,24p' experiments/nqm-steps-vs-batch.ini > "$tmp/zhang.ini"; what="SGD"; fi
z=$(timed "$BUILD/optdyn" run -q -j 2 -o "$tmp/z.h5" "$tmp/zhang.ini")
printf "%-30s %8.2fs (one run; FULL=1 for all five optimizers)\n" "Zhang sweep $what, -j 2" "$(field "$z" seconds)"

set -- $(cpu_idle)
awk -v i="$(($1 - idle0))" -v t="$(($2 - total0))" -v n="$(nproc)" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { printf "idle during the bench: %.2f of %d cores (this bench kept about one busy); load average %s at end\n", n * i / t, n, l }'
