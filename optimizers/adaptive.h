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
      "offset added to the root of the second moment" }

#endif
