/* sim/theory/nqm_sum.c — the hot sums of exact SGD over coordinates (nqm_exact.h), vectorized
 * (vector exp/expm1 from libmvec via sim/core/vecmath.h, reassociated sums; see the Makefile).
 * Every summand is a sum of non-negative terms: no cancellation for the reordering to amplify. */
#include "nqm_exact.h"
#include "../core/vecmath.h"

double nqm_exact_sgd_sum(const nqm_exact *e, double k)
{
    const double *lr = e->logr, *hs0 = e->hs0, *hss = e->hss, *hd = e->hd;
    double s = 0.0;
    for (size_t i = 0; i < e->na; i++)        /* s* + r^k (s0 - s*), s0 >= s* */
        s += hss[i] + exp(k * lr[i]) * hd[i];
    for (size_t i = e->na; i < e->n; i++)     /* s0 + (1 - r^k)(s* - s0), s0 < s* */
        s += hs0[i] + expm1(k * lr[i]) * hd[i];
    if (e->unit)                              /* r_i == 1: the variance grows linearly */
        for (size_t i = 0; i < e->n; i++)
            s += k * e->gr[i];
    return s;
}

double nqm_exact_sgd_bound(const nqm_exact *e, double k1, double k2)
{
    const double *lr = e->logr, *hs0 = e->hs0, *hss = e->hss, *hd = e->hd;
    double s = 0.0;
    for (size_t i = 0; i < e->na; i++)        /* s0 >= s*: non-increasing, the value at k2 */
        s += hss[i] + exp(k2 * lr[i]) * hd[i];
    for (size_t i = e->na; i < e->n; i++)
        s += hs0[i] * exp(fmin(k1 * lr[i], k2 * lr[i])) - hss[i] * expm1(k1 * lr[i]);
    if (e->unit)
        for (size_t i = 0; i < e->n; i++)
            s += k1 * e->gr[i];
    return s;
}
