#!/bin/sh
# tests/mpi_test.sh SERIAL_OPTDYN MPI_OPTDYN — sweeps under mpirun: -np 2 and -np 3 (oversubscribed,
# with threads) give the serial run's datasets byte for byte (-np 2 with rng = splitmix too); a rank killed mid-way leaves its
# finished cells in the journal and --resume completes them identically; a Fashion-MNIST sweep to
# test-accuracy targets under -np 2 gives the serial run's datasets (where the dataset package is
# installed); prints the -np 2 vs -np 1 speedup (measured, not asserted).
SERIAL=${1:-build/optdyn}
MPI=${2:-build-mpi/optdyn}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
exp=tests/data/mc-sweep.ini
command -v mpirun > /dev/null || { echo "mpi: mpirun missing (scripts/deps.sh mpi)"; echo "mpi: 0 passed, 1 failed"; exit 1; }
. tests/lib.sh
now() { date +%s.%N; }

"$SERIAL" run -q -o "$tmp/serial.h5" "$exp" && ok || bad "serial run"
t0=$(now)
mpirun -np 1 "$MPI" run -q -o "$tmp/np1.h5" "$exp" && ok || bad "mpirun -np 1"
t1=$(now)
mpirun -np 2 "$MPI" run -q -o "$tmp/np2.h5" "$exp" && ok || bad "mpirun -np 2"
t2=$(now)
mpirun -np 3 "$MPI" run -q -j 2 -o "$tmp/np3.h5" "$exp" && ok || bad "mpirun -np 3 -j 2"
same "$tmp/serial.h5" "$tmp/np1.h5" "-np 1 differs from serial"
same "$tmp/serial.h5" "$tmp/np2.h5" "-np 2 differs from serial"
same "$tmp/serial.h5" "$tmp/np3.h5" "-np 3 differs from serial"
"$SERIAL" run -q --set experiment.rng=splitmix -o "$tmp/serial-sm.h5" "$exp" && ok || bad "serial run, rng = splitmix"
mpirun -np 2 "$MPI" run -q --set experiment.rng=splitmix -o "$tmp/np2-sm.h5" "$exp" && ok || bad "mpirun -np 2, rng = splitmix"
same "$tmp/serial-sm.h5" "$tmp/np2-sm.h5" "rng = splitmix: -np 2 differs from serial"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "mpi: -np 1 %.2f s, -np 2 %.2f s, speedup %.2f\n", b - a, c - b, (b - a) / (c - b) }'

# a rank dies (SIGKILL) mid-way: the job stops, finished cells stay in the journal
mpirun -np 2 "$MPI" run -q -o "$tmp/k.h5" "$exp" > /dev/null 2>&1 &
i=0
while [ "$(stat -c %s "$tmp/k.h5.journal" 2>/dev/null || echo 0)" -lt 3000 ] && [ $i -lt 300 ]; do
    sleep 0.02
    i=$((i + 1))
done
victim=$(pgrep -f "$MPI run -q -o $tmp/k.h5" | tail -1)
[ -n "$victim" ] && kill -9 "$victim"
wait
[ ! -e "$tmp/k.h5" ] && ok || bad "a killed job left k.h5 (or finished before the kill)"
mpirun -np 2 "$MPI" run --resume -o "$tmp/k.h5" "$exp" 2> "$tmp/resume.err" && ok || bad "resume"
grep -q "resumed: [1-9][0-9]* of 360 cells" "$tmp/resume.err" && ok || bad "resume took no cells: $(cat "$tmp/resume.err")"
same "$tmp/serial.h5" "$tmp/k.h5" "killed + resumed under MPI differs from serial"

# real data: the test-accuracy sweep of tests/fmnist_test.sh, ranks against the serial run
fm=tests/data/fmnist-acc-sweep.ini
if [ -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    "$SERIAL" run -q -o "$tmp/fm-serial.h5" "$fm" && ok || bad "fmnist serial run"
    mpirun -np 2 "$MPI" run -q -o "$tmp/fm-np2.h5" "$fm" && ok || bad "fmnist mpirun -np 2"
    same "$tmp/fm-serial.h5" "$tmp/fm-np2.h5" "fmnist sweep: -np 2 differs from serial"
else
    echo "mpi: fmnist part SKIPPED: install dataset-fashion-mnist (scripts/deps.sh does)"
fi

finish "mpi"
