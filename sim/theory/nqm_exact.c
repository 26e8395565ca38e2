/* sim/theory/nqm_exact.c — exact expected-loss dynamics on the NQM, per coordinate (a = lr*h,
 * sigma^2 = lr^2 c/B), all in the form E[x(k)^2] = s0 c(k)^2 + N(k) (docs/theory.md, "Exact NQM"):
 *  SGD (precond: h -> h^(1-p), c -> c h^(-2p)):  c^2 = r^k, r = (1-a)^2, N = s* (1 - r^k),
 *      s* = sigma^2/(a (2 - a));
 *  heavy ball, roots r1, r2 of z^2 - (1 + mu - a) z + mu, U_k = E_k(r1, r2) = (r1^k - r2^k)/(r1 - r2):
 *      c = p_k = (1 - r2) U_{k+1} + r2^(k+1), q_k = -mu U_k (first row of A^k),
 *      N = G [(1 + mu)(1 - p^2) + 2a p q - 2a q^2], G = sigma^2/((1 - mu) a (2 + 2mu - a));
 *  SGD with iterate averaging (g = ema, q = 1 - a):  c = g^k + (1-g) q E_k(q, g),
 *      N = sigma^2 (1-g)^2 [S1 (1 - q^2k) - 2 q^k E_k S2 - E_k^2 S3] (sums of E_j^2 in closed form).
 * E_k comes from powdd.c, stable at and near repeated roots; no eigenvalue is ever moved. */
#include "nqm_exact.h"
#include "crossing.h"
#include "nqm_hb.h"
#include "nqm_precond.h"
#include "thread_memo.h"
#include "powdd.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* EMA, one coordinate. */
typedef struct ema_coord {
    powdd_num q, g;
    powdd_pair qg, q2;            /* for E_k(q, g) and E_k(q^2, 1) */
    double s0, K, S1n, S2, S3;    /* K = sigma^2 (1-g)^2, S1n = (1 - q^2) S1 */
} ema_coord;

/* ---- EMA ---- */

static double init_ema_coord(ema_coord *w, double a, double g, double noise, double s0, int *stable)
{
    w->q = powdd_one_minus(a);
    w->g = powdd_from(g);
    powdd_num q2 = { w->q.v * w->q.v, 2 * w->q.lg }, one = { 1, 0 };
    double m = 1 - g, one_q2 = a * (2 - a), one_qg = m + g * a, one_g2 = m * (1 + g);
    w->qg = powdd_pair_of(w->q, w->g, (double)(fabsl(1.0L - a) - g));   /* |q| - g, no cancellation */
    w->q2 = powdd_pair_of(q2, one, -one_q2);                            /* q^2 - 1 */
    w->s0 = s0;
    if (!(fabs(w->q.v) < 1 && g < 1))
        *stable = 0;
    w->K = noise * m * m;
    w->S1n = noise == 0 ? 0.0 : (1 + g - g * a) / (one_qg * one_g2);     /* (1 - q^2) sum E_j^2 */
    w->S2 = noise == 0 ? 0.0 : g / (one_qg * one_g2);                   /* sum E_j g^j */
    w->S3 = noise == 0 ? 0.0 : g * g / one_g2;                          /* sum g^2j */
    return w->K * w->S1n / one_q2;                                      /* stationary E xbar^2 */
}

static void ema_moment(const ema_coord *w, double k, double *c, double *noise)
{
    if (k == 0) {
        *c = 1.0;
        *noise = 0.0;
        return;
    }
    double Ek = powdd_pair_dd(&w->qg, k);
    *c = powdd_pow(w->g, k) + (1 - w->g.v) * w->q.v * Ek;
    /* S1 (1 - q^2k) = S1n (1 - q^2k)/(1 - q^2): finite at |q| = 1 too */
    *noise = w->K == 0 ? 0.0
                       : w->K * (w->S1n * powdd_pair_dd(&w->q2, k) -
                                 2 * powdd_pow(w->q, k) * Ek * w->S2 - Ek * Ek * w->S3);
}

/* ---- what depends on lr and the curvatures only, kept per thread (thread_memo.h): a sweep
 * asks for it again at every batch size ---- */

/* log r_i = log (1 - lr hp_i)^2 */
static const double *sgd_logr(const double *hp, size_t n, double lr)
{
    static _Thread_local thread_memo memo;
    const memo_part key[2] = { { &lr, 1 }, { hp, n } };
    int hit;
    double *v = thread_memo_find(&memo, key, 2, n * sizeof *v, &hit);
    for (size_t i = 0; v && !hit && i < n; i++)
        v[i] = 2 * powdd_one_minus(lr * hp[i]).lg;
    return v;
}

/* the heavy ball's roots (hb_coord_roots) at a = lr h_i; a cell takes them out of the memo into
 * *b (no copy), sets their noise parts (hb_coord_noise: s0, G, mono, which the roots do not
 * determine) in place, and gives them back when freed (b NULL: found, not taken) */
static _Thread_local thread_memo roots_memo;

static hb_coord *hb_roots(const double *h, size_t n, double lr, double mu, memo_block *b)
{
    const memo_part key[3] = { { &lr, 1 }, { &mu, 1 }, { h, n } };
    int hit;
    hb_coord *w = b ? thread_memo_take(&roots_memo, key, 3, n * sizeof *w, &hit, b)
                    : thread_memo_find(&roots_memo, key, 3, n * sizeof *w, &hit);
    for (size_t i = 0; w && !hit && i < n; i++)
        hb_coord_roots(w + i, lr * h[i], mu);
    return w;
}

/* ---- SGD ---- */

/* s* = sigma^2/(a (2 - a)), the stationary E x^2 (0 for r == 1: it grows linearly) */
static double sgd_stationary_x2(double a, double noise, double lr2)
{
    return lr2 == 0 || noise == 0 ? 0.0 : noise / (a * (2 - a));
}

/* hp, cp: h and c, preconditioned (h^(1-p), c h^(-2p)) */
static int init_sgd(nqm_exact *e, const double *h, const double *hp, const double *cp, double lr,
                    double B, const double *s0)
{
    /* one block, each array on its own 64-byte line and offset by 576 bytes from the
     * previous modulo 4 KiB, so the streams of the hot loop do not alias in the cache */
    size_t stride = (e->n * sizeof(double) + 63) / 64 * 64 + 576;
    const double *logr = sgd_logr(hp, e->n, lr);
    char *block = logr ? aligned_alloc(64, 5 * stride) : NULL;
    if (!block)
        return OD_ENOMEM;
    double *arr[5];
    for (int j = 0; j < 5; j++)
        arr[j] = (double *)(block + j * stride);
    e->logr = arr[0], e->hs0 = arr[1], e->hss = arr[2], e->hd = arr[3], e->gr = arr[4];
    double stat = 0.0;
    size_t lo = 0, hi = e->n;                 /* s0 >= s* from the front, the others from the back */
    e->monotone = 1;
    for (size_t i = 0; i < e->n; i++) {
        double a = lr * hp[i], noise = isinf(B) ? 0.0 : lr * lr * cp[i] / B;
        double lr2 = logr[i];                            /* log (1-a)^2 */
        int unit = lr2 == 0;                             /* r == 1: s(k) = s0 + k noise */
        double ss = sgd_stationary_x2(a, noise, lr2);
        if (!(lr2 < 0))
            e->stable = 0;
        stat += h[i] * ss;
        size_t j = s0[i] >= ss ? lo++ : --hi;
        e->logr[j] = lr2;
        e->hs0[j] = h[i] * s0[i];
        e->hss[j] = h[i] * ss;
        e->hd[j] = h[i] * (s0[i] - ss);
        e->gr[j] = unit ? h[i] * noise : 0.0;
        e->unit |= unit && noise != 0;
        if (!(s0[i] >= ss && lr2 <= 0) || (unit && noise != 0))
            e->monotone = 0;
    }
    e->na = lo;
    e->lo[0] = -708.0;
    e->lo[1] = -40.0;
    e->stationary = e->stable ? 0.5 * stat : INFINITY;
    return OD_OK;
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
    double mu = param_get(type->params, p, "momentum", 0.0);
    double pw = param_get(type->params, p, "precond_power", 0.0);
    e->n = pb->n;
    e->mode = type->quadratic == OPT_QUAD_HEAVY_BALL ? NQM_HEAVY_BALL : p->ema > 0 ? NQM_EMA : NQM_SGD;
    e->stable = 1;
    e->h = h;
    double l0 = 0.0;
    for (size_t i = 0; i < pb->n; i++)
        l0 += h[i] * s0[i];
    e->loss0 = 0.5 * l0;
    int hb = e->mode == NQM_HEAVY_BALL;
    const double *hp = h, *cp = c;          /* heavy ball: no preconditioner */
    if (!hb && pw != 0 && nqm_precond_facts(h, c, pb->n, pw, &hp, &cp) != OD_OK)
        return OD_ENOMEM;
    if (e->mode == NQM_SGD) {
        if (init_sgd(e, h, hp, cp, p->lr, B, s0) != OD_OK) {
            nqm_exact_free(e);
            return OD_ENOMEM;
        }
        return OD_OK;
    }
    e->coord = hb ? (void *)hb_roots(h, pb->n, p->lr, mu, &e->roots)
                  : malloc(pb->n * sizeof(ema_coord));
    if (!e->coord)
        return OD_ENOMEM;
    double stat = 0.0;
    for (size_t i = 0; i < e->n; i++) {
        double noise = isinf(B) ? 0.0 : p->lr * p->lr * cp[i] / B;
        stat += h[i] * (hb ? hb_coord_noise((hb_coord *)e->coord + i, noise, s0[i], &e->stable)
                           : init_ema_coord((ema_coord *)e->coord + i, p->lr * hp[i], p->ema, noise, s0[i],
                                            &e->stable));
    }
    e->stationary = e->stable ? 0.5 * stat : INFINITY;
    if (hb && (!(e->hb = malloc(sizeof(nqm_hb))) || nqm_hb_init(e->hb, e->coord, h, e->n, mu) != OD_OK)) {
        nqm_exact_free(e);
        return OD_ENOMEM;
    }
    return OD_OK;
}

int nqm_exact_stationary_of(const problem *pb, const opt_type *type, const opt_params *p, double B,
                            const double *s0, double *value)
{
    (void)s0;                               /* the limit forgets the start */
    if (!nqm_exact_supports(pb->type, type, p))
        return OD_ENOTSUP;
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    double mu = param_get(type->params, p, "momentum", 0.0);
    double pw = param_get(type->params, p, "precond_power", 0.0), lr = p->lr;
    int hb = type->quadratic == OPT_QUAD_HEAVY_BALL, stable = 1;
    if (!hb && p->ema > 0)                  /* averaging: exact_stationary sets it all up */
        return OD_ENOTSUP;
    const double *hp = h, *cp = c;
    if (!hb && pw != 0 && nqm_precond_facts(h, c, pb->n, pw, &hp, &cp) != OD_OK)
        return OD_ENOMEM;
    const double *logr = hb ? NULL : sgd_logr(hp, pb->n, lr);
    const hb_coord *roots = hb ? hb_roots(h, pb->n, lr, mu, NULL) : NULL;
    if (!logr && !roots)
        return OD_ENOMEM;
    double stat = 0.0;                      /* in nqm_exact_init's order, the same bits */
    for (size_t i = 0; i < pb->n; i++) {
        double noise = isinf(B) ? 0.0 : lr * lr * cp[i] / B;
        if (hb) {
            stat += h[i] * hb_coord_stationary(roots + i, noise);
            stable &= !roots[i].unstable;
        } else {
            stat += h[i] * sgd_stationary_x2(lr * hp[i], noise, logr[i]);
            stable &= logr[i] < 0;
        }
    }
    *value = stable ? 0.5 * stat : INFINITY;
    return OD_OK;
}

double nqm_exact_thread_bytes(size_t n)
{
    const double d = sizeof(double), nd = (double)n;
    /* memos, key and value: log r (hp, log r), roots (h, hb_coord), precond ((h, c), (hp, cp)) */
    double memos = nd * ((2 * d) + (d + sizeof(hb_coord)) + (4 * d)) + 3 * 8 * d;
    double sgd = 5 * (nd * d + 64 + 576), ema = nd * sizeof(ema_coord);
    double hb = nd * sizeof(hb_coord) + nqm_hb_bytes_max(n) + sizeof(nqm_hb);
    return memos + fmax(sgd, fmax(ema, hb));
}

void nqm_exact_free(nqm_exact *e)
{
    if (e->hb)
        nqm_hb_free(e->hb);
    free(e->hb);
    if (e->roots.key)                       /* heavy ball: the roots go back to the memo */
        thread_memo_give(&roots_memo, &e->roots);
    else
        free(e->coord);
    free(e->logr);                 /* the block holding hs0, hss, hd and gr too */
    e->coord = e->hb = NULL;
    e->logr = e->hs0 = e->hss = e->hd = e->gr = NULL;
}

double nqm_exact_stationary(const nqm_exact *e) { return e->stationary; }

/* EMA: s0 c^2 + N of coordinate i at step k; *c gets c, *noise N. */
static double coord_moment(const nqm_exact *e, size_t i, double k, double *c, double *noise)
{
    const ema_coord *w = (const ema_coord *)e->coord + i;
    ema_moment(w, k, c, noise);
    return w->s0 * *c * *c + *noise;
}

double nqm_exact_loss(const nqm_exact *e, double k)
{
    if (k <= 0)
        return e->loss0;
    if (e->mode == NQM_SGD)
        return 0.5 * nqm_exact_sgd_sum(e, k);
    if (e->mode == NQM_HEAVY_BALL)
        return 0.5 * nqm_hb_sum(e->hb, k);
    double s = 0.0, c, noise;
    for (size_t i = 0; i < e->n; i++)
        s += e->h[i] * coord_moment(e, i, k, &c, &noise);
    return 0.5 * s;
}

/* A lower bound of E[L(x_k)] over the integer steps k1 <= k <= k2: per coordinate
 * s0 min c(k)^2 + N(k1), N being non-decreasing (docs/theory.md). */
static double lower_bound(const nqm_exact *e, double k1, double k2)
{
    if (e->mode == NQM_SGD)
        return 0.5 * nqm_exact_sgd_bound(e, k1, k2);
    if (e->mode == NQM_HEAVY_BALL)
        return 0.5 * nqm_hb_bound(e->hb, k1, k2);
    double s = 0.0;                        /* EMA: q >= 0: c_k > 0 decreasing (a mean of q^j) */
    for (size_t i = 0; i < e->n; i++) {
        double c1, c2, noise1, noise2;
        const ema_coord *w = (const ema_coord *)e->coord + i;
        coord_moment(e, i, k1, &c1, &noise1);
        ema_moment(w, k2, &c2, &noise2);
        double min2 = w->q.v >= 0 ? fmin(c1 * c1, c2 * c2) : 0.0;
        s += e->h[i] * (w->s0 * min2 + noise1);
    }
    return 0.5 * s;
}

/* Smallest k in [1, max] with L(k) <= level (below) or L(k) > level (!below) by doubling then
 * bisection: the first such k when the predicate, once true, stays true; -1 if not by max. */
static long bisect_first(const nqm_exact *e, int below, double level, long max)
{
#define HIT(k) ((nqm_exact_loss(e, (double)(k)) <= level) == below)
    long lo = 0, hi = 1;
    if (max < 1)
        return -1;
    while (!HIT(hi)) {
        if (hi == max)
            return -1;
        lo = hi;
        hi = hi > max / 2 ? max : 2 * hi;
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (HIT(mid))
            hi = mid;
        else
            lo = mid;
    }
#undef HIT
    return hi;
}

/* More than the relative error of E[L] as computed (tests/test_nqm_exact.c: 1.2e-13 at most). */
static const double ROUNDING = 1e-12;

/* Any order: depth-first over [1, max], left half first, dropping every interval whose lower
 * bound exceeds the level by more than the closed forms' rounding (ROUNDING relative). */
static long search_first(const nqm_exact *e, double level, long max)
{
    long stack[2 * 70][2];
    int top = 0;
    stack[top][0] = 1, stack[top][1] = max, top++;
    while (top > 0) {
        top--;
        long k1 = stack[top][0], k2 = stack[top][1];
        if (k2 - k1 < 4) {                 /* short: scan */
            for (long k = k1; k <= k2; k++)
                if (nqm_exact_loss(e, (double)k) <= level)
                    return k;
            continue;
        }
        if (lower_bound(e, (double)k1, (double)k2) > level * (1 + ROUNDING))
            continue;
        long mid = k1 + (k2 - k1) / 2;
        stack[top][0] = mid + 1, stack[top][1] = k2, top++;      /* right, visited second */
        stack[top][0] = k1, stack[top][1] = mid, top++;
    }
    return -1;
}

static double loss_at(const void *e, long k) { return nqm_exact_loss(e, (double)k); }

/* The crossing of log L between k - 1 and k (L(k-1) = lprev > target >= L(k) = lk). */
static double crossing_frac(long k, double lprev, double lk, double target)
{
    double t = (log(lprev) - log(target)) / (log(lprev) - log(lk));
    return (double)(k - 1) + (isfinite(t) && t >= 0 && t <= 1 ? t : 1.0);
}

/* The first k in [1, max] with L(k) <= target (L(0) = l0 > target), or -1; *lprev, *lk = L(k-1),
 * L(k). The bracket search (crossing.h) finds some crossing K (L(K) <= target < L(K-1)) when
 * L(max) <= target; it starts from the last crossing this thread found (a sweep's neighbouring
 * cells cross at similar steps), so K may depend on what the thread did before, the result may
 * not: it is the first crossing. Monotone: L(max) > target means none; and L(K-1) > target by more
 * than the rounding means no k < K crosses (every L(k) >= L(K-1) up to the rounding), so K is
 * the first. Otherwise (not monotone, or L(K-1) within the rounding of the target, where the
 * computed L need not be monotone) the branch and bound looks at [1, K-1] for an earlier one. */
static long first_crossing(const nqm_exact *e, double target, long max, double l0, double *lprev,
                           double *lk)
{
    static _Thread_local long last;
    if (max < 1)
        return -1;
    double lmax = nqm_exact_loss(e, (double)max);
    if (!(lmax <= target) && e->monotone)
        return -1;
    long K = lmax <= target ? crossing_bracket(loss_at, e, target, 0, l0, max, lmax, last, lprev, lk)
                            : -1;
    last = K > 0 ? K : last;
    if (e->monotone && *lprev > target * (1 + ROUNDING))
        return K;
    long k = search_first(e, target, K > 0 ? K - 1 : max);
    if (k < 0)
        return K;
    *lprev = nqm_exact_loss(e, (double)(k - 1)), *lk = nqm_exact_loss(e, (double)k);
    return k;
}

long nqm_exact_steps(const nqm_exact *e, double target, long max_steps, double *frac)
{
    double l0 = nqm_exact_loss(e, 0);
    if (l0 <= target) {
        *frac = 0.0;
        return 0;
    }
    double lprev, lk;
    long k = first_crossing(e, target, max_steps, l0, &lprev, &lk);
    *frac = k < 0 ? INFINITY : crossing_frac(k, lprev, lk, target);
    return k;
}

long nqm_exact_diverged_at(const nqm_exact *e, double factor, long max_steps)
{
    double level = factor * fabs(e->loss0);
    if (e->stable)
        return -1;
    return !(nqm_exact_loss(e, 0) <= level) ? 0 : bisect_first(e, 0, level, max_steps);
}
