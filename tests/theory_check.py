"""tests/theory_check.py T.TSV [EPS] — the closed forms of docs/theory.md "One-step scaling" on the NQM at x = 1
(d = 1e4, h = c = 1/i: g = h, Sigma = diag(c), H = diag(h)), computed here from the formulas
alone, against `optdyn theory experiments/nqm-onestep.ini`; with EPS, the same run with Adam's
eps = EPS (its first-update forms softsign, softsign_mf, eps_mf). Prints "N passed, N failed"."""
import math
import sys

import numpy as np

lines = open(sys.argv[1]).read().splitlines()
facts = {l[2:].split(" = ")[0]: l[2:].split(" = ")[1] for l in lines if l.startswith("# ")}
header = [l for l in lines if not l.startswith("#")][0].split("\t")
rows = np.array([[float(v) for v in l.split("\t")] for l in lines if l and l[0].isdigit()])
col = {name: rows[:, k] for k, name in enumerate(header)}
B = col["B"]

d = 10000
i = np.arange(1, d + 1, dtype=float)
h = c = 1.0 / i
g = h * 1.0
sd = np.sqrt(c)
gg, gHg = g @ g, g @ (h * g)
lr_max, B_noise, B_simple = gg / gHg, (c * h).sum() / gHg, c.sum() / gg
A, C, abs_g = h.sum(), 0.0, np.abs(g).sum()      # H diagonal: no off-diagonal terms

passed = failed = 0


def check(name, got, want, rel=1e-10):
    global passed, failed
    got, want = np.asarray(got, float), np.asarray(want, float)
    err = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300))
    if err <= rel:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: relative error {err:.3g} (got {got}, want {want})")


check("lr_max", float(facts["lr_max"]), lr_max)
check("B_noise", float(facts["B_noise"]), B_noise)
check("B_simple", float(facts["B_simple"]), B_simple)
check("dL_max", float(facts["dL_max"]), gg * gg / (2 * gHg))
check("A", float(facts["A"]), A)
if float(facts["C"]) == 0.0:                     # exactly: no off-diagonal entries at all
    passed += 1
else:
    failed += 1
    print("FAIL C: expected 0 for a diagonal Hessian, got", facts["C"])
check("sgd", col["sgd.first.sgd"], lr_max / (1 + B_noise / B))
mu = 0.9                                         # [optimizer momentum] momentum
Beff = B * (1 + mu) / (1 - mu)
check("heavy ball steady", col["momentum.steady.ema_momentum"],
      (1 - mu) * lr_max / (1 + B_noise / Beff))
erf = np.vectorize(math.erf)
u = g[None, :] * np.sqrt(B[:, None] / 2) / sd[None, :]
for form, E in (("erf", erf(u)), ("pi4", u / np.sqrt(u * u + math.pi / 4))):
    # diagonal H: tr(E[phi phi^T] H) = sum H_ii
    check("sign " + form, col["signsgd.first." + form], (E * g).sum(axis=1) / A, rel=1e-9)
    if "adam.first." + form in col:
        check("adam first " + form, col["adam.first." + form], (E * g).sum(axis=1) / A, rel=1e-9)
beta = (1 + B_simple / B) ** -0.5
check("sign mean field", col["signsgd.first.mean_field"], abs_g / (A / beta + beta * C))
if len(sys.argv) > 2:       # Adam with eps > 0: H diagonal, so E^T H E = sum H_ii E_i^2
    eps = float(sys.argv[2])
    nu = g / np.sqrt(g * g + eps * eps)
    check("softsign (as published)", col["adam.first.softsign"],
          beta * (nu * g).sum() / (A + beta ** 2 * ((h * nu * nu).sum() - A)))
    v = g[None, :] ** 2 + c[None, :] / B[:, None]
    for form, E, S in (("softsign_mf", g / np.sqrt(v + eps * eps), v / (v + eps * eps)),
                       ("eps_mf", g / (np.sqrt(v) + eps), v / (np.sqrt(v) + eps) ** 2)):
        check(form, col["adam.first." + form], (E * g).sum(axis=1) / (h * S).sum(axis=1))
b1 = 0.9
a = (1 - b1) / (1 + b1)
check("adam steady", col["adam.steady.adam_steady"],
      abs_g / ((a / beta + beta * 2 * b1 / (1 + b1)) * A))
lmin, lmax = 1.0 / d, 1.0
check("goh lr", float(facts["goh_lr"]), (2 / (math.sqrt(lmin) + math.sqrt(lmax))) ** 2)
k = math.sqrt(lmax / lmin)
check("goh momentum", float(facts["goh_momentum"]), ((k - 1) / (k + 1)) ** 2)
check("gd lr", float(facts["gd_lr"]), 2 / (lmin + lmax))
check("gd rate", float(facts["gd_rate"]), (lmax / lmin - 1) / (lmax / lmin + 1))
snr_i = B[:, None] * g[None, :] ** 2 / c[None, :]          # per coordinate: g_i^2/Sigma_ii = 1/i
check("adam update rms per coordinate", col["adam.steady.update_rms_per_coordinate"],
      np.sqrt(((snr_i + a) / (snr_i + 1)).mean(axis=1)))
s_glob = B / B_simple
check("adam update rms global snr", col["adam.steady.update_rms_global_snr"],
      np.sqrt((s_glob + a) / (s_glob + 1)))
label = f" (adam eps = {sys.argv[2]})" if len(sys.argv) > 2 else ""
print(f"theory{label}: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
