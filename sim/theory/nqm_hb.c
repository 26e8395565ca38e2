/* sim/theory/nqm_hb.c — exact heavy ball summed over coordinates (nqm_hb.h): the root data of
 * hb_coord.c regrouped once per (lr, mu, h) by root kind, then per step k one branch-free
 * vectorized pass per group (libmvec exp/expm1 via sim/core/vecmath.h, inline sin/cos of 2 pi t
 * (sim/core/sincospi.h), `omp simd` sums:
 * fixed order within a build). Complex roots share rho^k = mu^(k/2): one exp per step, and the
 * phase k tau is reduced exactly in double (tau split so that k tau1 is exact). Coordinates
 * with a double or zero root keep the scalar path, as does every k >= 2^31. */
#include "nqm_hb.h"
#include "../core/status.h"
#include "../core/sincospi.h"
#include "../core/vecmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double KMAX = 2147483648.0;      /* 2^31: 2 k tau1 < 2^53 keeps k tau1 exact */

/* x rounded to an integer, |x| < 2^51, without a library call (vectorizes). */
static inline double rnd(double x) { return (x + 0x1.8p52) - 0x1.8p52; }

static inline double noise_of(double G, double a, double mu, double p, double q)
{
    return G == 0 ? 0.0 : G * ((1 + mu) * (1 - p * p) + 2 * a * p * q - 2 * a * q * q);
}

/* ---- building the groups ---- */

enum { NC = 9, NR = 12 };    /* arrays per complex group, per real group */

static size_t padded(size_t n) { return (n * sizeof(double) + 63) / 64 * 64; }

static double *take(char **at, size_t n)
{
    double *p = (double *)*at;
    *at += padded(n);
    return p;
}

static void carve_common(nqm_hb_group *c, char **at)
{
    c->h = take(at, c->n), c->s0 = take(at, c->n), c->G = take(at, c->n), c->a = take(at, c->n);
}

static void put_common(nqm_hb_group *c, size_t j, const hb_coord *w, double h)
{
    c->h[j] = h, c->s0[j] = w->s0, c->G[j] = w->G, c->a[j] = w->a;
}

/* 0 complex, 1 real positive, 2 real negative, 3 other (scalar). */
static int kind_of(const hb_coord *w)
{
    if (w->cplx)
        return 0;
    const powdd_pair *r = &w->r;
    if (!(isfinite(r->x.lg) && isfinite(r->y.lg) && r->lt < 0 && isfinite(r->lt) && r->den > 0) ||
        r->mixed || r->x.v == 0 || r->y.v == 0)
        return 3;
    return r->x.v > 0 ? 1 : 2;
}

int nqm_hb_init(nqm_hb *g, const hb_coord *w, const double *h, size_t n, double mu)
{
    memset(g, 0, sizeof *g);
    g->mu = mu;
    g->lrho = 0.5 * log(mu);
    g->lo[0] = -708.0;                /* exp_clamped */
    g->lo[1] = -40.0;                 /* expm1(x) = -1 below */
    g->w = w;
    g->h = h;
    nqm_hb_group *grp[3] = { &g->cplx, &g->pos, &g->neg };
    for (size_t i = 0; i < n; i++) {
        int kd = kind_of(w + i);
        if (kd < 3)
            grp[kd]->n++;
        else
            g->nother++;
    }
    size_t bytes = NC * padded(g->cplx.n) + NR * (padded(g->pos.n) + padded(g->neg.n)) +
                   (g->nother + 1) * sizeof(size_t);
    char *at = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!at)
        return OD_ENOMEM;
    g->block = at;
    nqm_hb_group *c = &g->cplx;
    carve_common(c, &at);
    c->tau1 = take(&at, c->n), c->tau2 = take(&at, c->n), c->c1S = take(&at, c->n);
    c->qS = take(&at, c->n), c->psi = take(&at, c->n);
    for (int j = 1; j < 3; j++) {
        nqm_hb_group *r = grp[j];
        carve_common(r, &at);
        r->xv = take(&at, r->n), r->xlg = take(&at, r->n), r->ylg = take(&at, r->n);
        r->lt = take(&at, r->n), r->den = take(&at, r->n), r->om2 = take(&at, r->n);
        r->rden = take(&at, r->n), r->pmono = take(&at, r->n);
    }
    g->other = (size_t *)at;
    size_t fill[3] = { 0, 0, 0 }, back = g->pos.n, no = 0;
    for (size_t i = 0; i < n; i++) {
        const hb_coord *wi = w + i;
        int kd = kind_of(wi);
        if (kd == 3) {
            g->other[no++] = i;
            continue;
        }
        nqm_hb_group *t = grp[kd];
        size_t j = kd == 1 && !wi->mono ? --back : fill[kd]++;    /* pos: mono ones first */
        put_common(t, j, wi, h[i]);
        if (kd == 0) {
            double t1 = (double)(nearbyintl(ldexpl(wi->tau, 21)) / 2097152.0L);   /* 21 bits */
            t->tau1[j] = t1;
            t->tau2[j] = (double)(wi->tau - t1);
            t->c1S[j] = wi->c1 / wi->S;
            t->qS[j] = -2 * mu / wi->S;
            t->psi[j] = wi->psi;
        } else {
            const powdd_pair *r = &wi->r;
            t->xv[j] = r->x.v, t->xlg[j] = r->x.lg, t->ylg[j] = r->y.lg;
            t->lt[j] = r->lt, t->den[j] = r->den, t->om2[j] = wi->om2;
            t->rden[j] = 1 / r->den;
            t->pmono[j] = kd == 1 && wi->om2 >= 0 ? 1.0 : 0.0;
        }
    }
    g->pos.nmono = fill[1];
    return OD_OK;
}

double nqm_hb_bytes_max(size_t n)
{
    double each = (double)NR * sizeof(double) + sizeof(size_t);   /* a real group's, or an index */
    return (double)n * each + (double)(NC + 2 * NR) * 64 + 2 * sizeof(size_t) + 64;
}

void nqm_hb_free(nqm_hb *g)
{
    free(g->block);
    memset(g, 0, sizeof *g);
}

/* ---- one coordinate of a group at step k (inlined into the vector loops) ---- */

typedef struct pq { double p, q; } pq;

static inline double fmax_(double x, double y) { return x > y ? x : y; }

/* exp(max(x, -708)): e^-708 = 3e-308 stands for anything smaller (what it multiplies only
 * enters E x^2 squared or times another such factor, far below the smallest double), so that
 * libmvec's exp never takes its slow scalar path on underflow; expm1 below -40 is -1 in double,
 * so its argument is clamped there. The bounds come from nqm_hb at run time: with constants, GCC
 * rewrites exp(max(x, c)) as x > c ? exp(x) : exp(c) and the clamp is gone. */
static inline double exp_clamped(double x, double lo) { return exp(fmax_(x, lo)); }

/* complex: rk = rho^k (0 once below 1e-307, as hb_coord.c), phase k (tau1 + tau2) turns */
static inline pq cplx_pq(double k, double rk, double tau1, double tau2, double c1S, double qS)
{
    double t = k * tau1;
    t -= rnd(t);                           /* exact */
    t += k * tau2;
    t -= rnd(t);
    double s, co;
    sincos_turns(t, &s, &co);
    return (pq){ rk * (co + c1S * s), rk * qS * s };
}

/* real roots of one sign: sg = sign of r1^(k-1) (and of r2^(k+1)) */
static inline pq real_pq(double k, double mu, double sg, double xv, double xlg, double ylg,
                         double lt, double den, double rden, double om2, const double lo[2])
{
    double xk1 = sg * exp_clamped((k - 1) * xlg, lo[0]);
    double em = expm1(fmax_(k * lt, lo[1])), em1 = (1 - den) * em - den;
    double rk = -em * rden, rk1 = -em1 * rden;
    return (pq){ om2 * (xk1 * xv * rk1) + sg * exp_clamped((k + 1) * ylg, lo[0]), -mu * xk1 * rk };
}

/* min(x^2, y^2) without a call (fmin has no vector variant) */
static inline double min_sq(double x, double y) { return x * x < y * y ? x * x : y * y; }

static double rho_k(const nqm_hb *g, double k) { return k * g->lrho < -708 ? 0.0 : exp(k * g->lrho); }

static double sign_k(double k) { return fmod(k - 1, 2.0) != 0.0 ? -1.0 : 1.0; }

/* The arrays of a group as restrict pointers, for the vector loops. */
#define GROUP_COMMON(g)                                                                        \
    const size_t n = (g)->n;                                                                   \
    const double *restrict h = (g)->h, *restrict s0 = (g)->s0, *restrict G = (g)->G,         \
                 *restrict a = (g)->a
#define GROUP_CPLX(g)                                                                          \
    GROUP_COMMON(g);                                                                           \
    const double *restrict tau1 = (g)->tau1, *restrict tau2 = (g)->tau2,                     \
                 *restrict c1S = (g)->c1S, *restrict qS = (g)->qS
#define GROUP_REAL(g)                                                                          \
    GROUP_COMMON(g);                                                                           \
    const double *restrict xv = (g)->xv, *restrict xlg = (g)->xlg, *restrict ylg = (g)->ylg,  \
                 *restrict lt = (g)->lt, *restrict den = (g)->den, *restrict rden = (g)->rden,    \
                 *restrict om2 = (g)->om2
#define CPLX_AT(k, rk) cplx_pq(k, rk, tau1[i], tau2[i], c1S[i], qS[i])
#define REAL_AT(k, sg) real_pq(k, mu, sg, xv[i], xlg[i], ylg[i], lt[i], den[i], rden[i], om2[i], lo)

/* s += sum over i in [from, to) of h_i E[x_i^2], V the (p, q) of coordinate i */
#define MOMENT_SUM(s, from, to, V)                                                             \
    _Pragma("omp simd reduction(+ : s)") for (size_t i = (from); i < (to); i++)              \
    {                                                                                          \
        pq v = V;                                                                              \
        s += h[i] * (s0[i] * v.p * v.p + noise_of(G[i], a[i], mu, v.p, v.q));                 \
    }

/* ---- sums ---- */

static double cplx_sum(const nqm_hb_group *c, double mu, double k, double rk)
{
    GROUP_CPLX(c);
    double s = 0.0;
    MOMENT_SUM(s, 0, n, CPLX_AT(k, rk));
    return s;
}

static double real_sum(const nqm_hb_group *r, double mu, double k, double sg, const double lo[2])
{
    GROUP_REAL(r);
    double s = 0.0;
    MOMENT_SUM(s, 0, n, REAL_AT(k, sg));
    return s;
}

/* Scalar (hb_coord.c): coordinates idx[0..n) (all of 0..n when idx is NULL). */
static double scalar_sum(const nqm_hb *g, const size_t *idx, size_t n, double k)
{
    double s = 0.0;
    for (size_t j = 0; j < n; j++) {
        size_t i = idx ? idx[j] : j;
        const hb_coord *w = g->w + i;
        double p, q;
        hb_pq(w, k, &p, &q);
        s += g->h[i] * (w->s0 * p * p + hb_noise(w, p, q));
    }
    return s;
}

static size_t count(const nqm_hb *g) { return g->cplx.n + g->pos.n + g->neg.n + g->nother; }

double nqm_hb_sum(const nqm_hb *g, double k)
{
    if (!(k < KMAX))
        return scalar_sum(g, NULL, count(g), k);
    double s = cplx_sum(&g->cplx, g->mu, k, rho_k(g, k));
    s += real_sum(&g->pos, g->mu, k, 1.0, g->lo);
    s += real_sum(&g->neg, g->mu, k, sign_k(k), g->lo);
    return s + scalar_sum(g, g->other, g->nother, k);
}

/* ---- lower bounds over [k1, k2] ---- */

static double cplx_bound(const nqm_hb_group *c, double mu, double k1, double k2, double r1, double r2)
{
    GROUP_CPLX(c);
    const double *restrict psi = c->psi;
    double s = 0.0, two_k1 = 2 * k1, dk = 2 * (k2 - k1);
    int ends = k1 == k2;
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++) {
        pq v1 = CPLX_AT(k1, r1), v2 = CPLX_AT(k2, r2);
        /* p = A rho^k sin(k theta + psi): log|p| concave between zeros, so the minimum is at an
         * end unless z = 2 k tau + psi/pi meets an integer in [k1, k2] (1e-9 margins) */
        double z = two_k1 * tau1[i];
        z -= rnd(z);
        z += two_k1 * tau2[i] + psi[i];
        z -= floor(z);
        double d = dk * (tau1[i] + tau2[i]);
        int zero = (ends == 0) & ((z <= 1e-9) | (z + d + 1e-9 >= 1));
        double m = zero ? 0.0 : min_sq(v1.p, v2.p);
        s += h[i] * (s0[i] * m + noise_of(G[i], a[i], mu, v1.p, v1.q));
    }
    return s;
}

static double real_bound(const nqm_hb_group *r, double mu, double k1, double k2, double sg1,
                         double sg2, const double lo[2])
{
    GROUP_REAL(r);
    const double *restrict pmono = r->pmono;
    const size_t nm = r->nmono;
    double s = 0.0;
    int ends = k1 == k2;
    MOMENT_SUM(s, 0, nm, REAL_AT(k2, sg2));     /* E x^2 non-increasing: the value at k2 */
#pragma omp simd reduction(+ : s)
    for (size_t i = nm; i < n; i++) {
        pq v1 = REAL_AT(k1, sg1), v2 = REAL_AT(k2, sg2);
        double m = (ends | (pmono[i] != 0)) ? min_sq(v1.p, v2.p) : 0.0;
        s += h[i] * (s0[i] * m + noise_of(G[i], a[i], mu, v1.p, v1.q));
    }
    return s;
}

static double scalar_bound(const nqm_hb *g, const size_t *idx, size_t n, double k1, double k2)
{
    double s = 0.0;
    for (size_t j = 0; j < n; j++) {
        size_t i = idx ? idx[j] : j;
        const hb_coord *w = g->w + i;
        double p1, q1, p2, q2;
        hb_pq(w, k1, &p1, &q1);
        hb_pq(w, k2, &p2, &q2);
        if (w->mono)                       /* the value at k2 is the minimum */
            s += g->h[i] * (w->s0 * p2 * p2 + hb_noise(w, p2, q2));
        else
            s += g->h[i] * (w->s0 * hb_min_c2(w, k1, k2, p1, p2) + hb_noise(w, p1, q1));
    }
    return s;
}

double nqm_hb_bound(const nqm_hb *g, double k1, double k2)
{
    if (!(k2 < KMAX) || !(k1 >= 1))
        return scalar_bound(g, NULL, count(g), k1, k2);
    double s = cplx_bound(&g->cplx, g->mu, k1, k2, rho_k(g, k1), rho_k(g, k2));
    s += real_bound(&g->pos, g->mu, k1, k2, 1.0, 1.0, g->lo);
    s += real_bound(&g->neg, g->mu, k1, k2, sign_k(k1), sign_k(k2), g->lo);
    return s + scalar_bound(g, g->other, g->nother, k1, k2);
}
