/* optimizers/adam.c — Adam with bias correction (Kingma & Ba 2015; torch defaults).
 *   m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;  mh = m/(1-b1^t);  vh = v/(1-b2^t)
 *   x <- x - lr*mh/(sqrt(vh)+eps)                               state: st = [m(n) | v(n)] */
#include <math.h>

#include "opt.h"

static int adam_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                     const problem *pb, const batch *b, double *dx)
{
    double *m = st, *v = st + n;
    double c1 = 1.0 - pow(p->b1, (double)t), c2 = 1.0 - pow(p->b2, (double)t);
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t i = 0; i < n; i++) {
        double g = dx[i];
        m[i] = p->b1 * m[i] + (1.0 - p->b1) * g;
        v[i] = p->b2 * v[i] + (1.0 - p->b2) * g * g;
        dx[i] = -p->lr * ((m[i] / c1) / (sqrt(v[i] / c2) + p->eps));
    }
    return status;
}

static const param_spec adam_params[] = {
    OPT_PARAM_LR,
    { "beta1", PARAM_REAL, offsetof(opt_params, b1), "0.9", 0, 1, PARAM_HI_OPEN, NULL,
      "decay b1 of the first-moment average" },
    { "beta2", PARAM_REAL, offsetof(opt_params, b2), "0.999", 0, 1, PARAM_HI_OPEN, NULL,
      "decay b2 of the second-moment average" },
    OPT_PARAM_EPS("1e-8"),
    OPT_PARAM_EMA, OPT_PARAM_END,
};

const opt_type opt_adam = {
    .name = "adam",
    .summary = "Adam with bias correction",
    .rule = "m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2; mh = m/(1-b1^t); vh = v/(1-b2^t); "
            "x <- x - lr*mh/(sqrt(vh)+eps)",
    .params = adam_params,
    .state_size = opt_state_2n,
    .step = adam_step,
};
