/* sim/kinds/sme.h — stochastic modified equations (Li, Tai & E 2017): SGD with Gaussian batch noise
 * against the solution of dX = f(X) dt + sqrt(lr/B) Sigma^(1/2) dW (exact transition when the SDE
 * is linear, else stochastic Heun substeps), weak errors. */
#ifndef OPTDYN_SME_H
#define OPTDYN_SME_H

#include "flow.h"
#include "../core/problem.h"

/* Monte Carlo means over the paths and their standard errors at t = K*lr. */
typedef struct sme_result {
    long steps;                             /* K */
    double loss_sgd, loss_sgd_se;           /* E[L(x_K)] */
    double loss_sde, loss_sde_se;           /* E[L(X_T)] */
    double error, error_se;                 /* E[L(x_K)] - E[L(X_T)], paired */
    double sq_sgd, sq_sde;                  /* E|x_K|^2, E|X_T|^2 */
    double sq_error, sq_error_se;           /* E|x_K|^2 - E|X_T|^2, paired */
    int exact;                              /* exact OU transition (else Heun substeps) */
    double bias, bias_se;                   /* Heun: estimated E L(X_T) - E L(exact X_T); else NaN */
} sme_result;

enum { SME_COLS = 5 };                      /* values per path (sme.c) */

/* fp->paths pairs (SGD path of optimizer o at lr, batch fp->batch; SDE path with drift f, exact
 * or fp->substeps Heun steps per SGD step) driven by the same Brownian increments: the
 * SGD noise of step k is the normalized sum of the SDE's increments over [k-1, k]*lr, so the
 * paired differences have a small variance. Needs PROBLEM_NOISE_GAUSS with a constant Sigma.
 * Paths run on `threads` threads; results do not depend on it. */
int sme_weak_error(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
                   double lr, const flow_params *fp, int threads, sme_result *res);

#endif
