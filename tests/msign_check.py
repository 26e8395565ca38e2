"""tests/msign_check.py OUT.H5 — Muon's msign forms and Lion's steady sign form at B/a, recomputed in
NumPy from the recorded g and sigma of a kind = onestep run on matreg in the Gaussian model (H = I)
with a wide block (the transposed path), against the recorded lr_FORM. Prints "N passed, N failed"."""
import math
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
B = f["onestep/batch"][:]
blocks = f["problem"].attrs["blocks"]                 # "W 6x10"
blocks = blocks.decode() if isinstance(blocks, bytes) else blocks
rows, cols = (int(v) for v in blocks.split()[1].split("x"))
G = f["onestep/g"][:].reshape(rows, cols)
sd = f["onestep/sigma"][:]
n, k = max(rows, cols), min(rows, cols)
var = np.mean(sd ** 2)
B_simple = np.sum(sd ** 2) / np.sum(G ** 2)
U, s, Vt = np.linalg.svd(G, full_matrices=False)
scale = 0.2 * np.sqrt(n)                      # muon scale = rms
den = scale ** 2 * k                          # O^T H O with H = I, O = scale U V^T (full rank)

passed = failed = 0


def check(name, got, want, rel=1e-9):
    global passed, failed
    err = np.max(np.abs(got - want) / np.abs(want))
    if err <= rel:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: relative error {err:.3g}")


forms = {
    "msign_matrix": lambda b: s / np.sqrt(s ** 2 + n * var / b),
    "msign_scalar": lambda b: np.ones(k) / np.sqrt(1 + B_simple / b),
}
for name, e in forms.items():
    want = np.array([scale * np.sum(s * e(b)) / den for b in B])
    check(name, f[f"onestep/muon/first/lr_{name}"][:], want)
pert = []
for b in B:
    e = np.array([1 - var / b * (sum(1 / (s[i] + s[j]) ** 2 for j in range(k) if j != i)
                                + (n - k) / (2 * s[i] ** 2)) for i in range(k)])
    pert.append(np.nan if np.any(e < 0) else scale * np.sum(s * e) / den)
pert = np.array(pert)
got = f["onestep/muon/first/lr_msign_perturbative"][:]
ok = np.isnan(pert) == np.isnan(got)
if ok.all():
    check("msign_perturbative", got[~np.isnan(pert)], pert[~np.isnan(pert)])
else:
    failed += 1
    print("FAIL msign_perturbative: NaN pattern differs")

b1 = b2 = 0.9                                   # lion steady: erf and mean field at B/a
a = b1 ** 2 * (1 - b2) / (1 + b2) + (1 - b1) ** 2
g = G.ravel()
erf = np.vectorize(math.erf)
lr_erf = [np.sum(erf(g * np.sqrt(b / a / 2) / sd) * g) / g.size for b in B]   # H = I: den = n
beta = 1 / np.sqrt(1 + a * B_simple / B)
check("lion steady erf", f["onestep/lion/steady/lr_erf"][:], np.array(lr_erf))
check("lion steady mean_field", f["onestep/lion/steady/lr_mean_field"][:],
      beta * np.sum(np.abs(g)) / g.size)           # beta sum|g|/(A + beta^2 C), A = n, C = 0
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
