/* optimizers/lora_pro_solve.c — LoRA-Pro's closed form and Sylvester C (lora_pro_solve.h), with GSL:
 * r x r eigendecompositions by Jacobi rotations (no workspace, so update rules stay allocation-free)
 * and products by BLAS on views of row-major arrays. */
#include "lora_pro_solve.h"
#include "../sim/core/matmul.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>

size_t lora_pro_work_size(size_t m, size_t r, size_t k)
{
    (void)m, (void)k;
    return 7 * r * r + 2 * r;
}

/* S (r x r, symmetric; destroyed) = Q diag(d) Q^T; d_i below 1e-12 max d set to 0. */
static void eig(double *S, size_t r, double *Q, double *d)
{
    gsl_matrix_view s = gsl_matrix_view_array(S, r, r), q = gsl_matrix_view_array(Q, r, r);
    gsl_vector_view v = gsl_vector_view_array(d, r);
    unsigned nrot;
    gsl_eigen_jacobi(&s.matrix, &v.vector, &q.matrix, 100, &nrot);   /* at most 100 sweeps */
    double top = 0.0;
    for (size_t i = 0; i < r; i++)
        top = fmax(top, d[i]);
    for (size_t i = 0; i < r; i++)
        if (d[i] <= 1e-12 * top)
            d[i] = 0.0;
}

/* P (r x r) = Q diag(1/d, 0 where d = 0) Q^T. */
static void pinv(const double *Q, const double *d, size_t r, double *P)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < r; j++) {
            double s = 0.0;
            for (size_t l = 0; l < r; l++)
                s += d[l] > 0 ? Q[i * r + l] * Q[j * r + l] / d[l] : 0.0;
            P[i * r + j] = s;
        }
}

void lora_pro_solve(const double *A, const double *B, const double *GA, const double *GB,
                    const double *C, size_t m, size_t r, size_t k, double *HA, double *HB,
                    double *work)
{
    double *Q1 = work, *Q2 = Q1 + r * r, *P1 = Q2 + r * r, *P2 = P1 + r * r, *S = P2 + r * r,
           *R = S + r * r, *T = R + r * r, *d1 = T + r * r, *d2 = d1 + r;
    matmul(1, 0, r, r, m, 1.0, A, A, 0.0, S);                  /* A^T A */
    eig(S, r, Q1, d1);
    pinv(Q1, d1, r, P1);
    matmul(0, 1, r, r, k, 1.0, B, B, 0.0, S);                  /* B B^T */
    eig(S, r, Q2, d2);
    pinv(Q2, d2, r, P2);
    matmul(0, 0, m, r, r, 1.0, GA, P2, 0.0, HA);               /* X0 = G_A (B B^T)^+ */
    matmul(0, 0, r, k, r, 1.0, P1, GB, 0.0, HB);               /* Y0 = (A^T A)^+ G_B */
    matmul(0, 1, r, r, k, 1.0, HB, B, 0.0, S);                 /* Y0 B^T */
    matmul(0, 0, r, r, r, 1.0, S, P2, 0.0, T);                 /* Y0 B^T (B B^T)^+ */
    matmul(0, 0, r, k, r, -1.0, T, B, 1.0, HB);                /* Y0 (I - P_B) */
    if (!C) {
        matmul(1, 0, r, r, m, -1.0, A, HA, 0.0, R);            /* R = -A^T X0 */
        matmul(1, 0, r, r, r, 1.0, Q1, R, 0.0, S);
        matmul(0, 0, r, r, r, 1.0, S, Q2, 0.0, T);             /* Q1^T R Q2 */
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < r; j++) {
                double den = d1[i] + d2[j];
                T[i * r + j] = den > 0 ? T[i * r + j] / den : 0.0;
            }
        matmul(0, 0, r, r, r, 1.0, Q1, T, 0.0, S);
        matmul(0, 1, r, r, r, 1.0, S, Q2, 0.0, R);             /* C = Q1 T Q2^T */
        C = R;
    }
    matmul(0, 0, m, r, r, 1.0, A, C, 1.0, HA);                 /* H_A = X0 + A C */
    matmul(0, 0, r, k, r, -1.0, C, B, 1.0, HB);                /* H_B = Y0 - C B */
}
