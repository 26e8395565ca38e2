/* tests/test_lowrank.c — the low-rank toolbox against issue 28's acceptance numbers: Eckart-Young tail,
 * normal equations of the completions, ID within the pivoted-QR bound, CR unbiased with its variance. */
#include "testutil.h"
#include "../sim/core/lowrank.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double *work_of(size_t len) { return malloc((len ? len : 1) * sizeof(double)); }

static double frob(const double *A, size_t len)
{
    double t = 0.0;
    for (size_t i = 0; i < len; i++)
        t += A[i] * A[i];
    return sqrt(t);
}

/* M (m x n) = U diag(sigma) V^T with U, V orthonormal from seeded Gaussians, k = min(m, n). */
static void with_spectrum(size_t m, size_t n, const double *sigma, uint64_t tag, double *M)
{
    size_t k = m < n ? m : n;
    double *U = malloc(m * k * sizeof *U), *V = malloc(n * k * sizeof *V);
    double *w = work_of(lowrank_orth_work(m > n ? m : n, k));
    rng_stream s = rng_stream_make(5, RNG_INIT, tag);
    rng_normals(&s, 0, m * k, U);
    rng_normals(&s, 1, n * k, V);
    assert_int_equal(lowrank_orthonormalize(U, m, k, w), OD_OK);
    assert_int_equal(lowrank_orthonormalize(V, n, k, w), OD_OK);
    for (size_t i = 0; i < m; i++)
        for (size_t q = 0; q < k; q++)
            U[i * k + q] *= sigma[q];
    lowrank_mul(m, k, n, (lowrank_view){ U, k, 1 }, (lowrank_view){ V, 1, k }, M);
    free(U);
    free(V);
    free(w);
}

static void gaussian(size_t len, uint64_t tag, double *out)
{
    rng_stream s = rng_stream_make(9, RNG_INIT, tag);
    rng_normals(&s, 0, len, out);
}

/* Truncated SVD error = sqrt(sum_{i>r} sigma_i^2) to 1e-12, tall and wide; sign convention. */
static void test_tsvd_tail(void **state)
{
    (void)state;
    const size_t shapes[2][2] = { { 30, 20 }, { 12, 25 } };
    double worst = 0.0;
    for (int sh = 0; sh < 2; sh++) {
        size_t m = shapes[sh][0], n = shapes[sh][1], k = m < n ? m : n;
        double sigma[30], *M = malloc(m * n * sizeof *M), *Mr = malloc(m * n * sizeof *Mr);
        double *w = work_of(lowrank_tsvd_work(m, n));
        for (size_t i = 0; i < k; i++)
            sigma[i] = pow(0.8, (double)i);
        with_spectrum(m, n, sigma, 10 + (uint64_t)sh, M);
        double *U = malloc(m * k * sizeof *U), *V = malloc(n * k * sizeof *V), s[30];
        assert_int_equal(lowrank_svd(M, m, n, U, s, V, w), OD_OK);
        for (size_t q = 0; q < k; q++) {
            assert_true(q == 0 || s[q] <= s[q - 1]);            /* descending */
            size_t imax = 0;
            for (size_t i = 1; i < m; i++)
                if (fabs(U[i * k + q]) > fabs(U[imax * k + q]))
                    imax = i;
            assert_true(U[imax * k + q] > 0);                   /* the sign convention */
        }
        for (size_t r = 1; r < k; r++) {
            assert_int_equal(lowrank_tsvd(M, m, n, r, Mr, w), OD_OK);
            double tail = 0.0;
            for (size_t i = r; i < k; i++)
                tail += sigma[i] * sigma[i];
            for (size_t i = 0; i < m * n; i++)
                Mr[i] -= M[i];
            double rel = fabs(frob(Mr, m * n) - sqrt(tail)) / sqrt(tail);
            worst = fmax(worst, rel);
            assert_true(rel <= 1e-12);
        }
        free(M); free(Mr); free(w); free(U); free(V);
    }
    printf("tsvd: worst relative error of |M - M_r|_F vs sqrt(sum_{i>r} s_i^2): %.2e\n", worst);
}

/* A A^+ M and M B^+ B: normal-equation residuals <= 1e-12 (relative to |A|_F |M|_F), also for a
 * rank-deficient factor; the completion is a projection (applying it twice changes nothing). */
static void test_completions(void **state)
{
    (void)state;
    size_t m = 30, n = 8;
    double worst = 0.0;
    for (size_t k = 5; k <= 6; k++) {
        double *A = malloc(m * k * sizeof *A), *M = malloc(m * n * sizeof *M);
        double *out = malloc(m * n * sizeof *out), *out2 = malloc(m * n * sizeof *out2);
        double *w = work_of(lowrank_left_work(m, k, n) + lowrank_right_work(n, m, k));
        gaussian(m * k, 20 + k, A);
        gaussian(m * n, 30 + k, M);
        if (k == 6)                                  /* column 5 = column 0 + column 1 */
            for (size_t i = 0; i < m; i++)
                A[i * k + 5] = A[i * k + 0] + A[i * k + 1];
        assert_int_equal(lowrank_complete_left(A, m, k, M, n, out, w), OD_OK);
        double res = 0.0;
        for (size_t a = 0; a < k; a++)               /* A^T (A X - M) */
            for (size_t j = 0; j < n; j++) {
                double t = 0.0;
                for (size_t i = 0; i < m; i++)
                    t += A[i * k + a] * (out[i * n + j] - M[i * n + j]);
                res += t * t;
            }
        res = sqrt(res) / (frob(A, m * k) * frob(M, m * n));
        worst = fmax(worst, res);
        assert_true(res <= 1e-12);
        assert_int_equal(lowrank_complete_left(A, m, k, out, n, out2, w), OD_OK);
        for (size_t i = 0; i < m * n; i++)
            assert_true(fabs(out2[i] - out[i]) <= 1e-12 * frob(M, m * n));
        /* right: Mt (n x m) B^+ B with B = A^T (k x m): residual (X B - Mt) B^T */
        double *Bm = malloc(k * m * sizeof *Bm), *Mt = malloc(n * m * sizeof *Mt);
        for (size_t i = 0; i < m; i++) {
            for (size_t a = 0; a < k; a++)
                Bm[a * m + i] = A[i * k + a];
            for (size_t j = 0; j < n; j++)
                Mt[j * m + i] = M[i * n + j];
        }
        assert_int_equal(lowrank_complete_right(Mt, n, m, Bm, k, out, w), OD_OK);
        res = 0.0;
        for (size_t j = 0; j < n; j++)
            for (size_t a = 0; a < k; a++) {
                double t = 0.0;
                for (size_t i = 0; i < m; i++)
                    t += (out[j * m + i] - Mt[j * m + i]) * Bm[a * m + i];
                res += t * t;
            }
        res = sqrt(res) / (frob(A, m * k) * frob(M, m * n));
        worst = fmax(worst, res);
        assert_true(res <= 1e-12);
        free(A); free(M); free(out); free(out2); free(w); free(Bm); free(Mt);
    }
    printf("completions: worst relative normal-equation residual %.2e\n", worst);
}

/* ID: |M - C Z|_F = |R22|_F, Eckart-Young <= err <= sqrt((k-r)(n-r)) 2^r sigma_{r+1}; Q spans C. */
static void test_id(void **state)
{
    (void)state;
    size_t m = 40, n = 30, k = 30;
    double sigma[30], *M = malloc(m * n * sizeof *M), *Z = malloc(n * n * sizeof *Z);
    double *Q = malloc(m * n * sizeof *Q), *w = work_of(lowrank_id_work(m, n)), *D = malloc(m * n * sizeof *D);
    size_t cols[30];
    for (size_t i = 0; i < k; i++)
        sigma[i] = pow(0.7, (double)i);
    with_spectrum(m, n, sigma, 40, M);
    printf("ID by pivoted QR: r, |M - CZ|_F / sigma_{r+1}, Eckart-Young floor / sigma_{r+1}\n");
    for (size_t r = 1; r <= 12; r++) {
        double err;
        assert_int_equal(lowrank_id(M, m, n, r, cols, Z, Q, &err, w), OD_OK);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                double t = 0.0;
                for (size_t q = 0; q < r; q++)
                    t += M[i * n + cols[q]] * Z[q * n + j];
                D[i * n + j] = M[i * n + j] - t;
            }
        double direct = frob(D, m * n), tail = 0.0;
        for (size_t i = r; i < k; i++)
            tail += sigma[i] * sigma[i];
        assert_true(fabs(direct - err) <= 1e-12 * frob(M, m * n));
        assert_true(err >= sqrt(tail) * (1 - 1e-12));
        assert_true(err <= sqrt((double)((k - r) * (n - r))) * ldexp(1.0, (int)r) * sigma[r]);
        if (r % 3 == 0)
            printf("  %2zu  %.4f  %.4f\n", r, err / sigma[r], sqrt(tail) / sigma[r]);
        for (size_t a = 0; a < r; a++) {               /* Q orthonormal, C = Q (Q^T C) */
            for (size_t b = 0; b < r; b++) {
                double t = 0.0;
                for (size_t i = 0; i < m; i++)
                    t += Q[i * r + a] * Q[i * r + b];
                assert_true(fabs(t - (a == b)) <= 1e-12);
            }
        }
        for (size_t c = 0; c < r; c++) {
            double res = 0.0;
            for (size_t i = 0; i < m; i++) {
                double proj = 0.0;
                for (size_t a = 0; a < r; a++) {
                    double d = 0.0;
                    for (size_t l = 0; l < m; l++)
                        d += Q[l * r + a] * M[l * n + cols[c]];
                    proj += Q[i * r + a] * d;
                }
                res += pow(proj - M[i * n + cols[c]], 2);
            }
            assert_true(sqrt(res) <= 1e-12 * frob(M, m * n));
        }
    }
    free(M); free(Z); free(Q); free(w); free(D);
}

/* CR: the mean of 1e5 estimates within 4 SE of X Y entry by entry; the mean squared Frobenius
 * error within 3% of the closed form, for uniform, norm and optimal probabilities. */
static void test_cr(void **state)
{
    (void)state;
    size_t m = 6, N = 40, n = 5, r = 4, D = 100000;
    double X[6 * 40], Y[40 * 5], XY[30], p[40], est[30], u[4], cdfw[40];
    gaussian(m * N, 50, X);
    gaussian(N * n, 51, Y);
    for (size_t j = 0; j < N; j++) {                 /* heterogeneous pairs */
        double s = exp(2.0 * (double)j / (double)N);
        for (size_t i = 0; i < m; i++)
            X[i * N + j] *= s;
    }
    lowrank_mul(m, N, n, (lowrank_view){ X, N, 1 }, (lowrank_view){ Y, n, 1 }, XY);
    double var_of[3];
    for (int rule = LOWRANK_CR_UNIFORM; rule <= LOWRANK_CR_OPTIMAL; rule++) {
        double sum[30] = { 0 }, sum2[30] = { 0 }, fro = 0.0;
        lowrank_cr_probs((lowrank_cr_rule)rule, X, m, N, Y, n, p);
        rng_stream s = rng_stream_make(3, RNG_PROBE, (uint64_t)rule);
        for (size_t d = 0; d < D; d++) {
            rng_uniforms(&s, d, r, u);
            lowrank_cr_sample(X, m, N, Y, n, p, r, u, est, cdfw);
            for (size_t i = 0; i < m * n; i++) {
                double e = est[i] - XY[i];
                sum[i] += e;
                sum2[i] += e * e;
                fro += e * e;
            }
        }
        double worst_z = 0.0;
        for (size_t i = 0; i < m * n; i++) {
            double mean = sum[i] / (double)D, sd = sqrt(sum2[i] / (double)D - mean * mean);
            double z = fabs(mean) / (sd / sqrt((double)D));
            worst_z = fmax(worst_z, z);
            assert_true(z <= 4.0);
        }
        double formula = lowrank_cr_variance(X, m, N, Y, n, p, r), measured = fro / (double)D;
        var_of[rule] = formula;
        printf("CR %-7s: worst |mean - XY| %.2f SE over %zu entries; E|est - XY|_F^2 measured %.5g, "
               "formula %.5g (ratio %.4f)\n", lowrank_cr_names[rule], worst_z, m * n, measured,
               formula, measured / formula);
        assert_true(fabs(measured / formula - 1.0) <= 0.03);
    }
    assert_true(var_of[LOWRANK_CR_OPTIMAL] <= var_of[LOWRANK_CR_UNIFORM]);
    assert_true(var_of[LOWRANK_CR_OPTIMAL] <= var_of[LOWRANK_CR_NORM]);
}

/* Range finder: E|M - Q Q^T M|_F <= sqrt(1 + r/(p-1)) sqrt(sum_{j>r} sigma_j^2) (Halko et al. 2011,
 * Theorem 10.5) over 200 sketches; one power iteration lowers the error. */
static void test_range(void **state)
{
    (void)state;
    size_t m = 50, n = 40, r = 5, p = 5, l = r + p, S = 200;
    double sigma[40], *M = malloc(m * n * sizeof *M), *Q = malloc(m * l * sizeof *Q);
    double Om[40 * 10], *w = work_of(lowrank_range_work(m, n, l)), *T = malloc(l * n * sizeof *T);
    for (size_t i = 0; i < n; i++)
        sigma[i] = 1.0 / (1.0 + (double)i);
    with_spectrum(m, n, sigma, 60, M);
    double tail = 0.0, mean_err[2] = { 0, 0 };
    for (size_t i = r; i < n; i++)
        tail += sigma[i] * sigma[i];
    for (long q = 0; q <= 1; q++)
        for (size_t d = 0; d < S; d++) {
            gaussian(n * l, 1000 + d, Om);
            assert_int_equal(lowrank_range(M, m, n, Om, l, q, Q, w), OD_OK);
            double e = 0.0;
            lowrank_mul(l, m, n, (lowrank_view){ Q, 1, l }, (lowrank_view){ M, n, 1 }, T);
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < n; j++) {
                    double t = M[i * n + j];
                    for (size_t a = 0; a < l; a++)
                        t -= Q[i * l + a] * T[a * n + j];
                    e += t * t;
                }
            mean_err[q] += sqrt(e) / (double)S;
        }
    double bound = sqrt(1.0 + (double)r / (double)(p - 1)) * sqrt(tail);
    printf("range finder r=%zu p=%zu: mean error %.4f (q=0), %.4f (q=1), bound %.4f, "
           "Eckart-Young floor at r %.4f\n", r, p, mean_err[0], mean_err[1], bound, sqrt(tail));
    assert_true(mean_err[0] <= bound);
    assert_true(mean_err[1] < mean_err[0]);
    free(M); free(Q); free(w); free(T);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsvd_tail),
        cmocka_unit_test(test_completions),
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_cr),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
