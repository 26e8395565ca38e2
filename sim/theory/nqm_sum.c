/* sim/theory/nqm_sum.c — the hot sums of exact SGD over coordinates (nqm_exact.h), vectorized
 * (vector exp/expm1 from libmvec via sim/core/vecmath.h, reassociated sums; see the Makefile).
 * Every summand is a sum of non-negative terms: no cancellation for the reordering to amplify. */
#include "nqm_exact.h"
#include "../core/vecmath.h"

/* exp(max(x, lo)) with lo = -708: e^-708 = 3e-308 stands for anything smaller (it multiplies
 * h (s0 - s*), so the summand moves by less than 1e-307), and libmvec's exp never hands an
 * underflowing lane to its slow scalar path (profiled: 10 % of the exact Zhang sweep). expm1 below
 * -40 is -1 in double, so its argument is clamped there (the same bits). lo comes from e at run
 * time: with a constant, GCC rewrites exp(max(x, c)) as a branch and the clamp is gone. The
 * compare keeps a NaN argument NaN. */
static inline double floor_at(double x, double lo) { return x < lo ? lo : x; }

double nqm_exact_sgd_sum(const nqm_exact *e, double k)
{
    const double *lr = e->logr, *hs0 = e->hs0, *hss = e->hss, *hd = e->hd;
    const double lo0 = e->lo[0], lo1 = e->lo[1];
    double s = 0.0;
    for (size_t i = 0; i < e->na; i++)        /* s* + r^k (s0 - s*), s0 >= s* */
        s += hss[i] + exp(floor_at(k * lr[i], lo0)) * hd[i];
    for (size_t i = e->na; i < e->n; i++)     /* s0 + (1 - r^k)(s* - s0), s0 < s* */
        s += hs0[i] + expm1(floor_at(k * lr[i], lo1)) * hd[i];
    if (e->unit)                              /* r_i == 1: the variance grows linearly */
        for (size_t i = 0; i < e->n; i++)
            s += k * e->gr[i];
    return s;
}

double nqm_exact_sgd_bound(const nqm_exact *e, double k1, double k2)
{
    const double *lr = e->logr, *hs0 = e->hs0, *hss = e->hss, *hd = e->hd;
    const double lo0 = e->lo[0], lo1 = e->lo[1];
    double s = 0.0;
    for (size_t i = 0; i < e->na; i++)        /* s0 >= s*: non-increasing, the value at k2 */
        s += hss[i] + exp(floor_at(k2 * lr[i], lo0)) * hd[i];
    for (size_t i = e->na; i < e->n; i++)
        s += hs0[i] * exp(floor_at(fmin(k1 * lr[i], k2 * lr[i]), lo0)) -
             hss[i] * expm1(floor_at(k1 * lr[i], lo1));
    if (e->unit)
        for (size_t i = 0; i < e->n; i++)
            s += k1 * e->gr[i];
    return s;
}
