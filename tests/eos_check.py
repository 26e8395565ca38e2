# tests/eos_check.py STEADY.h5 GD.h5 ADAM.h5 — issue 27's acceptance numbers for the edge of
# stability, from the trajectory files of experiments/eos-steady.ini, eos-gd.ini and eos-adam.ini:
# per GD run the step where the sharpness first reaches 2/lr, the band of S/(2/lr) after it, the
# fraction of probes inside [0.85, 1.2] (>= 0.9 required), the loss over 100-step windows after it
# (required: the last window's mean below the first's) and the fraction of windows whose mean fell
# below the previous one's, with the windows where it rose. On eos-steady.ini the criterion
# read literally is required: EVERY 100-step window after the edge has a lower mean loss than the
# one before, and, so that the falling loss is not GD leaving the edge, >= 90% of the probes after
# it at S >= 0.97 x 2/lr (printed for every run); on eos-gd.ini (catapults every ~300 steps) the
# fraction is printed as measured. Per Adam run the median preconditioned sharpness over the
# second half relative to its edge (2 + 2 b1)/((1 - b1) lr) (within 15% required). Prints a
# table; exit 1 on a miss.
import sys

import h5py
import numpy as np

STEADY_WINDOWS = 1.0    # eos-steady.ini: the mean loss falls in every 100-step window after the edge
AT_EDGE = 0.97          # eos-steady.ini: a probe with S >= AT_EDGE x 2/lr is at the edge ...
AT_EDGE_MIN = 0.9       # ... and at least this fraction of the probes after the first crossing are

def gd_row(name, g, windows_min=None):
    s = g["sharpness"]
    edge, st, S = s.attrs["edge"], s["step"][:], s["sharpness"][:]
    S = S if S.ndim == 1 else S[:, 0]
    hit = np.nonzero(S >= edge)[0]
    if len(hit) == 0:
        return None, "%-10s 2/lr = %6.3f: never reached (max S = %.3f)" % (name, edge, S.max())
    i = hit[0]
    r = S[i:] / edge
    inside = np.mean((r >= 0.85) & (r <= 1.2))
    at_edge = np.mean(r >= AT_EDGE)
    loss, steps = g["loss"][:], g["step"][:]
    start = st[i]
    w = loss[steps >= start]
    nw = len(w) // 100
    means = w[: nw * 100].reshape(nw, 100).mean(axis=1)
    falling = np.mean(np.diff(means) < 0) if nw > 1 else float("nan")
    rose = np.nonzero(np.diff(means) >= 0)[0] + 1
    ok = inside >= 0.9 and nw > 1 and means[-1] < means[0]
    if windows_min is not None:
        ok = ok and falling >= windows_min and at_edge >= AT_EDGE_MIN
    return ok, ("%-10s 2/lr = %6.3f: reached at step %5d; after it S/(2/lr) in [%.3f, %.3f] "
                "(5-95%%: %.3f-%.3f), %.1f%% of probes in [0.85, 1.2], %.1f%% >= %g x 2/lr; "
                "100-step window mean loss %.4g -> %.4g, fell in %d of %d windows "
                "(%.1f%%%s; rose in windows %s)" % (
                name, edge, start, r.min(), r.max(), np.quantile(r, 0.05), np.quantile(r, 0.95),
                100 * inside, 100 * at_edge, AT_EDGE, means[0], means[-1],
                int(round(falling * (nw - 1))), nw - 1,
                100 * falling, "" if windows_min is None else ", >= %g%% required" %
                (100 * windows_min), " ".join(map(str, rose)) or "none"))

def adam_row(name, g):
    s = g["sharpness"]
    edge, st, P = s.attrs["edge"], s["step"][:], s["precond_sharpness"][:]
    P = P if P.ndim == 1 else P[:, 0]
    half = P[st >= st[-1] / 2]
    med = np.median(half) / edge
    return abs(med - 1) <= 0.15, ("%-10s edge = %8.1f: median lambda_max(P^-1 H) over steps >= %d = "
                                  "%.1f = %.3f x edge (5-95%%: %.3f-%.3f)" % (
                                      name, edge, st[-1] // 2, med * edge, med,
                                      np.quantile(half, 0.05) / edge,
                                      np.quantile(half, 0.95) / edge))

fails = 0
steady_row = lambda name, g: gd_row(name, g, STEADY_WINDOWS)
for path, row in ((sys.argv[1], steady_row), (sys.argv[2], gd_row), (sys.argv[3], adam_row)):
    with h5py.File(path, "r") as f:
        for name in f["trajectory"]:
            ok, text = row(name, f["trajectory"][name])
            print(("ok   " if ok else "MISS ") + text)
            fails += not ok
sys.exit(1 if fails else 0)
