/* sim/kinds/sme_exact.h — the exact one-step transition of a linear SDE dX = (J X + f0) dt + D dW
 * with symmetric J (an Ornstein-Uhlenbeck process), sampled jointly with the step's Brownian
 * increment, so that an SME path needs no integrator and has no discretization bias. */
#ifndef OPTDYN_SME_EXACT_H
#define OPTDYN_SME_EXACT_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"

/* Over one step h, with z = W(h)/sqrt(h) and an independent xi ~ N(0, I):
 *   X(h) = E X(0) + c + Bz z + Bx xi
 * (E = e^{Jh}, c = h phi1(Jh) f0, Bz z = E[noise | z], Bx Bx^T = Cov[noise | z]). Matrices are
 * n x n row-major, or their diagonals only when `diag` (J and D diagonal). */
typedef struct sme_exact {
    size_t n;
    int diag;
    double *E, *c, *Bz, *Bx;
} sme_exact;

/* The transition over a step h of the SME with drift f (hyperparameters p, tied to lr) and
 * diffusion sqrt(lr) (Sigma/B)^(1/2). OD_OK when the SME is linear with a symmetric
 * drift Jacobian: f is affine on problems with a constant Hessian (f->affine and pb->spectrum)
 * and the noise is Gaussian with constant covariance. OD_ENOTSUP otherwise (then *t is empty);
 * OD_ENOMEM, or OD_EDOM when GSL's eigensolver fails. */
int sme_exact_alloc(sme_exact *t, const opt_flow *f, const opt_params *p, const problem *pb,
                    double B, double h);
void sme_exact_free(sme_exact *t);

/* X <- E X + c + Bz z + Bx xi; tmp: n doubles. */
void sme_exact_step(const sme_exact *t, const double *z, const double *xi, double *X,
                    double *tmp);

#endif
