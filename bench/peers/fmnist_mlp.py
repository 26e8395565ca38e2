#!/usr/bin/python3
# bench/peers/fmnist_mlp.py numpy|torch EXAMPLES HIDDEN REPS DUMP — the peer of bench/fmnist_bench.c:
# the same full-batch gradient of fmnist_mlp (tanh, biases, cross-entropy) at the x the C side
# dumped, in NumPy (tests/fmnist_check.py's implementation) or PyTorch autograd on 1 thread,
# float64; prints the median seconds of REPS and the largest relative deviation from optdyn's g.
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests"))
import fmnist_check as fc  # noqa: E402


def main(kind, N, h, reps, dump):
    N, h, reps = int(N), int(h), int(reps)
    b = np.fromfile(dump)
    idx = b[:N].astype(int)
    n = (len(b) - N) // 2
    x, g_c = b[N:N + n], b[N + n:]
    X = fc.IMG[0][idx].reshape(N, 784) / 255.0
    y = fc.LAB[0][idx].astype(int)
    if kind == "numpy":
        def grad():
            return fc.loss_grad(x, X, y, 784, [h], 10, 0, 1, 0.0)[1]
    else:
        import torch
        torch.set_num_threads(1)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        o = [h * 784, h, 10 * h, 10]
        cuts = np.cumsum([0] + o)

        def grad():
            xt.grad = None
            W1, b1, W2, b2 = (xt[cuts[i]:cuts[i + 1]] for i in range(4))
            f = torch.tanh(Xt @ W1.view(h, 784).T + b1) @ W2.view(10, h).T + b2
            torch.nn.functional.cross_entropy(f, yt).backward()
            return xt.grad.numpy()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        g = grad()
        times.append(time.perf_counter() - t0)
    dev = np.max(np.abs(g - g_c)) / np.max(np.abs(g_c))
    print(f"{kind} seconds {np.median(times):.6g} maxrel {dev:.3g}")


if __name__ == "__main__":
    main(*sys.argv[1:])
