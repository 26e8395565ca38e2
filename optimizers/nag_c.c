/* optimizers/nag_c.c — Nesterov's accelerated gradient for convex f (NAG-C, step s = lr) in the
 * form of Su, Boyd & Candes (2016):  y_k = x_k + (k-1)/(k+2) (x_k - x_{k-1});  x_{k+1} = y_k - s g(y_k)
 * state: st = [d(n) = x_k - x_{k-1} | y(n) scratch].  Limit (t = k*sqrt(s)): x'' + (3/t)x' + g = 0. */
#include "../sim/core/status.h"
#include "opt.h"

/* Step t computes x_t from x_{t-1}: k = t - 1, so the momentum is (t-2)/(t+1) (0 at t = 1, 2). */
static int nag_c_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                      const problem *pb, const batch *b, double *dx)
{
    double *d = st, *y = st + n, mu = t >= 2 ? (double)(t - 2) / (double)(t + 1) : 0.0;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] + mu * d[i];
    int status = pb->type->grad(pb, y, b, dx);
    for (size_t i = 0; i < n; i++) {
        dx[i] = mu * d[i] - p->lr * dx[i];
        d[i] = dx[i];
    }
    return status;
}

/* y = (x, v = x'), started at t0 = 1e-3 from the series around the singular point t = 0:
 * x = x0 - t^2/8 g0 + t^4/192 H g0 + O(t^6),  x' = -t/4 g0 + t^3/48 H g0 (H g0 dropped when the
 * problem has no Hessian: the error is then O(t0^4)). */
static double sbc_start(const double *x0, size_t n, const opt_params *p, const problem *pb,
                        double *y0, double *work)
{
    (void)p;
    const double t0 = 1e-3;
    double *g = work, *hg = work + n;
    pb->type->grad(pb, x0, NULL, g);
    if (!pb->type->hvp || pb->type->hvp(pb, x0, g, hg) != OD_OK)
        for (size_t i = 0; i < n; i++)
            hg[i] = 0.0;
    for (size_t i = 0; i < n; i++) {
        y0[i] = x0[i] - t0 * t0 / 8.0 * g[i] + t0 * t0 * t0 * t0 / 192.0 * hg[i];
        y0[n + i] = -t0 / 4.0 * g[i] + t0 * t0 * t0 / 48.0 * hg[i];
    }
    return t0;
}

static int sbc_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                   const problem *pb, double *work)
{
    (void)p, (void)work;
    return opt_flow_friction_rhs(y, dydt, n, 3.0 / t, pb);
}

static int sbc_jac(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
                   const problem *pb, double *work)
{
    (void)p;
    return opt_flow_friction_jac(y, dfdy, n, 3.0 / t, pb, work);
}

/* Su, Boyd & Candes, Theorem 3: f(X(t)) - f* <= 2|x0 - x*|^2 / t^2 for convex f. */
static double sbc_gap_bound(double t, double r0sq) { return 2.0 * r0sq / (t * t); }

static const opt_flow nag_c_sbc_flow = {
    .name = "sbc", .equation = "x'' + (3/t) x' + g(x) = 0, x(0) = x0, x'(0) = 0",
    .time_map = "t = k*sqrt(lr)", .time_step = opt_time_sqrt_lr, .dim = opt_flow_dim_2n,
    .start = sbc_start, .rhs = sbc_rhs, .jac = sbc_jac, .gap_bound = sbc_gap_bound,
};
static const opt_flow *const nag_c_flows[] = { &nag_c_sbc_flow, NULL };

static const param_spec nag_c_params[] = { OPT_PARAM_LR, OPT_PARAM_EMA, OPT_PARAM_END };

const opt_type opt_nag_c = {
    .name = "nag_c",
    .summary = "Nesterov's accelerated gradient, momentum (k-1)/(k+2) (Su-Boyd-Candes)",
    .rule = "y = x_k + (k-1)/(k+2)*(x_k - x_{k-1}); x_{k+1} = y - lr*g(y)",
    .params = nag_c_params,
    .state_size = opt_state_2n,
    .step = nag_c_step,
    .flows = nag_c_flows,
    .lr_bound = 1,                   /* s <= 1/L (Su, Boyd & Candes 2016) */
};
