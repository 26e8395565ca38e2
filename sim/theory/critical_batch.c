/* sim/theory/critical_batch.c — critical and examples-optimal batch sizes from a grid of steps to
 * target: the overhead r(B) = B S(B) / (B_0 S(B_0)) is interpolated linearly in log B, log r. */
#include "critical_batch.h"

#include <math.h>

static int reached(double s)
{
    return isfinite(s) && s >= 0.0;
}

void critical_batch_find(size_t n, const double *B, const double *S, critical_batch *out)
{
    *out = (critical_batch){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0 };
    size_t first = n, last = n, best = n;
    for (size_t i = 0; i < n; i++)
        if (reached(S[i])) {
            out->points++;
            first = first == n ? i : first;
            last = i;
            if (best == n || B[i] * S[i] < B[best] * S[best])
                best = i;
        }
    if (first == n)
        return;
    out->reference = B[first];
    out->B_opt = B[best];
    out->B_opt_lo = best > 0 ? B[best - 1] : B[best];
    out->B_opt_hi = best + 1 < n ? B[best + 1] : B[best];
    double E0 = B[first] * S[first], lt = log(CRITICAL_BATCH_OVERHEAD);
    size_t prev = first;
    for (size_t i = first + 1; i < n; i++) {
        if (!reached(S[i])) {       /* never reaches the target: over by any factor; the */
            out->B_crit_lo = B[prev];   /* crossing is inside the bracket, not interpolable */
            out->B_crit_hi = B[i];
            return;
        }
        double r0 = log(B[prev] * S[prev] / E0), r1 = log(B[i] * S[i] / E0);
        if (r1 > lt) {
            double u = (lt - r0) / (r1 - r0);
            out->B_crit_lo = B[prev];
            out->B_crit_hi = B[i];
            out->B_crit = exp(log(B[prev]) + u * (log(B[i]) - log(B[prev])));
            return;
        }
        prev = i;
    }
    out->B_crit_lo = B[last];
    out->B_crit_hi = INFINITY;
}
