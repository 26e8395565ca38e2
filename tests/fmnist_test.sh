#!/bin/sh
# tests/fmnist_test.sh OPTDYN — the fmnist problems against NumPy (tests/fmnist_check.py) on values
# test_fmnist dumps; a bad data_dir refused with exit 2 naming the file; a sweep to test-accuracy
# targets (steps monotone in the target, equal to the first crossing of a trajectory's recorded
# test accuracy; refusals with exit 2); -j 2 = -j 1, SIGKILL + --resume and --shard + merge give
# the uninterrupted run's datasets; onestep Monte Carlo on fmnist_mlp. Skipped (saying so) without
# Debian's dataset-fashion-mnist.
set -u
OPTDYN=$1
BUILD=$(dirname "$1")
if [ ! -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    echo "fmnist_test: SKIPPED: install dataset-fashion-mnist (scripts/deps.sh does)"
    exit 0
fi
. tests/lib.sh
dir=$tmp
FMNIST_DUMP=$dir "$BUILD/tests/test_fmnist" >/dev/null 2>&1 && ok || bad "test_fmnist failed"
/usr/bin/python3 tests/fmnist_check.py "$dir" && ok || bad "NumPy check"
printf '[experiment]\nkind = trajectory\n[problem]\ntype = fmnist_softmax\ndata_dir = %s\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n' "$dir" > "$dir/bad.ini"
expect_exit 2 "data_dir" "$OPTDYN" run "$dir/bad.ini" -o "$dir/bad.h5"
grep -q "data_dir.*$dir/train-images-idx3-ubyte.*cannot open" "$tmp/stderr" && ok \
    || { bad "expected the missing file named:"; cat "$tmp/stderr"; }

# --- steps to a test accuracy ------------------------------------------------------------------
acc=tests/data/fmnist-acc-sweep.ini
"$OPTDYN" run -q -j 2 -o "$dir/ref.h5" "$acc" && ok || bad "accuracy sweep"
"$OPTDYN" run -q -o "$dir/traj.h5" --set experiment.kind=trajectory \
    --set run.batch=16 --set run.steps=400 --set run.record_every=5 \
    --set 'optimizer sgd.lr=0.3' --set 'optimizer heavy.lr=0.3' \
    "$(printf '[experiment]\nkind = trajectory\nseed = 1\n[problem]\ntype = fmnist_softmax\nexamples = 256\ntest_examples = 200\n[run]\nsteps = 1\n[optimizer sgd]\ntype = sgd\nlr = 0.3\n[optimizer heavy]\ntype = momentum\nmomentum = 0.9\nlr = 0.3\n' > "$dir/traj.ini"; echo "$dir/traj.ini")" \
    && ok || bad "trajectory for the crossing check"
/usr/bin/python3 - "$dir/ref.h5" "$dir/traj.h5" <<'PY' && ok || bad "accuracy sweep checks"
import sys, h5py, numpy as np
f, t = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
s = f["/sweep/steps_to_target"][...]                # optimizer, batch, lr, seed, target
targets = f["/sweep/target"][...]
inf = np.where(s < 0, np.inf, s)
assert np.all(np.diff(inf, axis=-1) >= 0), "steps not monotone in the accuracy target"
assert np.all(s[..., 0] >= 0) and np.all(s[:, :, -1, :, -1] > 0), "targets not reached"
best = f["/sweep/best/sgd/steps"][...] if "/sweep/best/sgd/steps" in f else None
for o, name in enumerate(["sgd", "heavy"]):          # batch 16, lr 0.3, replicate 0 = the trajectory
    acc = t[f"/trajectory/{name}/test_accuracy"][...]
    step = t[f"/trajectory/{name}/step"][...]
    for k, target in enumerate(targets):
        hit = step[np.argmax(acc >= target)] if np.any(acc >= target) else -1
        assert hit == s[o, 1, 2, 0, k], (name, target, hit, s[o, 1, 2, 0, k])
print("fmnist_test: accuracy sweep: %d cells, steps to 0.7 at lr 0.3: %s" % (s[..., 0].size, s[:, :, 2, 0, -1].tolist()))
PY
"$OPTDYN" run -q -o "$dir/j1.h5" "$acc" && ok || bad "accuracy sweep -j 1"
same "$dir/ref.h5" "$dir/j1.h5" "accuracy sweep: -j 2 differs from -j 1"
printf '[experiment]\nkind = sweep\n[problem]\ntype = linreg\ndim = 4\nexamples = 20\n[sweep]\nbatch = 1\nlr = 0.1\ntarget = 0.5\ntarget_metric = test_accuracy\n[optimizer sgd]\ntype = sgd\n' > "$dir/lin.ini"
expect_exit 2 "target_metric: test_accuracy needs a problem with a test set" "$OPTDYN" run "$dir/lin.ini" -o "$dir/lin.h5"
expect_exit 2 "expected accuracies in (0, 1]" "$OPTDYN" run "$acc" -o "$dir/x.h5" --set sweep.target=70
expect_exit 2 "has none (set [problem] test_examples > 0)" "$OPTDYN" run "$acc" -o "$dir/x.h5" --set problem.test_examples=0
[ ! -e "$dir/x.h5" ] && ok || bad "a refused run left its output"

# --- SIGKILL + --resume, shards + merge ---------------------------------------------------------
"$OPTDYN" run -q --resume -o "$dir/k.h5" "$acc" &
pid=$!
i=0
while [ "$(stat -c %s "$dir/k.h5.journal" 2>/dev/null || echo 0)" -lt 300 ] && [ $i -lt 500 ]; do
    sleep 0.02
    i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
[ ! -e "$dir/k.h5" ] && ok || bad "SIGKILL came after the end (sweep too fast?)"
"$OPTDYN" run --resume -o "$dir/k.h5" "$acc" 2> "$dir/err" && ok || bad "resume"
grep -q "resumed: [1-9]" "$dir/err" && ok || bad "resume took no cells: $(cat "$dir/err")"
same "$dir/ref.h5" "$dir/k.h5" "accuracy sweep: SIGKILL + --resume differs"
"$OPTDYN" run -q --shard 0/2 -o "$dir/s0.h5" "$acc" && "$OPTDYN" run -q --shard 1/2 -o "$dir/s1.h5" "$acc" \
    && ok || bad "shards"
"$OPTDYN" merge "$dir/m.h5" "$dir/s0.h5" "$dir/s1.h5" 2>/dev/null && ok || bad "merge"
same "$dir/ref.h5" "$dir/m.h5" "accuracy sweep: shards + merge differ"

# --- trajectories: -j 2 = -j 1 over 1100 examples (two chunks); onestep Monte Carlo -----------------
printf '[experiment]\nkind = trajectory\nseed = 2\n[problem]\ntype = fmnist_mlp\nexamples = 1100\nhidden = 8\nhidden2 = 4\ntest_examples = 100\n[run]\nsteps = 6\nbatch = inf\n[optimizer gd]\ntype = sgd\nlr = 0.2\n' > "$dir/t2.ini"
"$OPTDYN" run -q -j 2 -o "$dir/t2a.h5" "$dir/t2.ini" && "$OPTDYN" run -q -o "$dir/t2b.h5" "$dir/t2.ini" \
    && ok || bad "two-layer trajectory"
same "$dir/t2a.h5" "$dir/t2b.h5" "fmnist_mlp trajectory: -j 2 differs from -j 1"
printf '[experiment]\nkind = onestep\nseed = 3\n[problem]\ntype = fmnist_mlp\nexamples = 200\nhidden = 4\nhidden2 = 3\ntest_examples = 0\n[onestep]\nbatch = 1, 16\nsamples = 40\n[optimizer sgd]\ntype = sgd\n[optimizer adam]\ntype = adam\n' > "$dir/os.ini"
"$OPTDYN" run -q -o "$dir/os.h5" "$dir/os.ini" && ok || bad "onestep on fmnist_mlp"
/usr/bin/python3 - "$dir/os.h5" <<'PY' && ok || bad "onestep checks"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
names = []
f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
bad = [n for n in names if f[n].dtype.kind == "f" and not n.endswith("/u")
       and not np.all(np.isfinite(f[n][...]))]
g, sd = f["onestep/g"][...], f["onestep/sigma"][...]
for o in ("sgd", "adam"):                 # u infinite only where sigma = 0 (0 where g = 0 too)
    u = f[f"onestep/{o}/first/coordinates/u"][...]
    assert np.all(np.isfinite(u) | (sd == 0)) and np.all(u[:, (sd == 0) & (g == 0)] == 0), o
assert not bad, bad
print("fmnist_test: onestep: %d datasets finite; sigma = 0 at %d coordinates" % (len(names), np.sum(sd == 0)))
PY
finish fmnist_test
