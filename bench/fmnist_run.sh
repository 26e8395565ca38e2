#!/bin/sh
# bench/fmnist_run.sh BUILD [ROUNDS] — `make bench-fmnist`: one full-batch gradient of fmnist_mlp
# (10000 examples, 64 tanh units, 10 classes: 50890 parameters) in optdyn against NumPy and
# PyTorch (1 thread, float64), and optdyn on 2 threads (fixed chunks, the same gradient bit for bit),
# interleaved: each round runs the four once (median of 5 gradients each); prints every round and
# the median ratios. Measurements, not asserted.
BUILD=${1:-build}
ROUNDS=${2:-5}
N=10000 H=64 REPS=5
tmp=$(mktemp -d /tmp/optdyn-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "fmnist bench: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "full-batch gradient, fmnist_mlp N = $N, hidden = $H; seconds (median of $REPS) per round"
for r in $(seq "$ROUNDS"); do
    OMP_NUM_THREADS=1 "$BUILD/bench/fmnist_bench" $N $H $REPS "$tmp/dump" > "$tmp/c" || exit 1
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/fmnist_mlp.py numpy $N $H $REPS "$tmp/dump" > "$tmp/np"
    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/fmnist_mlp.py torch $N $H $REPS "$tmp/dump" > "$tmp/pt" 2>/dev/null
    "$BUILD/bench/fmnist_bench" $N $H $REPS "$tmp/dump2" 2 | sed 's/^optdyn/optdyn-j2/' > "$tmp/c2" || exit 1
    cmp -s "$tmp/dump" "$tmp/dump2" || { echo "fmnist bench: the 2-thread gradient differs"; exit 1; }
    echo "round $r: $(cat "$tmp/c" "$tmp/np" "$tmp/pt" "$tmp/c2" | tr '\n' ' ')"
done | tee "$tmp/rounds"
med() { awk -v k="$1" '{ print $k }' "$tmp/rounds" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
c=$(med 5) p=$(med 12) t=$(med 17) c2=$(med 22)
awk -v c="$c" -v p="$p" -v t="$t" 'BEGIN { printf "median: optdyn %.4g s, numpy %.4g s (%.2fx optdyn), torch %.4g s (%.2fx optdyn); ratio > 1: optdyn faster\n", c, p, p / c, t, t / c }'
awk -v c="$c" -v c2="$c2" 'BEGIN { printf "optdyn -j 2: %.4g s, speedup over -j 1 %.2fx (load above: the other processes share the cores)\n", c2, c / c2 }'
echo "numpy's BLAS: $(/usr/bin/python3 -c 'import numpy; numpy.show_config()' 2>/dev/null | awk '/blas_opt_info/ { f = 1 } f && /libraries/ { print; exit }' | sed 's/^ *//')"
