/* optimizers/adam.h — Adam's parameter block, step and keys, shared by `adam` and `adamw` (Adam
 * whose decoupled weight decay the run loop applies: optimizers/adamw.c). */
#ifndef OPTDYN_ADAM_H
#define OPTDYN_ADAM_H

#include "adaptive.h"

typedef struct adam_params {
    OPT_ADAPTIVE_HEAD;
    double b1, b2;         /* keys beta1, beta2 */
    double rate1, rate2;   /* kind = flow, limit scaled: c1, c2 in 1 - b_i = c_i*lr */
} adam_params;
OPT_ADAPTIVE_FIT(adam_params);

/* The Adam update (adam.c's header comment), and the same as an element-wise slice (opt.h). */
extern const opt_slice opt_adam_slice;
int opt_adam_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                  const problem *pb, const batch *b, double *dx);

/* Adam's preconditioner P = sqrt(vh) + eps after step t (st = [m | v]) and its edge of
 * stability (2 + 2 b1)/((1 - b1) lr) (Cohen et al. 2022, "Adaptive Gradient Methods at the
 * Edge of Stability": the EMA momentum's threshold for P^-1 H); shared with adamw. */
int opt_adam_precond(const double *st, size_t n, long t, const opt_params *pp, double *P);
double opt_adam_edge(const opt_params *pp);

/* beta1, beta2 of a parameter block T with fields b1, b2 (Adam's, or a rule running Adam inside). */
#define ADAM_PARAM_BETAS_OF(T) \
    { "beta1", PARAM_REAL, offsetof(T, b1), "0.9", 0, 1, PARAM_HI_OPEN, NULL, \
      "decay b1 of the first-moment average" }, \
    { "beta2", PARAM_REAL, offsetof(T, b2), "0.999", 0, 1, PARAM_HI_OPEN, NULL, \
      "decay b2 of the second-moment average" }
#define ADAM_PARAM_BETAS ADAM_PARAM_BETAS_OF(adam_params)

#endif
