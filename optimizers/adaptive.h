/* optimizers/adaptive.h — the start of the parameter blocks of the rules that divide by a root
 * of a second moment plus eps (rmsprop, adam), through which their shared sign limit reads eps. */
#ifndef OPTDYN_ADAPTIVE_H
#define OPTDYN_ADAPTIVE_H

#include "opt.h"

#define OPT_ADAPTIVE_HEAD struct { \
        OPT_PARAMS_HEAD; \
        double eps;   /* offset added to the root of the second moment */ \
    }
typedef struct adaptive_params {
    OPT_ADAPTIVE_HEAD;
} adaptive_params;
#define OPT_ADAPTIVE_FIT(T) \
    OPT_PARAMS_FIT(T); \
    _Static_assert(offsetof(T, eps) == offsetof(adaptive_params, eps), #T " does not start as adaptive_params")

#define OPT_PARAM_EPS(T, def) \
    { "eps", PARAM_REAL, offsetof(T, eps), def, 0, 1e300, 0, NULL, \
      "offset added to the root of the second moment (eps = 0 allowed: 0/0 counts as 0)" }

/* num/den for these rules' ratios (num over a root of a second moment + eps): a zero numerator
 * gives itself, so with eps = 0 a zero gradient (0/0) is a zero update instead of NaN. For
 * den != 0 this is exactly num/den (0/den is a zero of num's sign), so results are unchanged. */
static inline double adaptive_ratio(double num, double den)
{
    return num == 0.0 ? num : num / den;
}

/* Adam's update of n coordinates at step t (bias-corrected, docs/theory.md "Update rules"): dx holds the
 * gradient g on entry and lr * (-mh / (sqrt(vh) + eps)) on return; m, v are updated in place.
 * Shared by adam and by rules that use Adam on some blocks (muon's fallback). */
void adam_moments_step(double b1, double b2, double eps, double lr, long t, double *m, double *v,
                       double *dx, size_t n);
/* The same in two parts: the constants of step t, k = [b1, b2, eps, lr, 1 - b1^t, 1 - b2^t], and
 * the update of n coordinates with them (the element-wise slice of adam and adamw). */
enum { ADAM_CONSTS = 6 };
void adam_moments_consts(double b1, double b2, double eps, double lr, long t, double *k);
void adam_moments_apply(const double *k, double *m, double *v, double *dx, size_t n);

#endif
