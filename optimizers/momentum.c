/* optimizers/momentum.c — heavy-ball momentum in the torch/NQM form (effective lr = lr/(1-mu)).
 *   v <- mu*v + g;  x <- x - lr*v          state: st = [v(n)], v(0) = 0
 * Limits: with mu fixed (t = k*lr) the rescaled gradient flow dx/dt = -g/(1-mu), error O(lr), and
 * its O(lr) modified flow from the shifted start (heavy_ball_modified.c), error O(lr^2); with
 * mu = 1 - gamma*sqrt(lr) (t = k*sqrt(lr)) the damped system x'' + gamma x' + g = 0. */
#include "heavy_ball.h"

/* k = [mu, lr]. */
static void momentum_prepare(long t, const opt_params *pp, double *k)
{
    (void)t;
    k[0] = OPT_OWN(heavy_ball_params, pp)->mu;
    k[1] = pp->lr;
}

static void momentum_update(double *st, size_t n, size_t i0, size_t len, const double *k,
                            double *g)
{
    (void)n;
    double *v = st + i0;
    const double mu = k[0], lr = k[1];
    for (size_t i = 0; i < len; i++) {
        v[i] = mu * v[i] + g[i];
        g[i] = -lr * v[i];
    }
}

static const opt_slice momentum_slice = { momentum_prepare, momentum_update };

static int momentum_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                         const problem *pb, const batch *b, double *dx)
{
    return opt_slice_step(&momentum_slice, st, n, t, pp, x, pb, b, dx);
}

/* (2 + 2 mu)/lr: heavy ball on a quadratic is stable iff lr h < 2 + 2 mu. */
static double momentum_edge(const opt_params *pp)
{
    return (2.0 + 2.0 * OPT_OWN(heavy_ball_params, pp)->mu) / pp->lr;
}

static const opt_flow *const momentum_flows[] = { &opt_flow_rescaled, &opt_flow_hb_modified,
                                                  &opt_flow_damped, NULL };

static const param_spec momentum_params[] = {
    OPT_PARAM_LR, OPT_PARAM_MOMENTUM("0.9"), OPT_PARAM_EMA, OPT_PARAM_DAMPING, OPT_PARAM_END,
};

const opt_type opt_momentum = {
    .name = "momentum",
    .summary = "heavy-ball momentum (torch form)",
    .rule = "v <- mu*v + g; x <- x - lr*v",
    .params = momentum_params,
    .state_size = opt_state_n,
    .step = momentum_step,
    .flows = momentum_flows,
    .caps = OPT_CAP_STEADY,
    .first = OPT_DIR_GRADIENT,       /* v = g from v = 0 */
    .steady = OPT_DIR_EMA_MOMENTUM,
    .quadratic = OPT_QUAD_HEAVY_BALL,
    .edge = momentum_edge,
    .slice = &momentum_slice,
};
