/* optimizers/adam.c — Adam with bias correction (Kingma & Ba 2015; torch defaults).
 *   m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;  mh = m/(1-b1^t);  vh = v/(1-b2^t)
 *   x <- x - lr*mh/(sqrt(vh)+eps)                               state: st = [m(n) | v(n)]
 *   (0/0 = 0: with eps = 0 a zero gradient history is a zero update; adaptive_ratio)
 * Limits: with 1 - b_i = c_i*lr (t = k*lr) the ODE x' = -mh/(sqrt(vh)+eps), m' = c1 (g - m),
 * v' = c2 (g^2 - v), mh = m/(1 - exp(-c1 t)), vh = v/(1 - exp(-c2 t)); with the betas fixed, the
 * sign-like flow x' = -g/(|g| + eps) (docs/theory.md "Continuous limits"). */
#include <math.h>
#include <string.h>

#include "../sim/core/status.h"
#include "adam.h"

void adam_moments_consts(double b1, double b2, double eps, double lr, long t, double *k)
{
    k[0] = b1, k[1] = b2, k[2] = eps, k[3] = lr;
    k[4] = 1.0 - pow(b1, (double)t);
    k[5] = 1.0 - pow(b2, (double)t);
}

void adam_moments_apply(const double *k, double *m, double *v, double *dx, size_t n)
{
    const double b1 = k[0], b2 = k[1], eps = k[2], lr = k[3], c1 = k[4], c2 = k[5];
    for (size_t i = 0; i < n; i++) {
        double g = dx[i];
        m[i] = b1 * m[i] + (1.0 - b1) * g;
        v[i] = b2 * v[i] + (1.0 - b2) * g * g;
        dx[i] = -lr * adaptive_ratio(m[i] / c1, sqrt(v[i] / c2) + eps);
    }
}

void adam_moments_step(double b1, double b2, double eps, double lr, long t, double *m, double *v,
                       double *dx, size_t n)
{
    double k[ADAM_CONSTS];
    adam_moments_consts(b1, b2, eps, lr, t, k);
    adam_moments_apply(k, m, v, dx, n);
}

static void adam_prepare(long t, const opt_params *pp, double *k)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    adam_moments_consts(p->b1, p->b2, p->eps, p->lr, t, k);
}

static void adam_update(double *st, size_t n, size_t i0, size_t len, const double *k, double *g)
{
    adam_moments_apply(k, st + i0, st + n + i0, g, len);
}

_Static_assert((int)ADAM_CONSTS <= (int)OPT_SLICE_CONSTS, "Adam's constants do not fit a slice");
const opt_slice opt_adam_slice = { adam_prepare, adam_update };

int opt_adam_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                  const problem *pb, const batch *b, double *dx)
{
    return opt_slice_step(&opt_adam_slice, st, n, t, pp, x, pb, b, dx);
}

int opt_adam_precond(const double *st, size_t n, long t, const opt_params *pp, double *P)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    double c2 = 1.0 - pow(p->b2, (double)(t > 0 ? t : 1));
    for (size_t i = 0; i < n; i++)
        P[i] = sqrt(st[n + i] / c2) + p->eps;
    return OD_OK;
}

double opt_adam_edge(const opt_params *pp)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    return (2.0 + 2.0 * p->b1) / ((1.0 - p->b1) * p->lr);
}

/* 1 - b1 = c1*lr, 1 - b2 = c2*lr (keys beta1_rate, beta2_rate). */
static int scaled_couple(opt_params *pp)
{
    adam_params *p = (adam_params *)(void *)pp;
    p->b1 = 1.0 - p->rate1 * p->lr;
    p->b2 = 1.0 - p->rate2 * p->lr;
    return p->b1 >= 0.0 && p->b2 >= 0.0 ? OD_OK : OD_EDOM;
}

static size_t scaled_dim(size_t n) { return 3 * n; }

/* y = (x, m, v); at t = 0 the bias-corrected ratio is 0/0, so start at t0 = 1e-9 with
 * m = (1 - e^(-c1 t0)) g0, v = (1 - e^(-c2 t0)) g0^2, x = x0 - t0 g0/(|g0| + eps): error O(t0^2). */
static double scaled_start(const double *x0, size_t n, const opt_params *pp, const problem *pb,
                           double *y0, double *work)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    (void)work;
    const double t0 = 1e-9;
    double *g = y0 + n, *v = y0 + 2 * n, c1 = -expm1(-p->rate1 * t0), c2 = -expm1(-p->rate2 * t0);
    pb->type->grad(pb, x0, NULL, g);
    for (size_t i = 0; i < n; i++) {
        y0[i] = x0[i] - adaptive_ratio(t0 * g[i], fabs(g[i]) + p->eps);
        v[i] = c2 * g[i] * g[i];
        g[i] *= c1;                       /* m */
    }
    return t0;
}

static int scaled_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *pp,
                      const problem *pb, double *work)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    (void)work;
    const double *m = y + n, *v = y + 2 * n;
    double *g = dydt + n, c1 = -expm1(-p->rate1 * t), c2 = -expm1(-p->rate2 * t);
    int status = pb->type->grad(pb, y, NULL, g);
    for (size_t i = 0; i < n; i++) {
        double gi = g[i];
        dydt[i] = -adaptive_ratio(m[i] / c1, sqrt(fmax(v[i], 0.0) / c2) + p->eps);
        dydt[n + i] = p->rate1 * (gi - m[i]);
        dydt[2 * n + i] = p->rate2 * (gi * gi - v[i]);
    }
    return status;
}

static const opt_flow adam_scaled_flow = {
    .name = "scaled",
    .equation = "x' = -mh/(sqrt(vh)+eps), m' = c1 (g - m), v' = c2 (g^2 - v), "
                "mh = m/(1 - exp(-c1 t)), vh = v/(1 - exp(-c2 t))",
    .time_map = "t = k*lr, 1 - b1 = c1*lr, 1 - b2 = c2*lr (keys beta1_rate, beta2_rate)",
    .time_step = opt_time_lr, .couple = scaled_couple, .dim = scaled_dim,
    .start = scaled_start, .rhs = scaled_rhs,
};
static const opt_flow *const adam_flows[] = { &adam_scaled_flow, &opt_flow_sign, NULL };

static const param_spec adam_specs[] = {
    OPT_PARAM_LR,
    ADAM_PARAM_BETAS,
    OPT_PARAM_EPS(adam_params, "1e-8"),
    OPT_PARAM_EMA,
    { "beta1_rate", PARAM_REAL, offsetof(adam_params, rate1), "10", 0, 1e300, PARAM_LO_OPEN, NULL,
      "kind = flow, limit 'scaled': c1 in 1 - beta1 = c1*lr (beta1 is then ignored)" },
    { "beta2_rate", PARAM_REAL, offsetof(adam_params, rate2), "0.1", 0, 1e300, PARAM_LO_OPEN, NULL,
      "kind = flow, limit 'scaled': c2 in 1 - beta2 = c2*lr (beta2 is then ignored)" },
    OPT_PARAM_END,
};

const opt_type opt_adam = {
    .name = "adam",
    .summary = "Adam with bias correction",
    .rule = "m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2; mh = m/(1-b1^t); vh = v/(1-b2^t); "
            "x <- x - lr*mh/(sqrt(vh)+eps)",
    .params = adam_specs,
    .state_size = opt_state_2n,
    .step = opt_adam_step,
    .flows = adam_flows,
    .caps = OPT_CAP_STEADY | OPT_CAP_SIGN_LIKE,
    .first = OPT_DIR_ADAM_FIRST,
    .steady = OPT_DIR_ADAM_STEADY,
    .precond = opt_adam_precond,
    .edge = opt_adam_edge,
    .slice = &opt_adam_slice,
};
