/* optimizers/central_flow.c — the central flow of gradient descent at the edge of stability (Cohen,
 * Damian, Talwalkar, Kolter & Lee 2025, ICLR, arXiv 2410.24206), t = k*lr:
 *   dx/dt = -(g + 1/2 sum_i s_i grad S_i),   S_i the top eigenvalues of H(x), s_i = sigma_i^2 >= 0
 * the variance of GD's oscillation along eigenvector u_i, fixed by the complementarity problem
 *   s_i >= 0,  r_i = -(dS_i/dt) - (S_i - 2/lr)/lr >= 0,  s_i r_i = 0   over i with S_i >= b 2/lr
 * (the edge holds S_i at 2/lr; the second term pulls a numerical overshoot back in one step's
 * time). The band b = 1 - 1e-6 keeps the right-hand side continuous on the edge: with the
 * threshold at 2/lr itself, integration error of either sign would switch s_i on and off at
 * every evaluation (and the integrator's steps to nothing); entering the band, S_i relaxes to the
 * edge from 1e-6 below it in a few lr of time, a change of x of that order. dS_i/dt = grad S_i . dx/dt, so with M_ij = 1/2 grad S_i . grad S_j and
 * q_i = grad S_i . g - (S_i - 2/lr)/lr this is the LCP  r = M s + q >= 0, s >= 0, s.r = 0, solved
 * by enumerating active sets (exact: M s_A = -q_A on the set, s_A >= 0 and r >= 0 off it; one
 * eigenvalue: s = max(0, -q/M)). grad S_i = D^3L[u_i, u_i] = d/dh H(x + h u_i) u_i at h = 0,
 * exactly where the problem has the third-derivative method `d3` (mlp: forward-mode over the
 * R-operator, sim/core/problems/net.c), else by the symmetric difference of two exact HVPs:
 *   grad S_i ~ (H(x + h u_i) u_i - H(x - h u_i) u_i)/(2h),  error <= h^2/6 max|D^5L[u,u,u,u,.]|
 *   + eps |H u_i|/h  (round-off of the products),  h = 1e-4 max(1, |x|_inf) / max(1, S_1)^(1/3).
 * Its prediction of GD's time-averaged loss is L(x) + 1/2 sum_i s_i S_i(x). The eigenpairs come
 * from Lanczos on exact HVPs (sim/core/lanczos.c), warm-started from the previous evaluation's
 * eigenvectors kept in the limit's scratch (the result does not depend on them beyond the Lanczos
 * tolerance; below 0.99 of the edge, a 1e-4 residual tolerance decides that the flow is the
 * gradient flow there). Scratch: central_work(n) doubles after the 4n every limit gets. */
#include <math.h>
#include <string.h>

#include "../sim/core/lanczos.h"
#include "../sim/core/status.h"
#include "sgd.h"

#define CENTRAL_ITERS 200          /* most Lanczos iterations per evaluation */
#define CENTRAL_TOL 1e-11          /* Lanczos residual tolerance at the edge */
#define CENTRAL_FAR 1e-4           /* ... and to decide that S_1 is below it */
#define CENTRAL_BAND (1.0 - 1e-6)  /* eigenvalues above CENTRAL_BAND * 2/lr are at the edge */

static size_t iters(size_t n) { return n < CENTRAL_ITERS ? n : CENTRAL_ITERS; }

/* [warm flag | u (K n) | grad S (K n) | tmp, xp, hp, hm (n each) | Lanczos] with K the most
 * eigenvalues tracked, after the 4n scratch of every limit. */
static size_t central_work(size_t n)
{
    return 1 + 2 * CENTRAL_MAX_K * n + 4 * n + lanczos_work_size(n, iters(n));
}

/* What one evaluation finds at x: the top eigenvalues S (k), the variances s (k, zero off the
 * edge) and the gradient g (n, into work). */
typedef struct central_state {
    size_t k;
    double S[CENTRAL_MAX_K], s[CENTRAL_MAX_K];
    double *g, *u, *gs;
} central_state;

static int central_eval(const double *x, size_t n, const opt_params *pp, const problem *pb,
                        double *work, central_state *cs)
{
    const sgd_params *p = OPT_OWN(sgd_params, pp);
    if (!pb->type->hvp)
        return OD_ENOTSUP;
    size_t K = CENTRAL_MAX_K, k = (size_t)p->central_k < n ? (size_t)p->central_k : n;
    double *ex = work + 4 * n, *warm = ex, *u = ex + 1, *gs = u + K * n, *tmp = gs + K * n;
    double *xp = tmp + n, *hp = xp + n, *hm = hp + n, *lw = hm + n;
    cs->k = k, cs->g = work, cs->u = u, cs->gs = gs;
    int status = pb->type->grad(pb, x, NULL, cs->g);
    if (status != OD_OK)
        return status;
    /* top-k eigenpairs, warm-started from the last evaluation's (tmp as the start) */
    memset(tmp, 0, n * sizeof *tmp);
    for (size_t i = 0; *warm == 1.0 && i < k; i++)
        for (size_t l = 0; l < n; l++)
            tmp[l] += u[i * n + l];
    /* first to CENTRAL_FAR: when even S_1 + its residual bound is clearly below the edge, the
     * flow is the gradient flow there and the eigenpairs need no more accuracy */
    lanczos_hessian op = { pb, x, NULL, xp };
    lanczos_info info;
    double edge = 2.0 / p->lr, xmax = 1.0;
    for (int pass = 0; pass < 2; pass++) {
        status = lanczos_top(n, k, iters(n), lanczos_hessian_op, &op, *warm == 1.0 ? tmp : NULL,
                             pass ? CENTRAL_TOL : CENTRAL_FAR, lw, cs->S, u, &info);
        if (status == OD_EDOM)      /* not converged in the iterations allowed: best pairs */
            status = OD_OK;
        if (status != OD_OK)
            return status;
        *warm = 1.0;
        if (!pass && cs->S[0] + info.residual * fabs(cs->S[0]) < 0.99 * CENTRAL_BAND * edge) {
            for (size_t i = 0; i < k; i++)
                cs->s[i] = 0.0;
            return OD_OK;
        }
        memcpy(tmp, u, n * sizeof *tmp);      /* the refinement starts from u_1 */
    }
    for (size_t l = 0; l < n; l++)
        xmax = fmax(xmax, fabs(x[l]));
    double h = 1e-4 * xmax / cbrt(fmax(1.0, cs->S[0]));
    /* candidates: eigenvalues at or past the edge, with grad S_i */
    size_t c[CENTRAL_MAX_K], nc = 0;
    for (size_t i = 0; i < k; i++) {
        cs->s[i] = 0.0;
        if (cs->S[i] < CENTRAL_BAND * edge)
            continue;
        const double *ui = u + i * n;
        if (pb->type->d3) {
            if ((status = pb->type->d3(pb, x, ui, gs + nc * n)) != OD_OK)
                return status;
            c[nc++] = i;
            continue;
        }
        for (int sign = 0; sign < 2 && status == OD_OK; sign++) {
            for (size_t l = 0; l < n; l++)
                tmp[l] = x[l] + (sign ? -h : h) * ui[l];
            op.x = tmp;
            status = lanczos_hessian_op(&op, ui, sign ? hm : hp);
        }
        for (size_t l = 0; l < n; l++)
            gs[nc * n + l] = (hp[l] - hm[l]) / (2.0 * h);
        c[nc++] = i;
    }
    if (status != OD_OK || nc == 0)
        return status;
    /* the LCP r = M s + q over the candidates, by active sets (largest first) */
    double M[CENTRAL_MAX_K * CENTRAL_MAX_K], q[CENTRAL_MAX_K];
    for (size_t a = 0; a < nc; a++) {
        q[a] = problem_dot(n, gs + a * n, cs->g) - (cs->S[c[a]] - edge) / p->lr;
        for (size_t b = 0; b < nc; b++)
            M[a * nc + b] = 0.5 * problem_dot(n, gs + a * n, gs + b * n);
    }
    for (unsigned set = (1u << nc) - 1;; set--) {     /* set = 0: all s = 0 */
        double A[CENTRAL_MAX_K * CENTRAL_MAX_K], sol[CENTRAL_MAX_K] = { 0 };
        size_t idx[CENTRAL_MAX_K], m = 0;
        for (size_t a = 0; a < nc; a++)
            if (set >> a & 1u)
                idx[m++] = a;
        /* M_AA sol_A = -q_A by Gaussian elimination with partial pivoting */
        double rhs[CENTRAL_MAX_K];
        for (size_t a = 0; a < m; a++) {
            rhs[a] = -q[idx[a]];
            for (size_t b = 0; b < m; b++)
                A[a * m + b] = M[idx[a] * nc + idx[b]];
        }
        int ok = 1;
        for (size_t col = 0; ok && col < m; col++) {
            size_t piv = col;
            for (size_t r = col + 1; r < m; r++)
                if (fabs(A[r * m + col]) > fabs(A[piv * m + col]))
                    piv = r;
            if (!(fabs(A[piv * m + col]) > 1e-300)) {
                ok = 0;
                break;
            }
            for (size_t b = 0; b < m; b++) {
                double t = A[col * m + b];
                A[col * m + b] = A[piv * m + b];
                A[piv * m + b] = t;
            }
            double t = rhs[col];
            rhs[col] = rhs[piv];
            rhs[piv] = t;
            for (size_t r = col + 1; r < m; r++) {
                double f = A[r * m + col] / A[col * m + col];
                for (size_t b = col; b < m; b++)
                    A[r * m + b] -= f * A[col * m + b];
                rhs[r] -= f * rhs[col];
            }
        }
        for (size_t a = m; ok && a-- > 0;) {
            double v = rhs[a];
            for (size_t b = a + 1; b < m; b++)
                v -= A[a * m + b] * sol[idx[b]];
            sol[idx[a]] = v / A[a * m + a];
            ok = sol[idx[a]] >= 0.0;
        }
        for (size_t a = 0; ok && a < nc; a++) {     /* r >= 0 off the set */
            double r = q[a];
            for (size_t b = 0; b < nc; b++)
                r += M[a * nc + b] * sol[b];
            ok = (set >> a & 1u) || r >= 0.0;
        }
        if (ok) {
            for (size_t a = 0; a < nc; a++)
                cs->s[c[a]] = sol[a];
            return OD_OK;
        }
        if (set == 0)
            return OD_EDOM;   /* no solution: grad S = 0 at the edge (a constant Hessian) */
    }
}

static int central_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                       const problem *pb, double *work)
{
    (void)t;
    central_state cs;
    int status = central_eval(y, n, p, pb, work, &cs);
    if (status != OD_OK)
        return status;
    for (size_t l = 0; l < n; l++)
        dydt[l] = -cs.g[l];
    for (size_t i = 0, a = 0; i < cs.k; i++)
        if (cs.S[i] >= CENTRAL_BAND * 2.0 / p->lr) {   /* the candidates' grad S, in order */
            for (size_t l = 0; l < n; l++)
                dydt[l] -= 0.5 * cs.s[i] * cs.gs[a * n + l];
            a++;
        }
    return OD_OK;
}

static double central_start(const double *x0, size_t n, const opt_params *p, const problem *pb,
                            double *y0, double *work)
{
    work[4 * n] = 0.0;      /* no eigenvectors to warm-start from yet */
    return opt_flow_start_x(x0, n, p, pb, y0, work);
}

static const char *const central_extras[] = { "sharpness", "sigma_sq", "loss_predicted", NULL };

/* S_1, sum_i s_i and L + 1/2 sum_i s_i S_i at y. */
static int central_extra(const double *y, size_t n, const opt_params *p, const problem *pb,
                         double *work, double *out)
{
    central_state cs;
    int status = central_eval(y, n, p, pb, work, &cs);
    if (status != OD_OK)
        return status;
    double ss = 0.0, pred = pb->type->loss(pb, y);
    for (size_t i = 0; i < cs.k; i++) {
        ss += cs.s[i];
        pred += 0.5 * cs.s[i] * cs.S[i];
    }
    out[0] = cs.S[0], out[1] = ss, out[2] = pred;
    return OD_OK;
}

const opt_flow opt_flow_central = {
    .name = "central",
    .equation = "dx/dt = -(g + 1/2 sum_i s_i grad S_i), s_i >= 0 the LCP keeping the top "
                "eigenvalues S_i <= 2/lr (s_i = 0 below the edge); grad S_i = D^3L[u_i, u_i]",
    .time_map = "t = k*lr",
    .time_step = opt_time_lr, .dim = opt_flow_dim_n, .start = central_start, .rhs = central_rhs,
    .work = central_work, .opt_in = 1, .extras = central_extras, .extra = central_extra,
};
