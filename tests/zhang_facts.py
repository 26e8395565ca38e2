# tests/zhang_facts.py OUT.h5 — the published qualitative facts of Zhang et al. 2019 on the NQM
# (d = 1e4, h = c = 1/i, target 0.01), checked on experiments/nqm-steps-vs-batch.ini's output.
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
names = list(f["sweep/optimizer"].asstr()[()])
batch = f["sweep/batch"][()]
steps = f["sweep/best/steps"][:, :, 0]
lr = f["sweep/best/lr_opt"][:, :, 0]
d, target = f["problem"].attrs["dim"], f["sweep/target"][0]
fin = np.isfinite(batch)
results = {"pass": 0, "fail": 0}


def check(cond, what):
    results["pass" if cond else "fail"] += 1
    if not cond:
        print("FAIL:", what)


sgd, mom = steps[names.index("sgd")], steps[names.index("momentum")]
small = (batch >= 2) & (batch <= 64)
ratio = sgd[1:][small[1:]] / sgd[:-1][small[1:]]
check(np.all((ratio >= 0.49) & (ratio <= 0.52)), f"steps halve per doubling at B <= 64: {ratio}")
check(0.99 < sgd[fin][-1] / sgd[fin][-2] <= 1.0, "steps saturate at large B")
check(sgd[~fin][0] <= sgd[fin][-1], "B = inf needs the fewest steps")
lr_sgd = lr[names.index("sgd")]
growth = lr_sgd[1:7] / lr_sgd[:6]
check(np.all((growth > 1.8) & (growth < 2.2)), f"lr_opt grows linearly at small B: {growth}")
check(np.all(lr_sgd < 2.0) and lr_sgd[-1] > 1.9, "lr_opt saturates just below 2/h_1 = 2")
for k, name in enumerate(names):
    ok = steps[k][fin] >= d / (2 * target * batch[fin])
    check(np.all(ok), f"{name}: steps above the bound d/(2CB)")
check(np.all(np.abs(mom[batch <= 16] / sgd[batch <= 16] - 1) < 0.01), "momentum = SGD at small B")
check(np.all(mom[batch >= 2**14] < 0.5 * sgd[batch >= 2**14]), "momentum beats SGD at large B")


def critical_batch(s):
    # smallest B whose steps are within 2x of the large-batch minimum
    return batch[fin][np.argmax(s[fin] <= 2 * s[~fin][0])]


prev = critical_batch(sgd)
for p in ["0.25", "0.5", "0.75"]:
    s = steps[names.index("precond_" + p)]
    check(np.all(s < sgd), f"precond p = {p} lowers steps at every B")
    bc = critical_batch(s)
    check(bc > prev, f"precond p = {p} raises the critical batch size ({prev} -> {bc})")
    prev = bc
# fits (/fit): the steps-vs-examples hyperbola S = S_min (1 + B_crit/B) with 95% intervals, and
# the saturating law lr_max/(1 + B_noise/B) as the best lr*(B) law for SGD by residual
hyp = f["fit/sgd/0/hyperbola"].attrs
check(hyp["status"] == "ok" and hyp["B_crit_lo"] < hyp["B_crit"] < hyp["B_crit_hi"]
      and hyp["S_min_lo"] < hyp["S_min"] < hyp["S_min_hi"]
      and hyp["E_min_lo"] < hyp["E_min"] < hyp["E_min_hi"], "hyperbola fit with intervals")
check(abs(hyp["E_min"] / (hyp["S_min"] * hyp["B_crit"]) - 1) < 1e-12, "E_min = S_min B_crit")
check(hyp["rms_log_residual"] < 0.15, f"hyperbola fits the SGD steps ({hyp['rms_log_residual']:.3f})")
rms = {law: f["fit/sgd/0/" + law].attrs["rms_log_residual"]
       for law in ("linear", "sqrt", "power", "saturating", "surge")}
check(min(rms, key=rms.get) == "saturating", f"saturating law fits SGD's lr* best: {rms}")
print(f"zhang facts: {results['pass']} passed, {results['fail']} failed")
sys.exit(1 if results["fail"] else 0)
