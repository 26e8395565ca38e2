/* sim/core/lanczos.h — the top-k eigenpairs of a symmetric linear operator (a Hessian through its
 * exact Hessian-vector products) by Lanczos with full reorthogonalization; no allocation. */
#ifndef OPTDYN_LANCZOS_H
#define OPTDYN_LANCZOS_H

#include <stddef.h>

#include "problem.h"

/* av = A v for the symmetric operator A (n x n) described by ctx; returns a status. */
typedef int (*lanczos_op)(void *ctx, const double *v, double *av);

/* Doubles of scratch lanczos_top needs for dimension n and at most m iterations. */
size_t lanczos_work_size(size_t n, size_t m);

/* What a call did: iterations (= operator applications) and the largest residual
 * |A u_i - theta_i u_i| of the returned pairs relative to max |theta|. */
typedef struct lanczos_info {
    size_t iters;
    double residual;
} lanczos_info;

/* The k largest eigenvalues of A, descending, into eval (k), and their unit eigenvectors into
 * evec (k x n, row i = pair i; may be NULL). At most m <= n iterations; stops when every
 * returned Ritz pair has residual <= tol * max|theta| (or the Krylov space is all of R^n).
 * start (n, may be NULL): the first Lanczos vector gets it plus 1e-2 |start| of a fixed
 * pseudo-random vector, so that a warm start (the sum of the previous eigenvectors) cannot
 * hide new directions. work: lanczos_work_size(n, m) doubles. OD_EDOM when not converged in
 * m iterations (eval, evec then hold the best Ritz pairs). */
int lanczos_top(size_t n, size_t k, size_t m, lanczos_op op, void *ctx, const double *start,
                double tol, double *work, double *eval, double *evec, lanczos_info *info);

/* The operator v -> D H(x) D v of problem pb at x (D = diag(d), or the identity when d is NULL):
 * with d = P^(-1/2) its eigenvalues are those of P^-1 H. tmp: n doubles of scratch. */
typedef struct lanczos_hessian {
    const problem *pb;
    const double *x, *d;
    double *tmp;
} lanczos_hessian;
int lanczos_hessian_op(void *ctx, const double *v, double *av);

#endif
