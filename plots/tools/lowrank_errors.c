/* plots/tools/lowrank_errors.c — the data of figure lowrank-errors: |M - M_r|_F of each low-rank tool
 * against r on a 60 x 40 matrix with singular values 1/i, beside the Eckart-Young floor (TSV on stdout). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../sim/core/lowrank.h"
#include "../../sim/core/rng.h"

enum { M_ROWS = 60, N_COLS = 40, SKETCHES = 20, CR_DRAWS = 200 };

static double frob_diff(const double *A, const double *B, size_t len)
{
    double t = 0.0;
    for (size_t i = 0; i < len; i++)
        t += (A[i] - B[i]) * (A[i] - B[i]);
    return sqrt(t);
}

/* out = Q Q^T M (Q m x l orthonormal); T: l n doubles. */
static void project(const double *Q, size_t m, size_t l, const double *M, size_t n, double *T,
                    double *out)
{
    lowrank_mul(l, m, n, (lowrank_view){ Q, 1, l }, (lowrank_view){ M, n, 1 }, T);
    lowrank_mul(m, l, n, (lowrank_view){ Q, l, 1 }, (lowrank_view){ T, n, 1 }, out);
}

int main(void)
{
    size_t m = M_ROWS, n = N_COLS, k = N_COLS;
    static double U[M_ROWS * N_COLS], V[N_COLS * N_COLS], X[M_ROWS * N_COLS], M[M_ROWS * N_COLS];
    static double A[M_ROWS * N_COLS], Z[N_COLS * N_COLS], Y[N_COLS * N_COLS], Q[M_ROWS * N_COLS], Om[N_COLS * N_COLS];
    double sigma[N_COLS], p[N_COLS], u[N_COLS];
    size_t cols[N_COLS];
    double *w = malloc((lowrank_tsvd_work(m, n) + lowrank_id_work(m, n) +
                        lowrank_range_work(m, n, n) + lowrank_orth_work(m, n) + m) * sizeof *w);
    if (!w)
        return 1;
    rng_stream s = rng_stream_make(28, RNG_INIT, 0);
    rng_normals(&s, 0, m * k, U);
    rng_normals(&s, 1, n * k, V);
    lowrank_orthonormalize(U, m, k, w);
    lowrank_orthonormalize(V, n, k, w);
    for (size_t i = 0; i < k; i++)
        sigma[i] = 1.0 / (double)(i + 1);
    for (size_t i = 0; i < m; i++)                   /* M = X Y, X = U diag(s), Y = V^T */
        for (size_t q = 0; q < k; q++)
            X[i * k + q] = U[i * k + q] * sigma[q];
    lowrank_mul(m, k, n, (lowrank_view){ X, k, 1 }, (lowrank_view){ V, 1, k }, M);
    for (size_t i = 0; i < k; i++)                  /* Y = V^T (k x n) */
        for (size_t j = 0; j < n; j++)
            Y[i * n + j] = V[j * k + i];
    lowrank_cr_probs(LOWRANK_CR_OPTIMAL, X, m, k, Y, n, p);
    printf("rank\teckart_young\ttsvd\tid\trandom_q0\trandom_q1\tcr_formula\tcr_measured\n");
    for (size_t r = 1; r < k; r++) {
        double floor2 = 0.0, err, id_err, rnd[2] = { 0, 0 }, cr = 0.0;
        for (size_t i = r; i < k; i++)
            floor2 += sigma[i] * sigma[i];
        lowrank_tsvd(M, m, n, r, A, w);
        err = frob_diff(M, A, m * n);
        lowrank_id(M, m, n, r, cols, Z, NULL, &id_err, w);
        for (long q = 0; q <= 1; q++)
            for (size_t d = 0; d < SKETCHES; d++) {
                rng_stream so = rng_stream_make(28, RNG_SKETCH, r);
                rng_normals(&so, (uint64_t)(q * SKETCHES + (long)d), n * r, Om);
                lowrank_range(M, m, n, Om, r, q, Q, w);
                project(Q, m, r, M, n, Z, A);
                rnd[q] += frob_diff(M, A, m * n) / SKETCHES;
            }
        double cr_var = lowrank_cr_variance(X, m, k, Y, n, p, r);
        rng_stream sc = rng_stream_make(28, RNG_PROBE, r);
        for (size_t d = 0; d < CR_DRAWS; d++) {
            rng_uniforms(&sc, d, r, u);
            lowrank_cr_sample(X, m, k, Y, n, p, r, u, A, w);
            double e = frob_diff(M, A, m * n);
            cr += e * e / CR_DRAWS;
        }
        printf("%zu\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", r, sqrt(floor2), err,
               id_err, rnd[0], rnd[1], sqrt(cr_var), sqrt(cr));
    }
    free(w);
    return 0;
}
