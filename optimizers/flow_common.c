/* optimizers/flow_common.c — pieces shared by the continuous-time limits of several update rules:
 * time maps, starts, the dense Hessian for Jacobians, and the gradient, rescaled, damped and sign
 * flows (docs/theory.md "Continuous limits"). */
#include <math.h>
#include <string.h>

#include "../sim/core/status.h"
#include "adaptive.h"
#include "heavy_ball.h"

double opt_time_lr(const opt_params *p) { return p->lr; }
double opt_time_sqrt_lr(const opt_params *p) { return sqrt(p->lr); }
size_t opt_flow_dim_n(size_t n) { return n; }
size_t opt_flow_dim_2n(size_t n) { return 2 * n; }

double opt_flow_start_x(const double *x0, size_t n, const opt_params *p, const problem *pb,
                        double *y0, double *work)
{
    (void)p, (void)pb, (void)work;
    memcpy(y0, x0, n * sizeof *y0);
    return 0.0;
}

double opt_flow_start_rest(const double *x0, size_t n, const opt_params *p, const problem *pb,
                           double *y0, double *work)
{
    opt_flow_start_x(x0, n, p, pb, y0, work);
    memset(y0 + n, 0, n * sizeof *y0);
    return 0.0;
}

int opt_flow_hessian(const problem *pb, const double *x, size_t n, double *H, size_t ld,
                     double *work)
{
    if (!pb->type->hvp)
        return OD_ENOTSUP;
    double *e = work, *hv = work + n;
    memset(e, 0, n * sizeof *e);
    int status = OD_OK;
    for (size_t j = 0; status == OD_OK && j < n; j++) {
        e[j] = 1.0;
        status = pb->type->hvp(pb, x, e, hv);
        e[j] = 0.0;
        for (size_t i = 0; i < n; i++)       /* column j of H; H is symmetric */
            H[i * ld + j] = hv[i];
    }
    return status;
}

int opt_flow_friction_rhs(const double *y, double *dydt, size_t n, double friction,
                          const problem *pb)
{
    int status = pb->type->grad(pb, y, NULL, dydt + n);
    for (size_t i = 0; i < n; i++) {
        dydt[i] = y[n + i];
        dydt[n + i] = -friction * y[n + i] - dydt[n + i];
    }
    return status;
}

int opt_flow_friction_jac(const double *y, double *dfdy, size_t n, double friction,
                          const problem *pb, double *work)
{
    size_t m = 2 * n;
    memset(dfdy, 0, m * m * sizeof *dfdy);
    int status = opt_flow_hessian(pb, y, n, dfdy + n * m, m, work);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            dfdy[(n + i) * m + j] = -dfdy[(n + i) * m + j];
        dfdy[i * m + n + i] = 1.0;
        dfdy[(n + i) * m + n + i] = -friction;
    }
    return status;
}

const opt_flow *opt_flow_lookup(const opt_type *type, const char *name)
{
    for (size_t i = 0; type->flows && type->flows[i]; i++)
        if (strcmp(type->flows[i]->name, name) == 0)
            return type->flows[i];
    return NULL;
}

/* dx/dt = -s*g with s = 1 (gradient) or 1/(1-mu) (rescaled); Jacobian -s*H. */
static double gradient_scale(const opt_flow *f, const opt_params *p)
{
    return f == &opt_flow_rescaled ? 1.0 / (1.0 - OPT_OWN(heavy_ball_params, p)->mu) : 1.0;
}

static int scaled_gradient_rhs(const opt_flow *f, const double *y, double *dydt, size_t n,
                               const opt_params *p, const problem *pb)
{
    double s = gradient_scale(f, p);
    int status = pb->type->grad(pb, y, NULL, dydt);
    for (size_t i = 0; i < n; i++)
        dydt[i] *= -s;
    return status;
}

static int scaled_gradient_jac(const opt_flow *f, const double *y, double *dfdy, size_t n,
                               const opt_params *p, const problem *pb, double *work)
{
    double s = gradient_scale(f, p);
    int status = opt_flow_hessian(pb, y, n, dfdy, n, work);
    for (size_t i = 0; i < n * n; i++)
        dfdy[i] *= -s;
    return status;
}

static int gradient_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t, (void)work;
    return scaled_gradient_rhs(&opt_flow_gradient, y, dydt, n, p, pb);
}

static int gradient_jac(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t;
    return scaled_gradient_jac(&opt_flow_gradient, y, dfdy, n, p, pb, work);
}

static int rescaled_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t, (void)work;
    return scaled_gradient_rhs(&opt_flow_rescaled, y, dydt, n, p, pb);
}

static int rescaled_jac(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
                        const problem *pb, double *work)
{
    (void)t;
    return scaled_gradient_jac(&opt_flow_rescaled, y, dfdy, n, p, pb, work);
}

/* Convex f: f(X(t)) - f* <= |x0 - x*|^2 / (2t) along the gradient flow. */
static double gradient_gap_bound(double t, double r0sq) { return r0sq / (2.0 * t); }

const opt_flow opt_flow_gradient = {
    .name = "gradient", .equation = "dx/dt = -g(x)", .time_map = "t = k*lr",
    .time_step = opt_time_lr, .dim = opt_flow_dim_n, .start = opt_flow_start_x, .time_change = 1,
    .rhs = gradient_rhs, .jac = gradient_jac, .gap_bound = gradient_gap_bound, .sde = "sme1",
    .affine = 1,
};

const opt_flow opt_flow_rescaled = {
    .name = "rescaled", .equation = "dx/dt = -g(x)/(1-mu)", .time_map = "t = k*lr",
    .time_step = opt_time_lr, .dim = opt_flow_dim_n, .start = opt_flow_start_x, .time_change = 1,
    .rhs = rescaled_rhs, .jac = rescaled_jac,
};

/* Damped second-order system, y = (x, v = x'):  x' = v,  v' = -gamma*v - g(x).
 * Heavy ball x_{k+1} - x_k = mu (x_k - x_{k-1}) - lr g(x_k) with lr = h^2, mu = 1 - gamma*h is
 * (x_{k+1} - 2x_k + x_{k-1})/h^2 + gamma (x_k - x_{k-1})/h + g = 0: the ODE at t = k*h. */
static int damped_couple(opt_params *pp)
{
    heavy_ball_params *p = (heavy_ball_params *)(void *)pp;
    p->mu = 1.0 - p->damping * sqrt(p->lr);
    return p->mu >= 0.0 ? OD_OK : OD_EDOM;
}

static int damped_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                      const problem *pb, double *work)
{
    (void)t, (void)work;
    return opt_flow_friction_rhs(y, dydt, n, OPT_OWN(heavy_ball_params, p)->damping, pb);
}

static int damped_jac(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
                      const problem *pb, double *work)
{
    (void)t;
    return opt_flow_friction_jac(y, dfdy, n, OPT_OWN(heavy_ball_params, p)->damping, pb,
                                  work);
}

const opt_flow opt_flow_damped = {
    .name = "damped", .equation = "x'' + gamma*x' + g(x) = 0, x(0) = x0, x'(0) = 0",
    .time_map = "t = k*sqrt(lr), mu = 1 - gamma*sqrt(lr) (gamma: key damping)",
    .time_step = opt_time_sqrt_lr, .couple = damped_couple, .dim = opt_flow_dim_2n,
    .start = opt_flow_start_rest, .rhs = damped_rhs, .jac = damped_jac,
};

/* Sign-like flow of Adam/RMSprop with the betas fixed as lr -> 0: x' = -g/(|g| + eps);
 * d/dx_j of -g_i/(|g_i| + eps) = -H_ij * eps/(|g_i| + eps)^2 (away from g_i = 0); with
 * eps = 0, 0/0 = 0 in both (adaptive_ratio). */
static int sign_rhs(double t, const double *y, double *dydt, size_t n, const opt_params *p,
                    const problem *pb, double *work)
{
    (void)t, (void)work;
    double eps = OPT_OWN(adaptive_params, p)->eps;
    int status = pb->type->grad(pb, y, NULL, dydt);
    for (size_t i = 0; i < n; i++)
        dydt[i] = -adaptive_ratio(dydt[i], fabs(dydt[i]) + eps);
    return status;
}

static int sign_jac(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
                    const problem *pb, double *work)
{
    (void)t;
    double *g = work + 2 * n, eps = OPT_OWN(adaptive_params, p)->eps;
    int status = pb->type->grad(pb, y, NULL, g);
    if (status == OD_OK)
        status = opt_flow_hessian(pb, y, n, dfdy, n, work);
    for (size_t i = 0; i < n; i++) {
        double a = fabs(g[i]) + eps, s = adaptive_ratio(-eps, a * a);
        for (size_t j = 0; j < n; j++)
            dfdy[i * n + j] *= s;
    }
    return status;
}

const opt_flow opt_flow_sign = {
    .name = "sign", .equation = "dx/dt = -g/(|g| + eps)",
    .time_map = "t = k*lr, betas fixed", .time_step = opt_time_lr, .dim = opt_flow_dim_n,
    .time_change = 1,
    .start = opt_flow_start_x, .rhs = sign_rhs, .jac = sign_jac,
};
