/* optimizers/rmsprop.c — RMSprop (torch defaults: alpha = 0.99, eps = 1e-8, s(0) = 0).
 *   s <- a*s + (1-a)*g^2;  x <- x - lr*g/(sqrt(s)+eps)       state: st = [s(n)]
 *   (0/0 = 0: with eps = 0 a zero gradient is a zero update; adaptive_ratio)
 * Limits: with 1 - a = c*lr (t = k*lr) the ODE x' = -g/(sqrt(s)+eps), s' = c (g^2 - s), s(0) = 0;
 * with a fixed, the sign-like flow x' = -g/(|g| + eps) (docs/theory.md "Continuous limits"). */
#include <math.h>

#include "../sim/core/status.h"
#include "adaptive.h"

typedef struct rmsprop_params {
    OPT_ADAPTIVE_HEAD;
    double alpha;   /* decay a of the squared-gradient average */
    double rate;    /* kind = flow, limit scaled: c in 1 - a = c*lr (key alpha_rate) */
} rmsprop_params;
OPT_ADAPTIVE_FIT(rmsprop_params);

static int rmsprop_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                        const problem *pb, const batch *b, double *dx)
{
    const rmsprop_params *p = OPT_OWN(rmsprop_params, pp);
    (void)t;
    double *s = st;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++) {
        double g = dx[i];
        s[i] = p->alpha * s[i] + (1.0 - p->alpha) * g * g;
        dx[i] = adaptive_ratio(-p->lr * g, sqrt(s[i]) + p->eps);
    }
    return status;
}

/* P = sqrt(s) + eps: the update is x <- x - lr P^-1 g, edge 2/lr (the opt_type default). */
static int rmsprop_precond(const double *st, size_t n, long t, const opt_params *pp, double *P)
{
    (void)t;
    for (size_t i = 0; i < n; i++)
        P[i] = sqrt(st[i]) + OPT_OWN(rmsprop_params, pp)->eps;
    return OD_OK;
}

static int scaled_couple(opt_params *pp)
{
    rmsprop_params *p = (rmsprop_params *)(void *)pp;
    p->alpha = 1.0 - p->rate * p->lr;
    return p->alpha >= 0.0 ? OD_OK : OD_EDOM;
}

/* y = (x, s). For eps = 0 the speed ~ 1/sqrt(c t) is singular (integrably) at t = 0: start at
 * t0 = 1e-9 with s = (1 - e^(-c t0)) g0^2 and x = x0 - g0 * int_0^t0 dt/(sqrt(c t)|g0| + eps)
 * = x0 - g0 * (2/a)(u - (eps/a) log(1 + a u/eps)), a = sqrt(c)|g0|, u = sqrt(t0). */
static double scaled_start(const double *x0, size_t n, const opt_params *pp, const problem *pb,
                           double *y0, double *work)
{
    const rmsprop_params *p = OPT_OWN(rmsprop_params, pp);
    (void)work;
    const double t0 = 1e-9, u = sqrt(t0);
    double *g = y0 + n, c = -expm1(-p->rate * t0);
    pb->type->grad(pb, x0, NULL, g);
    for (size_t i = 0; i < n; i++) {
        double a = sqrt(p->rate) * fabs(g[i]), integral;
        if (a == 0.0)
            integral = 0.0;                      /* g0_i = 0: no motion to this order */
        else if (p->eps == 0.0)
            integral = 2.0 * u / a;
        else
            integral = 2.0 / a * (u - p->eps / a * log1p(a * u / p->eps));
        y0[i] = x0[i] - g[i] * integral;
        g[i] = c * g[i] * g[i];                  /* s */
    }
    return t0;
}

static int scaled_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *pp,
                      const problem *pb, double *work)
{
    const rmsprop_params *p = OPT_OWN(rmsprop_params, pp);
    (void)t, (void)work;
    const double *s = y + n;
    double *g = dydt + n;
    int status = pb->type->grad(pb, y, NULL, g);
    for (size_t i = 0; i < n; i++) {
        double gi = g[i];
        dydt[i] = -adaptive_ratio(gi, sqrt(fmax(s[i], 0.0)) + p->eps);
        dydt[n + i] = p->rate * (gi * gi - s[i]);
    }
    return status;
}

static const opt_flow rmsprop_scaled_flow = {
    .name = "scaled", .equation = "x' = -g/(sqrt(s)+eps), s' = c (g^2 - s), s(0) = 0",
    .time_map = "t = k*lr, 1 - alpha = c*lr (key alpha_rate)", .time_step = opt_time_lr,
    .couple = scaled_couple, .dim = opt_flow_dim_2n, .start = scaled_start, .rhs = scaled_rhs,
};
static const opt_flow *const rmsprop_flows[] = { &rmsprop_scaled_flow, &opt_flow_sign, NULL };

static const param_spec rmsprop_specs[] = {
    OPT_PARAM_LR,
    { "alpha", PARAM_REAL, offsetof(rmsprop_params, alpha), "0.99", 0, 1, PARAM_HI_OPEN, NULL,
      "decay a of the squared-gradient average" },
    OPT_PARAM_EPS(rmsprop_params, "1e-8"),
    OPT_PARAM_EMA,
    { "alpha_rate", PARAM_REAL, offsetof(rmsprop_params, rate), "1", 0, 1e300, PARAM_LO_OPEN, NULL,
      "kind = flow, limit 'scaled': c in 1 - alpha = c*lr (alpha is then ignored)" },
    OPT_PARAM_END,
};

const opt_type opt_rmsprop = {
    .name = "rmsprop",
    .summary = "RMSprop (no momentum, not centred)",
    .rule = "s <- a*s + (1-a)*g^2; x <- x - lr*g/(sqrt(s)+eps)",
    .params = rmsprop_specs,
    .state_size = opt_state_n,
    .step = rmsprop_step,
    .flows = rmsprop_flows,
    .caps = OPT_CAP_STEADY | OPT_CAP_SIGN_LIKE,
    .first = OPT_DIR_RMSPROP_FIRST,  /* s = (1-a) g^2 */
    .precond = rmsprop_precond,
};
