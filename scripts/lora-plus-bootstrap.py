#!/usr/bin/python3
# scripts/lora-plus-bootstrap.py TABLE — the LoRA+ reduction of docs/theory.md "What sets the
# best ratio", per width of a scripts/lora-mlp-plus.sh table (one init): the best ratio of the
# seeds' geometric-mean grid; over 2000 bootstrap resamples of the seeds (numpy, seeded by the
# width) the 5-95 % range of the best ratio and the share above 1; P(1) = best loss at ratio 1 /
# best cell; the largest ratio within 2x of the best; "B alone" = the best loss at the largest
# ratio / the loss of the least-trained cell (smallest ratio and lr); each seed's own best ratio.
# Needs numpy: run it with Debian's /usr/bin/python3.
import collections
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("lora-plus-bootstrap.py: needs numpy (run it with /usr/bin/python3, Debian's "
             "python3-numpy)")

if len(sys.argv) != 2:
    sys.exit("usage: scripts/lora-plus-bootstrap.py TABLE (from scripts/lora-mlp-plus.sh)")
data = collections.defaultdict(dict)   # width -> (seed, ratio, lr) -> final loss
with open(sys.argv[1]) as f:
    next(f)
    for line in f:
        init, n, seed, ratio, lr, loss = line.rstrip("\n").split("\t")
        data[int(n)][(int(seed), float(ratio), float(lr))] = float(loss)

print("n\tbest_ratio\tboot_5_95_log2\tshare_best_above_1\tP1\tlargest_ratio_within_2x\tB_alone\t"
      "best_ratio_per_seed")
for n in sorted(data):
    cells = data[n]
    rng = np.random.default_rng(n)     # per width: a table of any set of widths gives the same
    seeds = sorted({k[0] for k in cells})
    ratios = sorted({k[1] for k in cells})
    lrs = sorted({k[2] for k in cells})
    logl = np.array([[[np.log(cells[(s, r, l)]) for l in lrs] for r in ratios] for s in seeds])

    def curve(idx):   # per ratio, the best over lr of the mean log loss of the seeds idx
        return logl[idx].mean(0).min(1)

    c = curve(np.arange(len(seeds)))
    best = ratios[int(np.argmin(c))]
    p1 = np.exp(c[ratios.index(1.0)] - c.min()) if 1.0 in ratios else float("nan")
    edge = max(r for r, v in zip(ratios, c) if v <= c.min() + np.log(2))
    boot = np.array([ratios[int(np.argmin(curve(rng.integers(0, len(seeds), len(seeds)))))]
                     for _ in range(2000)])
    lo, hi = np.percentile(np.log2(boot), [5, 95])
    b_alone = np.exp(c[-1] - logl[:, 0, 0].mean())
    per_seed = [ratios[int(np.argmin(logl[i].min(1)))] for i in range(len(seeds))]
    print(f"{n}\t{best:g}\t[{lo:.0f}, {hi:.0f}]\t{np.mean(boot > 1):.2f}\t{p1:.2f}\t{edge:g}\t"
          f"{b_alone:.3f}\t" + " ".join(f"{r:g}" for r in per_seed))
