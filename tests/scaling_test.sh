#!/bin/sh
# tests/scaling_test.sh OPTDYN — kind = scaling: the rules' hyperparameters, the undefined square-root
# rule past kappa (1 - beta1) = 1, gaps against the smallest kappa, and bit-identical results at 1 and 2 threads.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

cat >"$tmp/s.ini" <<'INI'
[experiment]
kind = scaling
seed = 3
[problem]
type = gaussreg
dim = 10
label_noise = 0.3
[optimizer adam]
type = adam
lr = 0.01
beta1 = 0.9
beta2 = 0.99
eps = 1e-6
[optimizer sgd]
type = sgd
lr = 0.05
[scaling]
base_batch = 2
kappa = 1, 2, 16
examples = 2048
points = 8
seeds = 16
INI
"$OPTDYN" run -q -j 1 "$tmp/s.ini" -o "$tmp/a.h5" && ok || bad "scaling run failed"
"$OPTDYN" run -q -j 2 "$tmp/s.ini" -o "$tmp/b.h5" && ok || bad "scaling run (2 threads) failed"
same "$tmp/a.h5" "$tmp/b.h5" "1 and 2 threads differ"
/usr/bin/python3 - "$tmp/a.h5" <<'PY' && ok || bad "scaling results"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
k = f["/scaling/kappa"][:]
assert list(k) == [1, 2, 16] and f["/scaling/examples"].shape == (8,), "axes"
a = f["/scaling/adam"]
s, l, h = a["sqrt"], a["linear"], a["halflife"]
assert np.allclose(s["lr"][:], 0.01 * np.sqrt(k)) and np.allclose(l["lr"][:], 0.01 * k), "lr"
assert np.allclose(s["beta2"][:], 1 - k * 0.01) and np.allclose(h["beta2"][:], 0.99 ** k), "beta2"
assert np.allclose(s["eps"][:], 1e-6 / np.sqrt(k)) and np.allclose(l["eps"][:], 1e-6), "eps"
assert "kappa = 16" in s.attrs["undefined"] and np.isnan(s["loss"][2]).all(), "sqrt undefined at 16"
assert np.isfinite(s["loss"][:2]).all() and (s["loss_se"][:2] > 0).all(), "sqrt curves"
assert s["gap"][0] == 0 and l["gap"][1] > 0, "gaps"
assert "beta1" not in f["/scaling/sgd/sqrt"], "sgd has no beta1"
assert np.allclose(f["/scaling/sgd/sqrt/lr"][:], 0.05 * np.sqrt(k)), "sgd lr"
e, m = f["/scaling/sgd/linear/loss_exact"][:], f["/scaling/sgd/linear/loss"][:]
assert np.isfinite(e).all() and np.isnan(a["linear/loss_exact"][:]).all(), "exact curves: sgd yes, adam no"
assert (np.abs(m - e) / e < 0.5).all(), "Monte Carlo near the exact curve"
PY
sed 's/^seeds = 16$/seeds = 16\nrules = fixed/' "$tmp/s.ini" >"$tmp/f.ini"
"$OPTDYN" run -q "$tmp/f.ini" -o "$tmp/f.h5" && /usr/bin/python3 - "$tmp/f.h5" <<'PY' && ok || bad "rules = fixed"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
assert [r.decode() if isinstance(r, bytes) else r for r in f["/scaling/rule"][:]] == ["fixed"]
assert np.allclose(f["/scaling/adam/fixed/lr"][:], 0.01) and np.allclose(f["/scaling/adam/fixed/beta2"][:], 0.99)
PY
sed 's/^seeds = 16$/seeds = 16\nrules = sqrt, cubic/' "$tmp/s.ini" >"$tmp/bad.ini"
"$OPTDYN" run -q "$tmp/bad.ini" -o "$tmp/c.h5" 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "'cubic'" "$tmp/err" && ok || bad "unknown rule"
sed 's/kappa = 1, 2, 16/kappa = 1, 3, 16/' "$tmp/s.ini" >"$tmp/bad.ini"
"$OPTDYN" run -q "$tmp/bad.ini" -o "$tmp/c.h5" 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "divide the largest" "$tmp/err" && ok || bad "kappa 3 does not divide 16"
sed 's/examples = 2048/examples = 2000/' "$tmp/s.ini" >"$tmp/bad.ini"
"$OPTDYN" run -q "$tmp/bad.ini" -o "$tmp/c.h5" 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "multiple of" "$tmp/err" && ok || bad "examples not a multiple"
finish scaling_test
