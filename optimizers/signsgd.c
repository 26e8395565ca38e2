/* optimizers/signsgd.c — sign descent, Adam's limit b1 = b2 = 0, eps -> 0 (sign(0) = 0).
 *   x <- x - lr*sign(g)                                          state: none */
#include "opt.h"

static int signsgd_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                        const problem *pb, const batch *b, double *dx)
{
    (void)st; (void)t;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++)
        dx[i] = dx[i] > 0 ? -p->lr : dx[i] < 0 ? p->lr : dx[i] * 0.0;   /* NaN stays NaN */
    return status;
}

static const param_spec signsgd_params[] = { OPT_PARAM_LR, OPT_PARAM_EMA, OPT_PARAM_END };

const opt_type opt_signsgd = {
    .name = "signsgd",
    .summary = "sign descent",
    .rule = "x <- x - lr*sign(g)",
    .params = signsgd_params,
    .state_size = opt_state_none,
    .step = signsgd_step,
    .caps = OPT_CAP_SIGN_LIKE,
    .first = OPT_DIR_SIGN,
};
