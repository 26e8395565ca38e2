/* optimizers/muon.c — Muon: momentum orthogonalized per matrix block (K. Jordan et al. 2024, the public
 * reference muon_update), with a fallback rule on the problem's vector blocks.
 *   matrix block G (r x c):  m <- mu*m + (1-mu)*g;  u = (1-mu)*g + mu*m (nesterov) or u = m;
 *                            x <- x - lr * s(r, c) * O(u)
 *   O = ns:  X = u/(|u|_F + 1e-7) (transposed when r > c), 5 times X <- a X + (b A + c A^2) X with
 *            A = X X^T, (a, b, c) = (3.4445, -4.7750, 2.0315): singular values -> [0.68, 1.14]
 *   O = svd: the polar factor U V^T of u = U S V^T (directions with s <= max(r,c)*eps*s_max dropped)
 *   s(r, c) = 1 (none), sqrt(max(1, r/c)) (shape, the reference), 0.2*sqrt(max(r, c)) (rms)
 *   vector blocks:  adam (m, v as Adam, betas 0.9/0.95, eps 1e-10, bias-corrected) or momentum
 *                   (x <- x - lr_v * u with u as above), lr_v = fallback_lr (0: lr)
 * state: st = [m(n) | v(n) | scratch(4n)] (scratch is overwritten before it is read). */
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "../sim/core/status.h"
#include "adaptive.h"
#include "opt.h"

enum { MUON_NS, MUON_SVD };
enum { MUON_SHAPE, MUON_NONE, MUON_RMS };
enum { MUON_ADAM, MUON_MOMENTUM };

typedef struct muon_params {
    OPT_PARAMS_HEAD;
    double mu;             /* key momentum */
    int nesterov, ortho, scale, fallback;
    long ns_steps;
    double fallback_lr, b1, b2, eps;
} muon_params;
OPT_PARAMS_FIT(muon_params);

static size_t muon_state(size_t n) { return 6 * n; }

/* C (p x q) = alpha*A B + beta*C with A p x k, B k x q, all row-major; C distinct from A, B. */
static void gemm(size_t p, size_t k, size_t q, double alpha, const double *A, const double *B,
                 double beta, double *C)
{
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < q; j++) {
            double s = 0.0;
            for (size_t l = 0; l < k; l++)
                s += A[i * k + l] * B[l * q + j];
            C[i * q + j] = alpha * s + beta * C[i * q + j];
        }
}

/* out (r x c) = the transpose of in (c x r). */
static void transpose(size_t r, size_t c, const double *in, double *out)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            out[i * c + j] = in[j * r + i];
}

/* Q (p x q, p <= q) <- the quintic Newton-Schulz iterate of X; work: 2 p^2 + p q doubles. */
static void newton_schulz(double *X, size_t p, size_t q, long steps, double *work)
{
    const double a = 3.4445, b = -4.7750, c = 2.0315;
    double *A = work, *Bm = work + p * p, *T = work + 2 * p * p, nrm = 0.0;
    for (size_t i = 0; i < p * q; i++)
        nrm += X[i] * X[i];
    nrm = sqrt(nrm) + 1e-7;
    for (size_t i = 0; i < p * q; i++)
        X[i] /= nrm;
    for (long s = 0; s < steps; s++) {
        for (size_t i = 0; i < p; i++)                  /* A = X X^T */
            for (size_t j = 0; j < p; j++) {
                double t = 0.0;
                for (size_t l = 0; l < q; l++)
                    t += X[i * q + l] * X[j * q + l];
                A[i * p + j] = t;
            }
        memcpy(Bm, A, p * p * sizeof *A);
        gemm(p, p, p, c, A, A, b, Bm);                   /* B = b A + c A^2 */
        memcpy(T, X, p * q * sizeof *X);
        gemm(p, p, q, 1.0, Bm, T, a, X);                 /* X = a X + B X */
    }
}

/* X (p x q, p >= q) <- U V^T of its thin SVD (one-sided Jacobi); work: q^2 + q + p q doubles.
 * A non-finite X becomes all NaN (a diverged run is data, not an error). */
static int polar(double *X, size_t p, size_t q, double *work)
{
    for (size_t i = 0; i < p * q; i++)
        if (!isfinite(X[i])) {
            for (size_t j = 0; j < p * q; j++)
                X[j] = NAN;
            return OD_OK;
        }
    gsl_matrix_view U = gsl_matrix_view_array(X, p, q), V = gsl_matrix_view_array(work, q, q);
    gsl_vector_view S = gsl_vector_view_array(work + q * q, q);
    double *Q = work + q * q + q, smax = 0.0;
    if (gsl_linalg_SV_decomp_jacobi(&U.matrix, &V.matrix, &S.vector))
        return OD_EDOM;
    for (size_t k = 0; k < q; k++)
        smax = fmax(smax, S.vector.data[k]);
    const double tol = (double)p * 2.220446049250313e-16 * smax;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < q; j++) {
            double t = 0.0;
            for (size_t k = 0; k < q; k++)
                if (S.vector.data[k] > tol)
                    t += X[i * q + k] * V.matrix.data[j * q + k];
            Q[i * q + j] = t;
        }
    memcpy(X, Q, p * q * sizeof *X);
    return OD_OK;
}

/* out (r x c) <- O(u) for one matrix block; work: 4 r c doubles. */
static int orthogonalize(const muon_params *p, const double *u, size_t r, size_t c, double *out,
                         double *work)
{
    size_t lo = r < c ? r : c, hi = r < c ? c : r;
    double *X = work, *w = work + r * c;
    int flip = p->ortho == MUON_NS ? r > c : r < c;     /* NS wants p <= q, the SVD p >= q */
    if (flip)
        transpose(c, r, u, X);
    else
        memcpy(X, u, r * c * sizeof *u);
    int status = OD_OK;
    if (p->ortho == MUON_NS)
        newton_schulz(X, lo, hi, p->ns_steps, w);
    else
        status = polar(X, hi, lo, w);
    if (flip)
        transpose(r, c, X, out);
    else
        memcpy(out, X, r * c * sizeof *X);
    return status;
}

static double shape_scale(const muon_params *p, size_t r, size_t c)
{
    if (p->scale == MUON_NONE)
        return 1.0;
    if (p->scale == MUON_SHAPE)
        return sqrt(fmax(1.0, (double)r / (double)c));
    return 0.2 * sqrt((double)(r > c ? r : c));
}

static double muon_block_scale(const opt_params *pp, size_t r, size_t c)
{
    return shape_scale(OPT_OWN(muon_params, pp), r, c);
}

/* Steady state with the gradient frozen: u = b m_prev + (1-b) g (b = mu, or mu^2 with Nesterov)
 * and m_prev of covariance ((1-mu)/(1+mu)) Sigma/B independent of the fresh g, so u has mean g
 * and covariance a Sigma/B, a = b^2 (1-mu)/(1+mu) + (1-b)^2. */
static double muon_steady_noise(const opt_params *pp)
{
    const muon_params *p = OPT_OWN(muon_params, pp);
    double b = p->nesterov ? p->mu * p->mu : p->mu;
    return b * b * (1.0 - p->mu) / (1.0 + p->mu) + (1.0 - b) * (1.0 - b);
}

/* The momentum step on coordinates [0, len): m <- mu m + (1-mu) g; g <- u (Nesterov or m). */
static void ema_momentum(const muon_params *p, double *m, double *g, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        m[i] = p->mu * m[i] + (1.0 - p->mu) * g[i];
        g[i] = p->nesterov ? (1.0 - p->mu) * g[i] + p->mu * m[i] : m[i];
    }
}

/* The fallback rule on a vector block: dx holds its gradient on entry, its update on return. */
static void fallback(const muon_params *p, long t, double *m, double *v, double *dx, size_t len)
{
    double lr = p->fallback_lr > 0 ? p->fallback_lr : p->lr;
    if (p->fallback == MUON_MOMENTUM) {
        ema_momentum(p, m, dx, len);
        for (size_t i = 0; i < len; i++)
            dx[i] *= -lr;
        return;
    }
    adam_moments_step(p->b1, p->b2, p->eps, lr, t, m, v, dx, len);
}

static int muon_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                     const problem *pb, const batch *b, double *dx)
{
    const muon_params *p = OPT_OWN(muon_params, pp);
    double *m = st, *v = st + n, *work = st + 2 * n;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t k = 0; k < problem_block_count(pb) && status == OD_OK; k++) {
        size_t off;
        problem_block blk = problem_block_at(pb, k, &off);
        size_t len = problem_block_size(&blk);
        if (!blk.cols) {
            fallback(p, t, m + off, v + off, dx + off, len);
            continue;
        }
        ema_momentum(p, m + off, dx + off, len);
        status = orthogonalize(p, dx + off, blk.rows, blk.cols, dx + off, work);
        double s = -p->lr * shape_scale(p, blk.rows, blk.cols);
        for (size_t i = 0; i < len; i++)
            dx[off + i] *= s;
    }
    return status;
}

static const char *const ortho_names[] = { "newton_schulz", "svd", NULL };
static const char *const scale_names[] = { "shape", "none", "rms", NULL };
static const char *const fallback_names[] = { "adam", "momentum", NULL };

static const param_spec muon_specs[] = {
    OPT_PARAM_LR,
    { "momentum", PARAM_REAL, offsetof(muon_params, mu), "0.95", 0, 1, PARAM_HI_OPEN, NULL,
      "EMA momentum mu: m <- mu*m + (1-mu)*g" },
    { "nesterov", PARAM_CHOICE, offsetof(muon_params, nesterov), "yes", 0, 0, 0, param_yes_no,
      "orthogonalize u = (1-mu)*g + mu*m (yes, the reference) or m (no)" },
    { "ortho", PARAM_CHOICE, offsetof(muon_params, ortho), "newton_schulz", 0, 0, 0, ortho_names,
      "quintic Newton-Schulz (3.4445, -4.7750, 2.0315) or the exact polar factor U V^T (svd)" },
    { "ns_steps", PARAM_INT, offsetof(muon_params, ns_steps), "5", 1, 100, 0, NULL,
      "Newton-Schulz iterations" },
    { "scale", PARAM_CHOICE, offsetof(muon_params, scale), "shape", 0, 0, 0, scale_names,
      "update scale of an r x c block: sqrt(max(1, r/c)) (shape), 1 (none), 0.2*sqrt(max(r, c)) (rms)" },
    { "fallback", PARAM_CHOICE, offsetof(muon_params, fallback), "adam", 0, 0, 0, fallback_names,
      "rule for vector blocks: adam (beta1, beta2, eps) or momentum (the EMA momentum u)" },
    { "fallback_lr", PARAM_REAL, offsetof(muon_params, fallback_lr), "0", 0, 1e300, 0, NULL,
      "learning rate of the fallback rule (0: lr)" },
    { "beta1", PARAM_REAL, offsetof(muon_params, b1), "0.9", 0, 1, PARAM_HI_OPEN, NULL,
      "fallback adam: decay of the first moment" },
    { "beta2", PARAM_REAL, offsetof(muon_params, b2), "0.95", 0, 1, PARAM_HI_OPEN, NULL,
      "fallback adam: decay of the second moment" },
    { "eps", PARAM_REAL, offsetof(muon_params, eps), "1e-10", 0, 1e300, 0, NULL,
      "fallback adam: offset added to the root of the second moment" },
    OPT_PARAM_EMA,
    OPT_PARAM_END,
};

const opt_type opt_muon = {
    .name = "muon",
    .summary = "Muon: EMA momentum orthogonalized per matrix block (fallback rule on vectors)",
    .rule = "matrix blocks: m <- mu*m + (1-mu)*g; u = (1-mu)*g + mu*m (nesterov) or m; "
            "x <- x - lr*s(r,c)*msign(u), msign by Newton-Schulz or U V^T; vector blocks: fallback",
    .params = muon_specs,
    .state_size = muon_state,
    .step = muon_step,
    .caps = OPT_CAP_STEADY | OPT_CAP_SIGN_LIKE,
    .first = OPT_DIR_MSIGN,         /* m = 0: u is a positive multiple of g, phi = s msign(g) */
    .steady = OPT_DIR_MSIGN,        /* msign of u, mean g, covariance a Sigma/B */
    .block_scale = muon_block_scale,
    .steady_noise = muon_steady_noise,
};
