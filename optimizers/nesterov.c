/* optimizers/nesterov.c — Nesterov momentum with the gradient taken at the look-ahead point.
 *   y = x - lr*mu*v;  v <- mu*v + g(y);  x <- x - lr*v       state: st = [v(n) | y(n)]
 * (y is scratch, kept in the state so the step never allocates.) Equivalence with torch's
 * form v <- mu*v + g(p); p <- p - lr*(g(p) + mu*v): torch's iterate p is this rule's look-ahead
 * point y, so both produce the same sequence of gradients and of look-ahead points. */
#include "heavy_ball.h"

static int nesterov_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                         const problem *pb, const batch *b, double *dx)
{
    const heavy_ball_params *p = OPT_OWN(heavy_ball_params, pp);
    (void)t;
    double *v = st, *y = st + n;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] - p->lr * p->mu * v[i];
    int status = pb->type->grad(pb, y, b, dx);
    for (size_t i = 0; i < n; i++) {
        v[i] = p->mu * v[i] + dx[i];
        dx[i] = -p->lr * v[i];
    }
    return status;
}

/* The look-ahead moves the gradient by O(lr*v): the leading limits are heavy ball's (the
 * difference is the sqrt(lr)*H*x' term of the high-resolution ODE, Shi, Du, Jordan & Su 2018);
 * at O(lr) it changes the modified flow's H g coefficient (heavy_ball_modified.c). */
static const opt_flow *const nesterov_flows[] = { &opt_flow_rescaled, &opt_flow_nesterov_modified,
                                                  &opt_flow_damped, NULL };

static const param_spec nesterov_params[] = {
    OPT_PARAM_LR, OPT_PARAM_MOMENTUM("0.9"), OPT_PARAM_EMA, OPT_PARAM_DAMPING, OPT_PARAM_END,
};

const opt_type opt_nesterov = {
    .name = "nesterov",
    .summary = "Nesterov momentum, look-ahead gradient",
    .rule = "v <- mu*v + g(x - lr*mu*v); x <- x - lr*v",
    .params = nesterov_params,
    .state_size = opt_state_2n,
    .step = nesterov_step,
    .flows = nesterov_flows,
    .caps = OPT_CAP_STEADY,
    /* frozen gradient: the look-ahead sees the same g, so the directions are heavy ball's */
    .first = OPT_DIR_GRADIENT,
    .steady = OPT_DIR_EMA_MOMENTUM,
};
