/* optimizers/precond.c — diagonally preconditioned SGD (Zhang et al. 2019 on the NQM, where
 * diag H = H):  x <- x - lr * diag(H(x))^-p * g       state: st = [d(n)] (scratch for diag H)
 * p = 0 is SGD; p = 1 is a diagonal Newton step. Needs the problem's Hessian diagonal.
 * 0 * 0^-p = 0: a coordinate with zero gradient does not move, even where diag H is 0 (lora from
 * zero_b: A's gradient s G B^T and diagonal s^2 C_ii |B_p.|^2 both vanish), as adaptive_ratio's
 * 0/0 = 0 for eps = 0; a nonzero gradient over a zero diagonal still gives an infinite step. */
#include <math.h>

#include "../sim/core/status.h"
#include "opt.h"

typedef struct precond_params {
    OPT_PARAMS_HEAD;
    double power;   /* p in diag(H)^-p (key precond_power) */
} precond_params;
OPT_PARAMS_FIT(precond_params);

static int precond_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                        const problem *pb, const batch *b, double *dx)
{
    const precond_params *p = OPT_OWN(precond_params, pp);
    (void)t;
    if (!pb->type->hess_diag)
        return OD_ENOTSUP;
    int status = pb->type->hess_diag(pb, x, st);
    if (status == OD_OK)
        status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++)
        if (dx[i] != 0.0)
            dx[i] *= -p->lr * pow(st[i], -p->power);
    return status;
}

static const param_spec precond_specs[] = {
    OPT_PARAM_LR,
    { "precond_power", PARAM_REAL, offsetof(precond_params, power), "0.5", 0, 1, 0, NULL,
      "power p of the preconditioner diag(H)^-p" },
    OPT_PARAM_EMA, OPT_PARAM_END,
};

const opt_type opt_precond = {
    .name = "precond",
    .summary = "SGD preconditioned by diag(H)^-p",
    .rule = "x <- x - lr*diag(H)^-p*g",
    .params = precond_specs,
    .state_size = opt_state_n,
    .step = precond_step,
    .quadratic = OPT_QUAD_PRECOND,
};
