# bench/peers/adam_torch.py — the PyTorch peer: Adam on the NQM with torch.optim.Adam (CPU,
# foreach implementation, one thread), gradient h*x + sqrt(c/B)*noise formed in torch each step.
# Prints "case NAME ns_per_coord_step T stat MEAN se SE".
import sys
import os
import time

# CPU time of this process (BENCH_CLOCK=wall: elapsed time), as build/bench/optdyn_bench
clock = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.process_time

import torch


def main(d, steps, B, R, lr):
    torch.set_num_threads(1)
    h = 1.0 / torch.arange(1, d + 1, dtype=torch.float64)
    sd = torch.sqrt(h / B)
    losses, elapsed = [], 0.0
    for r in range(R):
        gen = torch.Generator().manual_seed(2000 + r)
        p = torch.nn.Parameter(torch.randn(d, dtype=torch.float64, generator=gen))
        opt = torch.optim.Adam([p], lr=lr, betas=(0.9, 0.999), eps=1e-8, foreach=True)
        z = torch.empty(d, dtype=torch.float64)
        grad = torch.empty(d, dtype=torch.float64)
        t0 = clock()
        with torch.no_grad():
            for _ in range(steps):
                z.normal_(generator=gen)
                torch.mul(h, p, out=grad)
                grad.addcmul_(sd, z)
                p.grad = grad
                opt.step()
        elapsed += clock() - t0
        losses.append(float(0.5 * torch.dot(h, p.detach() ** 2)))
    L = torch.tensor(losses, dtype=torch.float64)
    print(f"case adam_torch ns_per_coord_step {1e9 * elapsed / (R * steps * d):.4f} "
          f"stat {L.mean().item():.10g} se {(L.std() / R ** 0.5).item():.3g}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
