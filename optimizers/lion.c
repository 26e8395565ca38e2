/* optimizers/lion.c — Lion, the sign of an interpolated momentum (Chen et al. 2023, "Symbolic
 * Discovery of Optimization Algorithms"; defaults b1 = 0.9, b2 = 0.99; sign(0) = 0).
 *   c <- b1*m + (1-b1)*g;  x <- x - lr*sign(c);  m <- b2*m + (1-b2)*g     state: st = [m(n)]
 * With b1 = b2 it is SignSGD with EMA momentum; with b1 = 0 its first update is sign(g). */
#include "opt.h"

typedef struct lion_params {
    OPT_PARAMS_HEAD;
    double b1, b2;         /* keys beta1 (interpolation), beta2 (momentum decay) */
} lion_params;
OPT_PARAMS_FIT(lion_params);

static int lion_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                     const problem *pb, const batch *b, double *dx)
{
    const lion_params *p = OPT_OWN(lion_params, pp);
    double *m = st;
    (void)t;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++) {
        double g = dx[i], c = p->b1 * m[i] + (1.0 - p->b1) * g;
        dx[i] = c > 0 ? -p->lr : c < 0 ? p->lr : c * 0.0;       /* NaN stays NaN */
        m[i] = p->b2 * m[i] + (1.0 - p->b2) * g;
    }
    return status;
}

static const param_spec lion_specs[] = {
    OPT_PARAM_LR,
    { "beta1", PARAM_REAL, offsetof(lion_params, b1), "0.9", 0, 1, PARAM_HI_OPEN, NULL,
      "weight b1 of the momentum in the interpolation c = b1*m + (1-b1)*g that is signed" },
    { "beta2", PARAM_REAL, offsetof(lion_params, b2), "0.99", 0, 1, PARAM_HI_OPEN, NULL,
      "decay b2 of the momentum m <- b2*m + (1-b2)*g" },
    OPT_PARAM_EMA,
    OPT_PARAM_END,
};

const opt_type opt_lion = {
    .name = "lion",
    .summary = "Lion: sign of an interpolated momentum (Chen et al. 2023)",
    .rule = "c <- b1*m + (1-b1)*g; x <- x - lr*sign(c); m <- b2*m + (1-b2)*g",
    .params = lion_specs,
    .state_size = opt_state_n,
    .step = lion_step,
    .caps = OPT_CAP_STEADY | OPT_CAP_SIGN_LIKE,
    .first = OPT_DIR_SIGN,          /* m = 0: c = (1-b1) g, so the first update is sign(g) */
    .steady = OPT_DIR_SIGN_EMA,     /* c has mean g and variance a Sigma/B in the steady state */
};
