/* optimizers/heavy_ball_modified.c — the O(lr) modified flows of heavy ball and Nesterov momentum
 * (docs/theory.md, "Heavy ball's modified flow and its initial layer"), t = k*lr, mu fixed:
 *   heavy ball  dx/dt = -g/(1-mu) - lr (1+mu)/(2(1-mu)^3) H g
 *   Nesterov    dx/dt = -g/(1-mu) - lr (1-mu+2mu^2)/(2(1-mu)^3) H g
 * started on the slow manifold, X(0) = x0 + lr mu/(1-mu)^2 g(x0): global error O(lr^2). */
#include "../sim/core/status.h"
#include "heavy_ball.h"

/* The H g coefficient c(mu) of each rule; the flows differ in nothing else. */
static double hb_coef(double mu) { return (1.0 + mu) / (2.0 * (1.0 - mu) * (1.0 - mu) * (1.0 - mu)); }
static double nesterov_coef(double mu)
{
    return (1.0 - mu + 2.0 * mu * mu) / (2.0 * (1.0 - mu) * (1.0 - mu) * (1.0 - mu));
}

static int modified_rhs(double (*coef)(double), const double *y, double *dydt, size_t n,
                        const opt_params *pp, const problem *pb, double *work)
{
    if (!pb->type->hvp)
        return OD_ENOTSUP;
    const heavy_ball_params *p = OPT_OWN(heavy_ball_params, pp);
    double *g = work, *hg = work + n, c = coef(p->mu) * p->lr;
    int status = pb->type->grad(pb, y, NULL, g);
    if (status == OD_OK)
        status = pb->type->hvp(pb, y, g, hg);
    for (size_t i = 0; i < n; i++)
        dydt[i] = -(g[i] / (1.0 - p->mu) + c * hg[i]);
    return status;
}

static int hb_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                  const problem *pb, double *work)
{
    (void)t;
    return modified_rhs(hb_coef, y, dydt, n, p, pb, work);
}

static int nesterov_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t;
    return modified_rhs(nesterov_coef, y, dydt, n, p, pb, work);
}

/* The slow mode's start: x1 = x0 - lr g0 and x1 - X(lr) = mu (x0 - X(0)) + O(lr^2) (the fast
 * mode decays by mu per step) give X(0) = x0 + lr mu/(1-mu)^2 g0. Same for both rules. */
static double slow_start(const double *x0, size_t n, const opt_params *pp, const problem *pb,
                         double *y0, double *work)
{
    const heavy_ball_params *p = OPT_OWN(heavy_ball_params, pp);
    double s = p->lr * p->mu / ((1.0 - p->mu) * (1.0 - p->mu));
    pb->type->grad(pb, x0, NULL, work);
    for (size_t i = 0; i < n; i++)
        y0[i] = x0[i] + s * work[i];
    return 0.0;
}

const opt_flow opt_flow_hb_modified = {
    .name = "modified",
    .equation = "dx/dt = -g/(1-mu) - lr (1+mu)/(2(1-mu)^3) H g, X(0) = x0 + lr mu/(1-mu)^2 g(x0)",
    .time_map = "t = k*lr, mu fixed", .time_step = opt_time_lr, .dim = opt_flow_dim_n,
    .start = slow_start, .rhs = hb_rhs,
};

const opt_flow opt_flow_nesterov_modified = {
    .name = "modified",
    .equation = "dx/dt = -g/(1-mu) - lr (1-mu+2mu^2)/(2(1-mu)^3) H g, "
                "X(0) = x0 + lr mu/(1-mu)^2 g(x0)",
    .time_map = "t = k*lr, mu fixed", .time_step = opt_time_lr, .dim = opt_flow_dim_n,
    .start = slow_start, .rhs = nesterov_rhs,
};
