/* sim/core/lanczos.c — Lanczos with full reorthogonalization for the top eigenpairs of a symmetric
 * operator. With q_0 = start/|start|, the basis Q_j = [q_0..q_j] and
 *   w = A q_j - alpha_j q_j - beta_(j-1) q_(j-1),  alpha_j = q_j.A q_j,
 *   w <- w - Q_j (Q_j^T w) twice (classical Gram-Schmidt, "twice is enough"),
 *   beta_j = |w|, q_(j+1) = w / beta_j,
 * Q_j^T A Q_j = T_j, the tridiagonal (alpha, beta); a Ritz pair (theta, s) of T_j gives
 * u = Q_j s with |A u - theta u| = beta_j |s_j| (last component). T_j's eigenproblem is solved by
 * GSL's symmetric QR (gsl_eigen_symmv), its public workspace struct pointed into our scratch so
 * that no call allocates (the flow's right-hand side calls this at every stage). A breakdown
 * (beta_j <= tol |T|: an invariant subspace, e.g. a repeated eigenvalue) continues with a fresh
 * pseudo-random vector orthogonal to Q_j, so multiplicities are found too. */
#include "lanczos.h"
#include "splitmix.h"
#include "status.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

size_t lanczos_work_size(size_t n, size_t m)
{
    if (m > n)
        m = n;
    /* Q (m+1 rows), w, alpha, beta, theta, GSL's workspace (4m), T and its eigenvectors */
    return (m + 1) * n + n + 7 * m + 2 * m * m;
}

/* A fixed pseudo-random vector (splitmix64 of (i, salt)), uniform in [-1, 1). */
static void pseudo_random(size_t n, unsigned long salt, double *v)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t z = splitmix_mix((uint64_t)i * SPLITMIX_GAMMA +
                                  (uint64_t)salt * SPLITMIX_M1 + 0x1234567ULL);
        v[i] = (double)(z >> 11) * 0x1.0p-52 - 1.0;
    }
}

static double dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* w <- w - Q Q^T w over the first rows of Q, twice; returns |w|. */
static double orthogonalize(size_t n, size_t rows, const double *Q, double *w)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < rows; i++) {
            double c = dot(n, Q + i * n, w);
            for (size_t l = 0; l < n; l++)
                w[l] -= c * Q[i * n + l];
        }
    return sqrt(dot(n, w, w));
}

/* A fresh unit vector orthogonal to the rows of Q into q (0 when none is left). */
static int fresh_vector(size_t n, size_t rows, const double *Q, unsigned long salt, double *q)
{
    for (int tries = 0; tries < 4; tries++) {
        pseudo_random(n, salt + 7919u * (unsigned long)tries, q);
        double before = sqrt(dot(n, q, q)), nrm = orthogonalize(n, rows, Q, q);
        if (nrm > 1e-8 * before) {
            for (size_t l = 0; l < n; l++)
                q[l] /= nrm;
            return 1;
        }
    }
    return 0;
}

/* Ritz pairs of the J x J tridiagonal (alpha, beta) into theta (descending) and S (J x J,
 * column i = eigenvector i). */
static int ritz(size_t J, const double *alpha, const double *beta, double *T, double *theta,
                double *S, double *ws)
{
    memset(T, 0, J * J * sizeof *T);
    for (size_t i = 0; i < J; i++) {
        T[i * J + i] = alpha[i];
        if (i + 1 < J)
            T[i * J + i + 1] = T[(i + 1) * J + i] = beta[i];
    }
    gsl_matrix_view Tv = gsl_matrix_view_array(T, J, J), Sv = gsl_matrix_view_array(S, J, J);
    gsl_vector_view ev = gsl_vector_view_array(theta, J);
    gsl_eigen_symmv_workspace w = { J, ws, ws + J, ws + 2 * J, ws + 3 * J };
    if (gsl_eigen_symmv(&Tv.matrix, &ev.vector, &Sv.matrix, &w))
        return OD_EDOM;
    gsl_eigen_symmv_sort(&ev.vector, &Sv.matrix, GSL_EIGEN_SORT_VAL_DESC);
    return OD_OK;
}

int lanczos_top(size_t n, size_t k, size_t m, lanczos_op op, void *ctx, const double *start,
                double tol, double *work, double *eval, double *evec, lanczos_info *info)
{
    if (m > n)
        m = n;
    if (k == 0 || k > m)
        return OD_EDOM;
    double *Q = work, *w = Q + (m + 1) * n, *alpha = w + n, *beta = alpha + m, *theta = beta + m;
    double *ws = theta + m, *T = ws + 4 * m, *S = T + m * m;
    /* q_0: the start plus a small fixed random part (or the random vector alone) */
    pseudo_random(n, 1u, Q);
    double snorm = start ? sqrt(dot(n, start, start)) : 0.0;
    if (snorm > 0.0) {
        double r = 1e-2 * snorm / sqrt(dot(n, Q, Q));
        for (size_t l = 0; l < n; l++)
            Q[l] = start[l] + r * Q[l];
    }
    double nrm = sqrt(dot(n, Q, Q));
    for (size_t l = 0; l < n; l++)
        Q[l] /= nrm;
    int status = OD_OK, converged = 0, broke = 0;
    size_t J = 0, b0 = 0;           /* b0: first row of the current Krylov block */
    double res = INFINITY, anorm = 0.0;
    for (size_t j = 0; j < m && !converged; j++) {
        const double *q = Q + j * n;
        if ((status = op(ctx, q, w)) != OD_OK)
            return status;
        alpha[j] = dot(n, q, w);
        for (size_t l = 0; l < n; l++)
            w[l] -= alpha[j] * q[l] + (j ? beta[j - 1] * Q[(j - 1) * n + l] : 0.0);
        beta[j] = orthogonalize(n, j + 1, Q, w);
        J = j + 1;
        /* |T| by Gershgorin; beta_j <= tol |T| means Q_j is invariant to the tolerance: every Ritz
         * pair of it has converged, and only a fresh vector can show more (a breakdown) */
        anorm = fmax(anorm, fabs(alpha[j]) + beta[j] + (j ? beta[j - 1] : 0.0));
        int breakdown = !(beta[j] > fmax(tol, 64.0 * DBL_EPSILON) * anorm);
        if (breakdown)
            beta[j] = 0.0;
        /* After a breakdown, residuals cannot tell a missed copy of a multiple eigenvalue: the
         * run continues block by block, each a full Krylov space of a fresh vector in the
         * complement of the previous ones, and stops once a block's largest Ritz value (the
         * complement's largest eigenvalue) falls below the k-th of all. */
        if (J >= k && (breakdown || !broke || J == m || J == n)) {
            double block_top = INFINITY;
            if (breakdown && broke) {
                if ((status = ritz(J - b0, alpha + b0, beta + b0, T, theta, S, ws)) != OD_OK)
                    return status;
                block_top = theta[0];
            }
            if ((status = ritz(J, alpha, beta, T, theta, S, ws)) != OD_OK)
                return status;
            double big = fmax(fabs(theta[0]), fabs(theta[J - 1]));
            res = 0.0;
            for (size_t i = 0; i < k; i++)
                res = fmax(res, fabs(beta[j] * S[(J - 1) * J + i]) / (big > 0 ? big : 1.0));
            converged = J == n || (!breakdown && !broke && res <= tol) ||
                        (breakdown && broke && block_top < theta[k - 1] - tol * big);
        }
        if (converged || J == m)
            break;
        if (breakdown) {
            broke = 1;
            b0 = J;
            if (!fresh_vector(n, J, Q, 2u + j, Q + J * n)) {   /* Q spans R^n already */
                converged = 1;
                break;
            }
        } else {
            for (size_t l = 0; l < n; l++)
                Q[J * n + l] = w[l] / beta[j];
        }
    }
    if (J < k)
        return OD_EDOM;
    for (size_t i = 0; i < k; i++) {
        eval[i] = theta[i];
        if (evec) {
            double *u = evec + i * n;
            memset(u, 0, n * sizeof *u);
            for (size_t r = 0; r < J; r++)
                for (size_t l = 0; l < n; l++)
                    u[l] += S[r * J + i] * Q[r * n + l];
        }
    }
    if (info)
        *info = (lanczos_info){ J, J == n ? 0.0 : res };
    return converged || J == n ? OD_OK : OD_EDOM;
}

int lanczos_hessian_op(void *ctx, const double *v, double *av)
{
    const lanczos_hessian *h = ctx;
    size_t n = h->pb->n;
    const double *in = v;
    if (h->d) {
        for (size_t i = 0; i < n; i++)
            h->tmp[i] = h->d[i] * v[i];
        in = h->tmp;
    }
    int status = h->pb->type->hvp ? h->pb->type->hvp(h->pb, h->x, in, av) : OD_ENOTSUP;
    if (h->d)
        for (size_t i = 0; i < n; i++)
            av[i] *= h->d[i];
    return status;
}
