# tests/h5_roundtrip.py OPTDYN TMPDIR — output files as researchers open them: h5py (Debian's
# /usr/bin/python3) reads string attributes as str, datasets with their dimension scales, and
# two runs of the same experiment give bit-identical datasets.
import subprocess
import sys

import h5py
import numpy as np

from h5_same import datasets, same

optdyn, tmp = sys.argv[1], sys.argv[2]
exp = "experiments/rosenbrock-trajectories.ini"
results = {"pass": 0, "fail": 0}


def check(cond, what):
    results["pass" if cond else "fail"] += 1
    if not cond:
        print("FAIL:", what)


def run(out, *extra):
    subprocess.run([optdyn, "run", "-q", "-o", out, "--set", "run.steps=300", *extra, exp],
                   check=True)


a, b = f"{tmp}/a.h5", f"{tmp}/b.h5"
run(a)
run(b)
with h5py.File(a, "r") as f:
    text = open(exp, encoding="utf-8").read()
    check(isinstance(f.attrs["experiment"], str), "experiment attribute is str")
    check(f.attrs["experiment"] == text, "experiment attribute is the file verbatim")
    check(f.attrs["overrides"] == "run.steps=300\n", "overrides recorded")
    check(isinstance(f.attrs["version"], str) and f.attrs["seed"] == 1, "version and seed")
    check("momentum: v <- mu*v + g; x <- x - lr*v" in f.attrs["conventions"], "conventions")
    for name in ["sgd", "momentum", "nesterov", "rmsprop", "adam", "signsgd"]:
        g = f["trajectory"][name]
        check(g.attrs["type"] == name and isinstance(g.attrs["rule"], str), f"{name} attributes")
        x, step = g["x"], g["step"]
        check(x.shape == (301, 2) and step.shape == (301,), f"{name} shapes {x.shape}")
        check(step.dtype == np.int64 and list(step[:3]) == [0, 1, 2], f"{name} step axis")
        check(x.dims[0][0].name == f"/trajectory/{name}/step", f"{name}/x dim 0 scale")
        check(g["loss"].dims[0][0].name == f"/trajectory/{name}/step", f"{name}/loss scale")
        check(np.allclose(x[0], [-1.2, 1.0]), f"{name} starts at x0")
        check(g.attrs["diverged_at"] == -1, f"{name} did not diverge")
    land = f["problem/landscape"]
    check(land.shape == (201, 201), "landscape shape")
    check(land.dims[1][0].name == "/problem/landscape_x", "landscape x axis")
    check(land.dims[0][0].name == "/problem/landscape_y", "landscape y axis")
    xs, ys = f["problem/landscape_x"][:], f["problem/landscape_y"][:]
    j, i = 37, 150
    want = (1 - xs[i]) ** 2 + 100 * (ys[j] - xs[i] ** 2) ** 2
    check(abs(land[j, i] - want) <= 1e-12 * max(1.0, want), "landscape[j][i] = L(x_i, y_j)")
    check(list(f["problem/xstar"][:]) == [1.0, 1.0], "rosenbrock xstar")
    check(f["problem"].attrs["blocks"] == "x 2", "a problem without blocks is one vector x")

# a matrix problem records its blocks; x reshapes row-major into them
m = f"{tmp}/m.h5"
subprocess.run([optdyn, "run", "-q", "-o", m, "--set", "run.steps=5", "--set", "run.record_x=yes",
                "experiments/muon-matreg.ini"], check=True)
with h5py.File(m, "r") as f:
    check(f["problem"].attrs["blocks"] == "W 32x16", "matreg blocks attribute")
    name, shape = f["problem"].attrs["blocks"].split()
    r, c = (int(v) for v in shape.split("x"))
    W = f["problem/xstar"][:].reshape(r, c)
    check(W.shape == (32, 16) and f["trajectory/muon/x"].shape[1] == r * c, "x reshapes to W")


check(len(datasets(a)) > 20 and same(a, b), "two runs give bit-identical datasets")

print(f"h5py: {results['pass']} passed, {results['fail']} failed")
sys.exit(1 if results["fail"] else 0)
