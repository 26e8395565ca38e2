/* optimizers/runge_kutta.c — explicit Runge-Kutta methods applied to the gradient flow
 * dx/dt = -g(x), step h = lr, used as optimizers: euler (order 1, == sgd), heun (2), rk4 (4).
 * Each stage takes the step's batch, so with noise they are stochastic Runge-Kutta "optimizers".
 *   k_i = -g(x + lr * sum_j a_ij k_j);  x <- x + lr * sum_i b_i k_i     state: [k(s*n) | y(n)] */
#include <string.h>

#include "../sim/core/status.h"
#include "opt.h"

/* Butcher tableau of an explicit method (a strictly lower triangular). */
typedef struct rk_tableau {
    int stages;
    double a[4][4];
    double b[4];
} rk_tableau;

static const rk_tableau euler_tableau = { 1, { { 0 } }, { 1 } };
static const rk_tableau heun_tableau = { 2, { { 0 }, { 1 } }, { 0.5, 0.5 } };
static const rk_tableau rk4_tableau = {
    4, { { 0 }, { 0.5 }, { 0, 0.5 }, { 0, 0, 1 } }, { 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6 },
};

static int rk_step(const rk_tableau *tab, double *st, size_t n, const opt_params *p,
                   const double *x, const problem *pb, const batch *b, double *dx)
{
    double *k = st, *y = st + (size_t)tab->stages * n;
    int status = OD_OK;
    for (int s = 0; status == OD_OK && s < tab->stages; s++) {
        memcpy(y, x, n * sizeof *y);
        for (int j = 0; j < s; j++)
            for (size_t i = 0; i < n; i++)
                y[i] += p->lr * tab->a[s][j] * k[(size_t)j * n + i];
        status = pb->type->grad(pb, y, b, k + (size_t)s * n);
        for (size_t i = 0; i < n; i++)
            k[(size_t)s * n + i] = -k[(size_t)s * n + i];
    }
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (int s = 0; s < tab->stages; s++)
            sum += tab->b[s] * k[(size_t)s * n + i];
        dx[i] = p->lr * sum;
    }
    return status;
}

#define RK_TYPE(NAME, TABLEAU, STAGES, SUMMARY, RULE)                                          \
    static int NAME##_step(double *st, size_t n, long t, const opt_params *p, const double *x, \
                           const problem *pb, const batch *b, double *dx)                      \
    {                                                                                           \
        (void)t;                                                                                \
        return rk_step(&TABLEAU, st, n, p, x, pb, b, dx);                                      \
    }                                                                                           \
    static size_t NAME##_state(size_t n) { return (STAGES + 1) * n; }                         \
    const opt_type opt_##NAME = {                                                               \
        .name = #NAME, .summary = SUMMARY, .rule = RULE, .params = rk_params,                  \
        .state_size = NAME##_state, .step = NAME##_step, .flows = rk_flows,                    \
    };

static const opt_flow *const rk_flows[] = { &opt_flow_gradient, NULL };
static const param_spec rk_params[] = { OPT_PARAM_LR, OPT_PARAM_EMA, OPT_PARAM_END };

RK_TYPE(euler, euler_tableau, 1, "explicit Euler on the gradient flow (order 1; same as sgd)",
        "x <- x - lr*g(x)")
RK_TYPE(heun, heun_tableau, 2, "Heun's method on the gradient flow (order 2)",
        "k1 = -g(x); k2 = -g(x + lr*k1); x <- x + lr*(k1 + k2)/2")
RK_TYPE(rk4, rk4_tableau, 4, "classical Runge-Kutta on the gradient flow (order 4)",
        "k1 = -g(x); k2 = -g(x + lr/2 k1); k3 = -g(x + lr/2 k2); k4 = -g(x + lr k3); "
        "x <- x + lr*(k1 + 2k2 + 2k3 + k4)/6")
