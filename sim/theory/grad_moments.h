/* sim/theory/grad_moments.h — what the one-step scaling theory needs at a point x (docs/theory.md "One-step scaling"):
 * the exact gradient g, diag H, diag Sigma, g^T H g, tr(Sigma), tr(Sigma H) and the noise scales. */
#ifndef OPTDYN_GRAD_MOMENTS_H
#define OPTDYN_GRAD_MOMENTS_H

#include "../core/problem.h"

typedef struct grad_moments {
    size_t n;
    double *g;          /* exact gradient (n) */
    double *hdiag;      /* H_ii (n) */
    double *sd;         /* sqrt(Sigma_ii), per-example gradient noise (n) */
    double gg;          /* |g|^2 */
    double gHg;         /* g^T H g */
    double trS;         /* tr(Sigma) */
    double trSH;        /* tr(Sigma H) */
    double A;           /* sum_i H_ii */
    double C;           /* sum_{i != j} H_ij sign(g_i g_j) */
    double abs_g;       /* sum_i |g_i| */
    double lr_max;      /* |g|^2 / g^T H g */
    double dL_max;      /* |g|^4 / (2 g^T H g) */
    double B_noise;     /* tr(Sigma H) / g^T H g */
    double B_simple;    /* tr(Sigma) / |g|^2 */
} grad_moments;

/* Sigma is probed through the problem's own noise model: for Gaussian noise its square root's
 * columns grad(x, z = e_j, B = 1) - g; for finite data the per-example deviations
 * (g_j - g)/sqrt(N) (population covariance); for online data the problem's own factor
 * (problem_type.noise_column). Costs n (or N) gradients and Hessian-vector
 * products. OD_ENOTSUP without a Hessian. */
int grad_moments_compute(const problem *pb, const double *x, grad_moments *m);
void grad_moments_free(grad_moments *m);

#endif
