/* optimizers/sgd.c — plain (stochastic) gradient descent, the explicit Euler step of the
 * gradient flow.   x <- x - lr*g        state: none */
#include "opt.h"

static int sgd_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                    const problem *pb, const batch *b, double *dx)
{
    (void)st; (void)t;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++)
        dx[i] *= -p->lr;
    return status;
}

static const param_spec sgd_params[] = { OPT_PARAM_LR, OPT_PARAM_EMA, OPT_PARAM_END };

const opt_type opt_sgd = {
    .name = "sgd",
    .summary = "stochastic gradient descent",
    .rule = "x <- x - lr*g",
    .params = sgd_params,
    .state_size = opt_state_none,
    .step = sgd_step,
};
