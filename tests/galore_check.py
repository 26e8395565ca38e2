# tests/galore_check.py OPTDYN TMPDIR — optdyn's galore (projection svd and id) against an independent
# NumPy transcription of GaLore (Zhao et al. 2024, Algorithm 2 and its projector), step for step, on
# finite-data matrix regression, whose gradient G = C (W - W*) NumPy takes from the file: W* is
# /problem/xstar and I - eta C is solved from the iterates of a plain SGD run (lr eta) in the same file.
import subprocess, sys
import h5py, numpy as np

optdyn, tmp = sys.argv[1], sys.argv[2]
steps, lr, rank, period, alpha, eta = 100, 0.05, 3, 10, 0.25, 0.5
b1, b2, eps = 0.9, 0.999, 1e-8

def run(rows, cols):
    ini = f"""[experiment]
seed = 7
[problem]
type = matreg
rows = {rows}
cols = {cols}
rank = 2
examples = 200
label_noise = 0.1
init_scale = 1
[run]
steps = {steps}
[optimizer probe]
type = sgd
lr = {eta}
"""
    for proj in ("svd", "id"):
        ini += f"""[optimizer {proj}]
type = galore
lr = {lr}
rank = {rank}
period = {period}
scale = {alpha}
projection = {proj}
"""
    path = f"{tmp}/galore_{rows}x{cols}"
    open(path + ".ini", "w").write(ini)
    subprocess.run([optdyn, "run", "-q", path + ".ini", "-o", path + ".h5"], check=True)
    return path + ".h5"

def signed(P):
    """Columns of P with the entry of largest magnitude positive (first one on a tie)."""
    i = np.argmax(np.abs(P), axis=0)
    return P * np.sign(P[i, np.arange(P.shape[1])])

def pivoted_basis(M, r):
    """Orthonormal basis of the r columns of M picked greedily by the largest residual norm
    (Businger-Golub column pivoting, Gram-Schmidt form: R_ii > 0), and the pivots."""
    Q, Res, piv = [], M.copy(), []
    for _ in range(r):
        j = np.argmax(np.sum(Res * Res, axis=0))
        q = Res[:, j] / np.linalg.norm(Res[:, j])
        Q.append(q)
        piv.append(j)
        Res = Res - np.outer(q, q @ Res)
    return np.array(Q).T, piv

def hessian(f, rows, cols):
    """C from the SGD iterates: D_{t+1} = (I - eta C) D_t with D_t = W_t - W*."""
    x = f["/trajectory/probe/x"][()]
    Wstar = f["/problem/xstar"][()].reshape(rows, cols)
    s = -(-rows // cols) + 1
    D = [x[t].reshape(rows, cols) - Wstar for t in range(s + 1)]
    K = np.hstack(D[1:]) @ np.linalg.pinv(np.hstack(D[:-1]))
    return (np.eye(rows) - K) / eta

def galore(W0, Wstar, C, proj):
    """The paper's loop with the gradient G = C (W - W*)."""
    m, n = W0.shape
    W, out = W0.copy(), [W0.ravel().copy()]
    M = V = P = None
    for t in range(1, steps + 1):
        G = C @ (W - Wstar)
        right = m >= n                      # the projector's choice: project the smaller side
        if (t - 1) % period == 0:
            H = G.T if right else G
            if proj == "svd":
                U, _, _ = np.linalg.svd(H, full_matrices=False)
                P = signed(U[:, :rank])
            else:
                P, piv = pivoted_basis(H, rank)
        R = G @ P if right else P.T @ G     # right: G Q^T with Q = P^T (r x n)
        if proj == "id" and (t - 1) % period == 0:   # the pivoted R factor: 0 below its diagonal
            for a in range(rank):
                for j in range(a):
                    if right:
                        R[piv[j], a] = 0.0
                    else:
                        R[a, piv[j]] = 0.0
        if M is None:
            M, V = np.zeros_like(R), np.zeros_like(R)
        M = b1 * M + (1 - b1) * R
        V = b2 * V + (1 - b2) * R * R
        N = (M / (1 - b1 ** t)) / (np.sqrt(V / (1 - b2 ** t)) + eps)
        W = W - lr * alpha * (N @ P.T if right else P @ N)
        out.append(W.ravel().copy())
    return np.array(out)

worst = 0.0
for rows, cols in ((12, 8), (6, 10)):
    with h5py.File(run(rows, cols), "r") as f:
        W0 = f["/problem/x0"][()].reshape(rows, cols)
        Wstar = f["/problem/xstar"][()].reshape(rows, cols)
        C = hessian(f, rows, cols)
        d, e = min(rows, cols), max(rows, cols)
        for proj in ("svd", "id"):
            got, want = f[f"/trajectory/{proj}/x"][()], galore(W0, Wstar, C, proj)
            assert got.shape == want.shape, (got.shape, want.shape)
            rel = np.max(np.max(np.abs(got - want), axis=1) / np.max(np.abs(want), axis=1))
            rel = rel if np.isfinite(rel) else np.inf
            l0, l1 = f[f"/trajectory/{proj}/loss"][()][[0, -1]]
            used = f[f"/trajectory/{proj}"].attrs["state_doubles"]
            print(f"galore {proj} {rows}x{cols} rank {rank} period {period}: {steps} steps vs NumPy, "
                  f"max relative difference {rel:.3g} (loss {l0:.4g} -> {l1:.4g}); state {used} "
                  f"doubles = moments {2 * rank * e} + basis {d * rank}, Adam {2 * rows * cols}")
            assert used == 2 * rank * e + d * rank
            worst = max(worst, rel)
sys.exit(0 if worst <= 1e-12 else 1)   # (nan fails too)
