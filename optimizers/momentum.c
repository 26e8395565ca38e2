/* optimizers/momentum.c — heavy-ball momentum in the torch/NQM form (effective lr = lr/(1-mu)).
 *   v <- mu*v + g;  x <- x - lr*v          state: st = [v(n)], v(0) = 0
 * Limit with mu fixed (t = k*lr): the rescaled gradient flow dx/dt = -g/(1-mu), error O(lr). */
#include "opt.h"

static int momentum_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                         const problem *pb, const batch *b, double *dx)
{
    (void)t;
    double *v = st;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++) {
        v[i] = p->mu * v[i] + dx[i];
        dx[i] = -p->lr * v[i];
    }
    return status;
}

static int rescaled_rhs(const double *y, double *dydt, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)work;
    int status = pb->type->grad(pb, y, NULL, dydt);
    for (size_t i = 0; i < n; i++)
        dydt[i] = -dydt[i] / (1.0 - p->mu);
    return status;
}

static const opt_flow momentum_rescaled_flow = {
    "rescaled", "dx/dt = -g(x)/(1-mu)", "t = k*lr", opt_time_lr, opt_flow_dim_n,
    opt_flow_start_x, rescaled_rhs,
};
static const opt_flow *const momentum_flows[] = { &momentum_rescaled_flow, NULL };

static const param_spec momentum_params[] = {
    OPT_PARAM_LR, OPT_PARAM_MOMENTUM("0.9"), OPT_PARAM_EMA, OPT_PARAM_END,
};

const opt_type opt_momentum = {
    .name = "momentum",
    .summary = "heavy-ball momentum (torch form)",
    .rule = "v <- mu*v + g; x <- x - lr*v",
    .params = momentum_params,
    .state_size = opt_state_n,
    .step = momentum_step,
    .flows = momentum_flows,
};
