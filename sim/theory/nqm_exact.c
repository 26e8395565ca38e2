/* sim/theory/nqm_exact.c — exact expected-loss dynamics on the NQM, per coordinate (a = lr*h):
 *  SGD (precond: h -> h^(1-p), c -> c h^(-2p)):  s(k) = s* + r^k (s0 - s*), r = (1-a)^2,
 *      s* = lr c / (B h (2 - a));
 *  heavy ball, z = (x, w = lr v):  z' = A z + (-lr, lr) xi,  A = [[1-a, -mu], [a, mu]], so
 *      M_k = E[z z^T] = M* + A^k (M0 - M*) A^kT with M* the stationary (Lyapunov) solution and
 *      A^k's first row (p, q) = ((1-a) U_k - mu U_{k-1}, -mu U_k), U_k = (r1^k - r2^k)/(r1 - r2)
 *      for the roots r1, r2 of z^2 - (1 + mu - a) z + mu (k r^(k-1) for a double root,
 *      rho^(k-1) sin(k th)/sin(th) for complex roots rho e^(+-i th));
 *  SGD with iterate averaging xbar' = g xbar + (1-g) x' (g = ema): the moments (xx, x xbar,
 *      xbar xbar) follow a triangular recursion with eigenvalues l1 = (1-a)^2, l2 = g(1-a),
 *      l3 = g^2, so E[xbar_k^2] = A + B l1^k + C l2^k + E l3^k (coefficients below). */
#define _GNU_SOURCE     /* sincos */
#include "nqm_exact.h"
#include "../core/status.h"
#include "../core/vecmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ROOTS_REAL, ROOTS_DOUBLE, ROOTS_COMPLEX };
/* SGD keeps its data in arrays (nqm_exact.logr, ss, dd, gr); per-coordinate layout of w,
 *                     heavy ball:  [a, roots kind, r1 | rho, r2 | theta, Mxx, Dxx, Dxw, Dww]
 *                     SGD + EMA:   [A, B, C, E, l1, l2, l3] */
#define W 8

static double mu_of(const nqm_exact *e) { return e->w[8 * e->n]; }

/* Stationary second moments u = (xx, xw, ww) of u' = T u + q with q = g (1, -1, 1). */
static void stationary(double a, double mu, double g, double u[3])
{
    double T[3][3] = {
        { (1 - a) * (1 - a), -2 * (1 - a) * mu, mu * mu },
        { a * (1 - a), mu * (1 - 2 * a), -mu * mu },
        { a * a, 2 * a * mu, mu * mu },
    };
    double M[3][3], q[3] = { g, -g, g };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            M[i][j] = (i == j) - T[i][j];
    double det = M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) -
                 M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
                 M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
    for (int c = 0; c < 3; c++) {          /* Cramer's rule */
        double C[3][3];
        memcpy(C, M, sizeof C);
        for (int i = 0; i < 3; i++)
            C[i][c] = q[i];
        u[c] = g == 0 ? 0.0
                      : (C[0][0] * (C[1][1] * C[2][2] - C[1][2] * C[2][1]) -
                         C[0][1] * (C[1][0] * C[2][2] - C[1][2] * C[2][0]) +
                         C[0][2] * (C[1][0] * C[2][1] - C[1][1] * C[2][0])) / det;
    }
}

static int init_momentum(nqm_exact *e, const double *h, const double *c, double lr, double mu,
                         double B, const double *s0)
{
    for (size_t i = 0; i < e->n; i++) {
        double *w = e->w + W * i, a = lr * h[i], b = 1 + mu - a, disc = b * b - 4 * mu;
        double u[3], radius;
        stationary(a, mu, isinf(B) ? 0.0 : lr * lr * c[i] / B, u);
        w[0] = a;
        if (fabs(disc) <= 1e-12 * (b * b + 4 * mu)) {
            w[1] = ROOTS_DOUBLE;
            w[2] = w[3] = b / 2;
            radius = fabs(b / 2);
        } else if (disc > 0) {
            double sq = sqrt(disc);
            w[1] = ROOTS_REAL;
            w[2] = (b + copysign(sq, b)) / 2;            /* larger in magnitude, no cancellation */
            w[3] = w[2] != 0 ? mu / w[2] : (b - copysign(sq, b)) / 2;    /* r1 r2 = mu */
            radius = fmax(fabs(w[2]), fabs(w[3]));
        } else {
            w[1] = ROOTS_COMPLEX;
            w[2] = sqrt(mu);
            w[3] = acos(fmax(-1.0, fmin(1.0, b / (2 * w[2]))));
            radius = w[2];
        }
        if (!(radius < 1))
            e->stable = 0;
        w[4] = u[0];
        w[5] = s0[i] - u[0];
        w[6] = -u[1];
        w[7] = -u[2];
    }
    e->w[W * e->n] = mu;
    return OD_OK;
}

static int init_sgd(nqm_exact *e, const double *h, const double *c, double lr, double pw,
                    double B, const double *s0)
{
    /* one block, each array on its own 64-byte line and offset by 576 bytes from the
     * previous modulo 4 KiB, so the streams of the hot loop do not alias in the cache */
    size_t stride = (e->n * sizeof(double) + 63) / 64 * 64 + 576;
    char *block = aligned_alloc(64, 4 * stride);
    if (!block)
        return OD_ENOMEM;
    e->logr = (double *)block;
    e->ss = (double *)(block + stride);
    e->dd = (double *)(block + 2 * stride);
    e->gr = (double *)(block + 3 * stride);
    memset(e->gr, 0, e->n * sizeof *e->gr);
    for (size_t i = 0; i < e->n; i++) {
        double hp = pw == 0 ? h[i] : pow(h[i], 1 - pw);
        double cp = pw == 0 ? c[i] : c[i] * pow(h[i], -2 * pw);
        double a = lr * hp, r = (1 - a) * (1 - a), noise = isinf(B) ? 0.0 : lr * lr * cp / B;
        if (r >= 1.0)
            e->stable = 0;
        e->logr[i] = log(r);
        if (r == 1.0) {               /* s(k) = s0 + k * noise: no stationary point */
            e->unit = 1;
            e->gr[i] = noise;
        }
        e->ss[i] = r == 1.0 ? 0.0 : noise / (1 - r);          /* s* = lr c/(B h (2 - a)) */
        e->dd[i] = s0[i] - e->ss[i];
    }
    return OD_OK;
}

/* Coefficients of E[xbar_k^2] (see the header comment). With s = lr^2 sigma^2, S = s/(1-l1)
 * the stationary E x^2 and D1 = s0 - S:  E[x xbar]_k = A2 + B2 l1^k + C2 l2^k with
 * A2 = (1-g) S / (1-l2), B2 = (1-g) l1 D1 / (l1-l2), C2 = s0 - A2 - B2; then with
 * b = 2 g (1-g)(1-a): A = (b A2 + (1-g)^2 S) / (1-l3), B = (b B2 + (1-g)^2 l1 D1) / (l1-l3),
 * C = b C2 / (l2-l3), E = s0 - A - B - C. Where two eigenvalues (nearly) coincide, g is moved by
 * 2e-6 in that coordinate (an error of order 1e-6 in that coordinate's loss). */
static void init_ema(nqm_exact *e, const double *h, const double *c, double lr, double pw,
                     double g, double B, const double *s0)
{
    for (size_t i = 0; i < e->n; i++) {
        double *w = e->w + W * i, hp = pow(h[i], 1 - pw), cp = c[i] * pow(h[i], -2 * pw);
        double a = lr * hp, q = 1 - a, gi = g;
        if (!(fabs(q) < 1))
            e->stable = 0;
        while (fabs(q - gi) < 1e-6 || fabs(q + gi) < 1e-6 || fabs(q) < 1e-6 || gi < 1e-6)
            gi += 2e-6;
        double l1 = q * q, l2 = gi * q, l3 = gi * gi, s = isinf(B) ? 0.0 : lr * lr * cp / B;
        double ss = s / (1 - l1), D1 = s0[i] - ss, b = 2 * gi * (1 - gi) * q, m = 1 - gi;
        double A2 = m * ss / (1 - l2), B2 = m * l1 * D1 / (l1 - l2), C2 = s0[i] - A2 - B2;
        w[0] = (b * A2 + m * m * ss) / (1 - l3);
        w[1] = (b * B2 + m * m * l1 * D1) / (l1 - l3);
        w[2] = b * C2 / (l2 - l3);
        w[3] = s0[i] - w[0] - w[1] - w[2];
        w[4] = l1;
        w[5] = l2;
        w[6] = l3;
    }
}

int nqm_exact_supports(const problem_type *pt, const opt_type *type, const opt_params *p)
{
    return pt->diag_facts && (type->quadratic == OPT_QUAD_PRECOND ||
                              (type->quadratic == OPT_QUAD_HEAVY_BALL && !(p->ema > 0)));
}

int nqm_exact_init(nqm_exact *e, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, const double *s0)
{
    const double *h, *c;
    memset(e, 0, sizeof *e);
    if (!nqm_exact_supports(pb->type, type, p))
        return OD_ENOTSUP;
    pb->type->diag_facts(pb, &h, &c);
    int momentum = type->quadratic == OPT_QUAD_HEAVY_BALL;
    double mu = param_get(type->params, p, "momentum", 0.0);
    double pw = param_get(type->params, p, "precond_power", 0.0);
    e->n = pb->n;
    e->momentum = momentum;
    e->stable = 1;
    e->h = h;
    e->ema = p->ema > 0;
    if ((momentum || e->ema) && !(e->w = malloc((W * pb->n + 1) * sizeof *e->w)))
        return OD_ENOMEM;
    if (momentum)
        init_momentum(e, h, c, p->lr, mu, B, s0);
    else if (e->ema)
        init_ema(e, h, c, p->lr, pw, p->ema, B, s0);
    else if (init_sgd(e, h, c, p->lr, pw, B, s0) != OD_OK) {
        nqm_exact_free(e);
        return OD_ENOMEM;
    }
    double l0 = 0.0;
    for (size_t i = 0; i < pb->n; i++)
        l0 += h[i] * s0[i];
    e->loss0 = 0.5 * l0;
    return OD_OK;
}

void nqm_exact_free(nqm_exact *e)
{
    free(e->w);
    free(e->logr);                 /* the block holding ss, dd and gr too */
    e->w = e->logr = e->ss = e->dd = e->gr = NULL;
}

/* r^k and r^(k-1) for integer k >= 1 with one pow (0^0 = 1). */
static void powers(double r, double k, double *pk, double *pk1)
{
    if (r == 0.0) {
        *pk = 0.0;
        *pk1 = k == 1 ? 1.0 : 0.0;
        return;
    }
    *pk1 = pow(r, k - 1);
    *pk = *pk1 * r;
}

/* U_k and U_{k-1} of one coordinate, integer k >= 1. */
static void U2(const double *w, double k, double *uk, double *uk1)
{
    if ((int)w[1] == ROOTS_COMPLEX) {      /* rho^(k-1) sin(k th) / sin th */
        double s, c, rk1 = exp((k - 1) * log(w[2])), st = sin(w[3]), ct = cos(w[3]);
        sincos(k * w[3], &s, &c);
        *uk = rk1 * s / st;
        *uk1 = k == 1 ? 0.0 : rk1 / w[2] * (s * ct - c * st) / st;
        return;
    }
    double p1, p11, p2, p21;
    powers(w[2], k, &p1, &p11);
    if ((int)w[1] == ROOTS_DOUBLE || w[2] == w[3]) {    /* k r^(k-1) */
        *uk = k * p11;
        *uk1 = k == 1 ? 0.0 : (k - 1) * pow(w[2], k - 2);
        return;
    }
    powers(w[3], k, &p2, &p21);
    *uk = (p1 - p2) / (w[2] - w[3]);
    *uk1 = (p11 - p21) / (w[2] - w[3]);
}

double nqm_exact_loss(const nqm_exact *e, double k)
{
    if (k <= 0)
        return e->loss0;
    double s = 0.0;
    if (e->momentum) {
        double mu = mu_of(e);
        for (size_t i = 0; i < e->n; i++) {
            const double *w = e->w + W * i;
            double uk, uk1;
            U2(w, k, &uk, &uk1);
            double p = (1 - w[0]) * uk - mu * uk1, q = -mu * uk;
            s += e->h[i] * (w[4] + p * p * w[5] + 2 * p * q * w[6] + q * q * w[7]);
        }
    } else if (e->ema) {
        for (size_t i = 0; i < e->n; i++) {
            const double *w = e->w + W * i;
            s += e->h[i] * (w[0] + w[1] * pow(w[4], k) + w[2] * pow(w[5], k) + w[3] * pow(w[6], k));
        }
    } else if (!e->unit) {            /* the hot loop: vectorized, exp from libmvec */
        const double *h = e->h, *lr = e->logr, *ss = e->ss, *dd = e->dd;
        for (size_t i = 0; i < e->n; i++)
            s += h[i] * (ss[i] + exp(k * lr[i]) * dd[i]);
    } else {                          /* some r_i == 1: their variance grows linearly */
        const double *h = e->h, *lr = e->logr, *ss = e->ss, *dd = e->dd, *gr = e->gr;
        for (size_t i = 0; i < e->n; i++)
            s += h[i] * (ss[i] + exp(k * lr[i]) * dd[i] + k * gr[i]);
    }
    return 0.5 * s;
}

/* Smallest k in [0, max] with pred(L(k)) true, by doubling then bisection; -1 if none found. */
static long first_step(const nqm_exact *e, int below, double level, long max, double *frac)
{
    double lk = nqm_exact_loss(e, 0), lprev = lk;
#define HIT(L) (below ? (L) < level : !((L) <= level))
    if (HIT(lk)) {
        *frac = 0.0;
        return 0;
    }
    long lo = 0, hi = 1;
    while (!HIT(lk = nqm_exact_loss(e, (double)hi))) {
        if (hi == max) {
            *frac = INFINITY;
            return -1;
        }
        lo = hi;
        lprev = lk;
        hi = hi > max / 2 ? max : 2 * hi;
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        double lm = nqm_exact_loss(e, (double)mid);
        if (HIT(lm)) {
            hi = mid;
            lk = lm;
        } else {
            lo = mid;
            lprev = lm;
        }
    }
#undef HIT
    /* crossing of log L between lo and hi = lo + 1 */
    double t = (log(lprev) - log(level)) / (log(lprev) - log(lk));
    *frac = (double)lo + (isfinite(t) && t >= 0 && t <= 1 ? t : 1.0);
    return hi;
}

long nqm_exact_steps(const nqm_exact *e, double target, long max_steps, double *frac)
{
    return first_step(e, 1, target, max_steps, frac);
}

long nqm_exact_diverged_at(const nqm_exact *e, double factor, long max_steps)
{
    double frac;
    if (e->stable)
        return -1;
    return first_step(e, 0, factor * fabs(e->loss0), max_steps, &frac);
}
