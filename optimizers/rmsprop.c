/* optimizers/rmsprop.c — RMSprop (torch defaults: alpha = 0.99, eps = 1e-8, s(0) = 0).
 *   s <- a*s + (1-a)*g^2;  x <- x - lr*g/(sqrt(s)+eps)       state: st = [s(n)] */
#include <math.h>

#include "opt.h"

static int rmsprop_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                        const problem *pb, const batch *b, double *dx)
{
    (void)t;
    double *s = st;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++) {
        double g = dx[i];
        s[i] = p->alpha * s[i] + (1.0 - p->alpha) * g * g;
        dx[i] = -p->lr * g / (sqrt(s[i]) + p->eps);
    }
    return status;
}

static const param_spec rmsprop_params[] = {
    OPT_PARAM_LR,
    { "alpha", PARAM_REAL, offsetof(opt_params, alpha), "0.99", 0, 1, PARAM_HI_OPEN, NULL,
      "decay a of the squared-gradient average" },
    OPT_PARAM_EPS("1e-8"),
    OPT_PARAM_EMA, OPT_PARAM_END,
};

const opt_type opt_rmsprop = {
    .name = "rmsprop",
    .summary = "RMSprop (no momentum, not centred)",
    .rule = "s <- a*s + (1-a)*g^2; x <- x - lr*g/(sqrt(s)+eps)",
    .params = rmsprop_params,
    .state_size = opt_state_n,
    .step = rmsprop_step,
};
