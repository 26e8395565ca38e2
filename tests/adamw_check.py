# tests/adamw_check.py OPTDYN TMPDIR — optdyn's adamw (and adam with l2, and adamw under a cosine
# schedule) against torch.optim (or, without torch, an independent NumPy transcription of it).
import subprocess, sys
import h5py, numpy as np

optdyn, tmp = sys.argv[1], sys.argv[2]
# Diagonal quadratic L = 1/2 sum h_i x_i^2 (rotate = no): g = h*x, reproducible in Python.
h = np.array([0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0])
x0 = np.array([5.0, -6.0, 7.0, -8.0, 9.0, -10.0, 6.5, -7.5])
steps, lr, wd, l2 = 1000, 1e-3, 0.1, 0.05
ini = f"""[problem]
type = quadratic
dim = {len(h)}
eigenvalues = {", ".join(repr(v) for v in h)}
rotate = no
x0 = {", ".join(repr(v) for v in x0)}
[run]
steps = {steps}
batch = inf
[optimizer adamw]
type = adamw
lr = {lr}
weight_decay = {wd}
[optimizer adam_l2]
type = adam
lr = {lr}
l2 = {l2}
[optimizer adamw_cos]
type = adamw
lr = {lr}
weight_decay = {wd}
schedule = cosine
warmup = 50
final_fraction = 0.1
"""
path = f"{tmp}/adamw.ini"
open(path, "w").write(ini)
subprocess.run([optdyn, "run", "-q", path, "-o", f"{tmp}/adamw.h5"], check=True)

def factor(t):                           # optdyn's cosine with warmup (docs/config.md), t >= 1
    W, T, f = 50, steps, 0.1
    if t <= W:
        return t / W
    u = min(1.0, (t - W) / (T - W))
    return f + (1 - f) * (1 + np.cos(np.pi * u)) / 2

try:
    import torch
    def reference(kind, sched):
        p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        H = torch.tensor(h, dtype=torch.float64)
        opt = (torch.optim.AdamW([p], lr=lr, weight_decay=wd) if kind == "adamw"
               else torch.optim.Adam([p], lr=lr, weight_decay=l2))
        # LambdaLR's counter is 0 at the first step: optdyn's t = counter + 1
        s = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: factor(k + 1)) if sched else None
        out = [p.detach().numpy().copy()]
        for _ in range(steps):
            opt.zero_grad()
            p.grad = H * p.detach()
            opt.step()
            if s:
                s.step()
            out.append(p.detach().numpy().copy())
        return np.array(out)
    engine = "torch " + torch.__version__
except ImportError:
    def reference(kind, sched):          # torch's single-tensor Adam/AdamW, transcribed
        x, m, v, out = x0.copy(), np.zeros_like(x0), np.zeros_like(x0), [x0.copy()]
        for t in range(1, steps + 1):
            a = lr * (factor(t) if sched else 1.0)
            g = h * x
            if kind == "adamw":
                x = x * (1 - a * wd)
            else:
                g = g + l2 * x
            m = m + (g - m) * (1 - 0.9)
            v = v * 0.999 + (1 - 0.999) * g * g
            denom = np.sqrt(v) / np.sqrt(1 - 0.999 ** t) + 1e-8
            x = x - (a / (1 - 0.9 ** t)) * m / denom
            out.append(x.copy())
        return np.array(out)
    engine = "numpy"

worst = 0.0
with h5py.File(f"{tmp}/adamw.h5", "r") as f:
    for name, kind, sched in (("adamw", "adamw", False), ("adam_l2", "adam", False),
                              ("adamw_cos", "adamw", True)):
        got, want = f[f"/trajectory/{name}/x"][()], reference(kind, sched)
        assert got.shape == want.shape, (name, got.shape, want.shape)
        rel = np.max(np.abs(got - want) / np.abs(want))
        moved = np.max(np.abs(want[-1] - want[0]))
        print(f"{name}: {steps} steps vs {engine}: max relative difference {rel:.3g} "
              f"(largest move {moved:.3g}, min |x| {np.min(np.abs(want)):.3g})")
        worst = max(worst, rel)
        if name == "adamw_cos":
            lrs = f[f"/trajectory/{name}/lr"][()]
            t = np.maximum(f[f"/trajectory/{name}/step"][()], 1)
            assert np.max(np.abs(lrs - lr * np.array([factor(k) for k in t]))) <= 1e-18
sys.exit(0 if worst <= 1e-12 else 1)
