/* optimizers/sgd.c — plain (stochastic) gradient descent, the explicit Euler step of the
 * gradient flow.   x <- x - lr*g        state: none
 * Limits (t = k*lr): gradient flow dx/dt = -g (global error O(lr)); the modified flow of
 * L + (lr/4)|g|^2, dx/dt = -(g + (lr/2) H g) (Barrett & Dherin 2021; error O(lr^2)); past the
 * edge of stability, the central flow (central_flow.c). */
#include "../sim/core/status.h"
#include "sgd.h"

/* k = [-lr]; dx = g * (-lr). */
static void sgd_prepare(long t, const opt_params *p, double *k)
{
    (void)t;
    k[0] = -p->lr;
}

static void sgd_update(double *st, size_t n, size_t i0, size_t len, const double *k, double *g)
{
    (void)st; (void)n; (void)i0;
    const double m = k[0];
    for (size_t i = 0; i < len; i++)
        g[i] *= m;
}

static const opt_slice sgd_slice = { sgd_prepare, sgd_update };

static int sgd_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                    const problem *pb, const batch *b, double *dx)
{
    return opt_slice_step(&sgd_slice, st, n, t, p, x, pb, b, dx);
}

static int modified_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t;
    if (!pb->type->hvp)
        return OD_ENOTSUP;
    double *g = work, *hg = work + n;
    int status = pb->type->grad(pb, y, NULL, g);
    if (status == OD_OK)
        status = pb->type->hvp(pb, y, g, hg);
    for (size_t i = 0; i < n; i++)
        dydt[i] = -(g[i] + 0.5 * p->lr * hg[i]);
    return status;
}

static const opt_flow sgd_modified_flow = {
    .name = "modified", .equation = "dx/dt = -(g + (lr/2) H g), the gradient flow of L + (lr/4)|g|^2",
    .time_map = "t = k*lr", .time_step = opt_time_lr, .dim = opt_flow_dim_n,
    .start = opt_flow_start_x, .rhs = modified_rhs, .sde = "sme2", .affine = 1,
};
static const opt_flow *const sgd_flows[] = { &opt_flow_gradient, &sgd_modified_flow,
                                             &opt_flow_central, NULL };

static const param_spec sgd_specs[] = {
    OPT_PARAM_LR, OPT_PARAM_EMA,
    { "central_k", PARAM_INT, offsetof(sgd_params, central_k), "1", 1, CENTRAL_MAX_K, 0, NULL,
      "kind = flow, limit 'central' (run only when [flow] limits names it): top Hessian "
      "eigenvalues the central flow holds at the edge 2/lr" },
    OPT_PARAM_END,
};

const opt_type opt_sgd = {
    .name = "sgd",
    .summary = "stochastic gradient descent",
    .rule = "x <- x - lr*g",
    .params = sgd_specs,
    .state_size = opt_state_none,
    .step = sgd_step,
    .flows = sgd_flows,
    .first = OPT_DIR_GRADIENT,
    .quadratic = OPT_QUAD_PRECOND,   /* p = 0 */
    .lr_bound = 2,
    .slice = &sgd_slice,
};
