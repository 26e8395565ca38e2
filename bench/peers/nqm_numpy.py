# bench/peers/nqm_numpy.py — the NumPy peer of `make bench`: the same NQM Monte Carlo runs
# (d, steps, batch, lr; h_i = c_i = 1/i, x0 ~ N(0, I)) and the same exact steps-to-target
# computation, written as a careful NumPy user would (vectorized, in-place updates).
# Prints "case NAME ns_per_coord_step T stat MEAN se SE" like build/bench/optdyn_bench.
import sys
import os
import time

# CPU time of this process (BENCH_CLOCK=wall: elapsed time), as build/bench/optdyn_bench
clock = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.process_time

import numpy as np


def mc(name, opt, d, steps, B, R, lr):
    h = 1.0 / np.arange(1, d + 1)
    sd = np.sqrt(h / B)
    losses, elapsed = [], 0.0
    for r in range(R):
        rng = np.random.default_rng(1000 + r)
        x = rng.standard_normal(d)
        g, z = np.empty(d), np.empty(d)
        m, v, tmp = np.zeros(d), np.zeros(d), np.empty(d)
        t0 = clock()
        for t in range(1, steps + 1):
            rng.standard_normal(out=z)
            np.multiply(h, x, out=g)
            z *= sd
            g += z
            if opt == "sgd":
                g *= lr
                x -= g
            elif opt == "momentum":            # v <- mu v + g; x <- x - lr v
                v *= 0.9
                v += g
                np.multiply(v, lr, out=tmp)
                x -= tmp
            else:                              # adam, b1 = 0.9, b2 = 0.999, eps = 1e-8
                m *= 0.9
                m += 0.1 * g
                g *= g
                v *= 0.999
                v += 0.001 * g
                np.divide(v, 1 - 0.999 ** t, out=tmp)
                np.sqrt(tmp, out=tmp)
                tmp += 1e-8
                np.divide(m, tmp, out=tmp)
                tmp *= lr / (1 - 0.9 ** t)
                x -= tmp
        elapsed += clock() - t0
        losses.append(0.5 * np.dot(h, x * x))
    L = np.array(losses)
    print(f"case {name} ns_per_coord_step {1e9 * elapsed / (R * steps * d):.4f} "
          f"stat {L.mean():.10g} se {L.std(ddof=1) / np.sqrt(R):.3g}")


def zhang(d, nb, nl, target=0.01):
    # smallest k with E[L(x_k)] < target: s_i(k) = s* + (1 - lr h)^(2k) (s0 - s*), doubling +
    # bisection, for SGD over B = 2^0.. and lr = logspace(-5, 0.5, nl)
    h = 1.0 / np.arange(1, d + 1)
    t0, total = clock(), 0.0
    for b in range(nb):
        B = 2.0 ** b
        for l in range(nl):
            lr = 10.0 ** (-5.0 + 5.5 * l / (nl - 1))
            a = lr * h
            if np.any(a >= 2):
                continue
            logr = np.log((1 - a) ** 2)
            ss = lr * h / (B * h * (2 - a))
            d0 = 1.0 - ss

            def loss(k):
                return 0.5 * np.dot(h, ss + np.exp(k * logr) * d0)

            if loss(0) < target:
                continue
            lo, hi = 0, 1
            while loss(hi) >= target:
                if hi >= 10**9:
                    hi = -1
                    break
                lo, hi = hi, min(2 * hi, 10**9)
            if hi < 0:
                continue
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if loss(mid) < target:
                    hi = mid
                else:
                    lo = mid
            total += np.log(hi)
    print(f"case zhang_exact seconds {clock() - t0:.4f} stat {total:.10g} se 0")


if __name__ == "__main__":
    if sys.argv[1] == "mc":
        mc(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
           int(sys.argv[7]), float(sys.argv[8]))
    else:
        zhang(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
