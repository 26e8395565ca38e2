#!/usr/bin/python3
# tests/fmnist_check.py DIR — an independent NumPy implementation of the fmnist problems (own IDX
# reading with gzip, full-batch loss, gradient by backprop, H v by complex-step differentiation of
# that gradient) against the values test_fmnist dumped into DIR/case*.bin (relative error <= 1e-10).
import glob
import gzip
import sys

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(f"{DATA}/{name}.gz", "rb") as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


IMG = {0: idx("train-images-idx3-ubyte"), 1: idx("t10k-images-idx3-ubyte")}
LAB = {0: idx("train-labels-idx1-ubyte"), 1: idx("t10k-labels-idx1-ubyte")}


def act(z, kind):
    """tanh, relu (branch on the real part, so complex steps pass through) or linear"""
    if kind == 0:
        return np.tanh(z), 1 - np.tanh(z) ** 2
    if kind == 1:
        m = (z.real > 0).astype(float)
        return z * m, m
    return z, np.ones_like(z)


def unpack(x, d, hidden, k, bias):
    """[(W, b)] per layer: hidden widths (0, 1 or 2 of them), then the output layer"""
    o, layers, fan = 0, [], d
    for w in list(hidden) + [k]:
        W = x[o:o + w * fan].reshape(w, fan)
        o += w * fan
        bb = x[o:o + w] if bias else None
        o += w if bias else 0
        layers.append((W, bb))
        fan = w
    assert o == len(x)
    return layers


def outputs(x, X, d, hidden, k, actk, bias):
    layers = unpack(x, d, hidden, k, bias)
    acts, ders = [X], []
    for W, bb in layers[:-1]:
        a, da = act(acts[-1] @ W.T + (bb if bias else 0), actk)
        acts.append(a)
        ders.append(da)
    W, bb = layers[-1]
    return layers, acts, ders, acts[-1] @ W.T + (bb if bias else 0)


def loss_grad(x, X, y, d, hidden, k, actk, bias, l2):
    layers, acts, ders, f = outputs(x, X, d, hidden, k, actk, bias)
    N = len(y)
    mx = f.real.max(axis=1, keepdims=True)
    e = np.exp(f - mx)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(mx[:, 0] + np.log(s[:, 0]) - f[np.arange(N), y]) + 0.5 * l2 * np.sum(x * x)
    delta = e / s
    delta[np.arange(N), y] -= 1
    delta /= N
    parts = []
    for l in range(len(layers) - 1, -1, -1):          # backprop, output layer first
        part = [(delta.T @ acts[l]).ravel()] + ([delta.sum(axis=0)] if bias else [])
        parts = part + parts
        if l:
            delta = (delta @ layers[l][0]) * ders[l - 1]
    return loss, np.concatenate(parts) + l2 * x


def main(folder):
    worst_g = worst_h = worst_l = 0.0
    files = sorted(glob.glob(f"{folder}/case*.bin"))
    assert files, "no dumps"
    for path in files:
        b = np.fromfile(path)
        classes, h, h2, actk, bias, std, l2, n, N, Nt = b[:10]
        classes, h, h2, actk, bias, std, n, N, Nt = map(int, (classes, h, h2, actk, bias, std, n, N, Nt))
        hidden = [w for w in (h, h2) if w]
        o = 10
        tr = b[o:o + N].astype(int); o += N
        te = b[o:o + Nt].astype(int); o += Nt
        x, v, g, hv = (b[o + i * n:o + (i + 1) * n] for i in range(4)); o += 4 * n
        loss_c, tl_c, ta_c = b[o:o + 3]
        assert np.all(LAB[0][tr] < classes) and len(set(tr)) == N
        X = IMG[0][tr].reshape(N, 784) / 255.0
        Xt = IMG[1][te].reshape(Nt, 784) / 255.0
        if std:
            mu = X.mean(axis=0)
            sd = np.sqrt(((X - mu) ** 2).mean(axis=0))
            sd[sd <= 1e-12] = 1.0
            X, Xt = (X - mu) / sd, (Xt - mu) / sd
        y, yt = LAB[0][tr].astype(int), LAB[1][te].astype(int)
        args = (784, hidden, classes, actk, bias)
        loss, gn = loss_grad(x, X, y, *args, l2)
        step = 1e-30                                 # complex step: H v = Im g(x + i t v) / t
        _, gc = loss_grad(x + 1j * step * v, X.astype(complex), y, *args, l2)
        hvn = gc.imag / step
        eg = np.max(np.abs(gn - g)) / np.max(np.abs(gn))
        eh = np.max(np.abs(hvn - hv)) / np.max(np.abs(hvn))
        el = abs(loss - loss_c) / abs(loss)
        worst_g, worst_h, worst_l = max(worst_g, eg), max(worst_h, eh), max(worst_l, el)
        if Nt:
            tl, _ = loss_grad(x, Xt, yt, *args, 0.0)
            f = outputs(x, Xt, *args)[3]
            ta = np.mean(np.argmax(f, axis=1) == yt)
            assert abs(tl - tl_c) <= 1e-10 * abs(tl) and ta == ta_c, (tl, tl_c, ta, ta_c)
        print(f"{path}: hidden {hidden} n={n} N={N}: loss {el:.1e}, gradient {eg:.1e}, Hv {eh:.1e} (max rel.)")
    ok = max(worst_g, worst_h, worst_l) <= 1e-10
    print(f"fmnist_check: worst relative error loss {worst_l:.2e}, gradient {worst_g:.2e}, "
          f"Hv {worst_h:.2e}: {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
