#!/bin/sh
# bench/run.sh BUILD — `make bench`: each case runs optdyn and its peer in this same session,
# checks that they computed the same thing (final losses agree within 4 combined standard
# errors; exact step counts agree), and prints ns per coordinate-step and the ratio. Medians of
# REPEAT runs (default 3). Nothing here is asserted as a test: these are measurements.
BUILD=${1:-build}
REPEAT=${REPEAT:-3}
B="$BUILD/bench/optdyn_bench"
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/optdyn-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
D=10000 STEPS=1000 BATCH=8 R=8

# median of REPEAT runs of a command printing "case NAME ns_per_coord_step T stat S se E"
median_run() {
    for i in $(seq "$REPEAT"); do "$@"; done > "$tmp/runs"
    sort -g -k4 "$tmp/runs" | awk -v n="$REPEAT" 'NR == int((n + 1) / 2)'
}
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
agree() {   # two result lines: |stat1 - stat2| <= 4 sqrt(se1^2 + se2^2)
    awk -v a="$(field "$1" stat)" -v b="$(field "$2" stat)" -v sa="$(field "$1" se)" -v sb="$(field "$2" se)" \
        'BEGIN { d = a - b; if (d < 0) d = -d; print (d <= 4 * sqrt(sa * sa + sb * sb) + 1e-9 * (a < 0 ? -a : a)) ? "agree" : "DISAGREE" }'
}
row() {     # label, optdyn line, peer line, peer name
    t1=$(field "$2" ns_per_coord_step) t2=$(field "$3" ns_per_coord_step)
    printf "%-34s %10.3f %10.3f %-7s %7.1fx  %s (loss %s vs %s)\n" "$1" "$t1" "$t2" "$4" \
        "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b / a }')" "$(agree "$2" "$3")" \
        "$(field "$2" stat)" "$(field "$3" stat)"
}

echo "optdyn bench: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; medians of $REPEAT runs"
echo "NQM d = $D, $STEPS steps, batch $BATCH, $R replicates per run; ns per coordinate-step"
printf "%-34s %10s %10s %-7s %8s\n" "case" "optdyn" "peer" "peer" "speedup"
floor=$(median_run "$B" normals $D 5000)
for opt in "sgd:type = sgd
lr = 0.5:0.5" "momentum:type = momentum
lr = 0.05
momentum = 0.9:0.05" "adam:type = adam
lr = 0.01:0.01"; do
    name=${opt%%:*} rest=${opt#*:} spec=${rest%:*} lr=${rest##*:}
    ours=$(median_run "$B" mc "$name" "$spec" $D $STEPS $BATCH $R)
    peer=$(median_run $PY bench/peers/nqm_numpy.py mc "$name" "$name" $D $STEPS $BATCH $R "$lr")
    row "Monte Carlo $name vs NumPy" "$ours" "$peer" numpy
    echo "$ours" > "$tmp/$name.line"
done
torch=$(median_run $PY bench/peers/adam_torch.py $D $STEPS $BATCH $R 0.01)
row "Adam vs torch.optim.Adam(foreach)" "$(cat "$tmp/adam.line")" "$torch" torch
fl=$(field "$floor" ns_per_coord_step)
sg=$(field "$(cat "$tmp/sgd.line")" ns_per_coord_step)
printf "%-34s %10.3f   (SGD step = %.2fx the cost of its Gaussians alone)\n" "floor: N(0,1) draws alone" "$fl" \
    "$(awk -v a="$sg" -v b="$fl" 'BEGIN { print a / b }')"

z1=$("$B" zhang $D 22 100)
z2=$($PY -W ignore bench/peers/nqm_numpy.py zhang $D 22 100)
printf "%-34s %9.2fs %9.2fs %-7s %7.1fx  %s\n" "exact NQM steps, 22 B x 100 lr" "$(field "$z1" seconds)" \
    "$(field "$z2" seconds)" numpy "$(awk -v a="$(field "$z1" seconds)" -v b="$(field "$z2" seconds)" 'BEGIN { print b / a }')" \
    "$( [ "$(field "$z1" stat)" = "$(field "$z2" stat)" ] && echo "same steps" || echo "DIFFERENT steps ($(field "$z1" stat) vs $(field "$z2" stat))")"

# the whole Zhang protocol (SGD) through the CLI, 2 threads
sed -n '1,24p' experiments/nqm-steps-vs-batch.ini > "$tmp/zhang-sgd.ini"
t0=$(date +%s.%N); "$BUILD/optdyn" run -q -j 2 -o "$tmp/z.h5" "$tmp/zhang-sgd.ini"; t1=$(date +%s.%N)
printf "%-34s %9.2fs  (target: under 10 s)\n" "Zhang sweep, SGD, optdyn run -j 2" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"

# parallel efficiency on a Monte Carlo sweep
t0=$(date +%s.%N); "$BUILD/optdyn" run -q -j 1 -o "$tmp/p1.h5" tests/data/mc-sweep.ini; t1=$(date +%s.%N)
"$BUILD/optdyn" run -q -j 2 -o "$tmp/p2.h5" tests/data/mc-sweep.ini; t2=$(date +%s.%N)
printf "%-34s %9.2fs %9.2fs %-7s %7.2fx  %s\n" "sweep -j 1 vs -j 2" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')" "-j 2" "$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { print (b - a) / (c - b) }')" \
    "$($PY tests/h5_same.py "$tmp/p1.h5" "$tmp/p2.h5" && echo identical)"

# HDF5 recording: a trajectory recorded every 10 steps vs recorded only at its ends
rec_cost() {   # dim record_x steps
    cat > "$tmp/traj.ini" <<INI
[problem]
type = nqm
dim = $1
[run]
steps = $3
batch = 8
record_x = $2
[optimizer sgd]
type = sgd
lr = 0.5
INI
    t0=$(date +%s.%N); "$BUILD/optdyn" run -q -o "$tmp/t.h5" --set run.record_every=10 "$tmp/traj.ini"; t1=$(date +%s.%N)
    "$BUILD/optdyn" run -q -o "$tmp/t.h5" --set run.record_every=$3 "$tmp/traj.ini"; t2=$(date +%s.%N)
    printf "%-34s %9.2fs %9.2fs %-7s %7.1f%%  of run time\n" "HDF5 every 10 steps, d=$1 x=$2" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')" \
        "ends" "$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { print 100 * ((b - a) - (c - b)) / (b - a) }')"
}
rec_cost 10000 no 20000
rec_cost 100 yes 200000
