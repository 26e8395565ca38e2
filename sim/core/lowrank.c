/* sim/core/lowrank.c — the low-rank toolbox: SVD with a fixed sign convention, truncated SVD,
 * pseudo-inverse completions, CR sampling, ID by column-pivoted QR, randomized range finder. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>

#include "lowrank.h"
#include "status.h"

#define EPS 2.220446049250313e-16

const char *const lowrank_cr_names[] = { "uniform", "norm", "optimal", NULL };

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static size_t max_sz(size_t a, size_t b) { return a > b ? a : b; }

/* out (c x r) = in^T, in r x c. */
static void transpose(const double *in, size_t r, size_t c, double *out)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            out[j * r + i] = in[i * c + j];
}

void lowrank_mul(size_t p, size_t k, size_t q, lowrank_view A, lowrank_view B, double *C)
{
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < q; j++) {
            double t = 0.0;
            for (size_t l = 0; l < k; l++)
                t += A.a[i * A.row + l * A.col] * B.a[l * B.row + j * B.col];
            C[i * q + j] = t;
        }
}

size_t lowrank_svd_work(size_t m, size_t n)
{
    size_t k = min_sz(m, n);
    return max_sz(m, n) * k + k * k;
}

int lowrank_svd(const double *M, size_t m, size_t n, double *U, double *s, double *V,
                double *work)
{
    size_t p = max_sz(m, n), k = min_sz(m, n);
    for (size_t i = 0; i < m * n; i++)
        if (!isfinite(M[i]))
            return OD_EDOM;
    double *A = work, *W = work + p * k;
    if (m >= n)
        memcpy(A, M, m * n * sizeof *M);
    else
        transpose(M, m, n, A);                  /* M^T = A W^T: U = W, V = A */
    gsl_matrix_view Av = gsl_matrix_view_array(A, p, k), Wv = gsl_matrix_view_array(W, k, k);
    gsl_vector_view sv = gsl_vector_view_array(s, k);
    if (gsl_linalg_SV_decomp_jacobi(&Av.matrix, &Wv.matrix, &sv.vector))
        return OD_EDOM;
    memcpy(U, m >= n ? A : W, m * k * sizeof *U);
    memcpy(V, m >= n ? W : A, n * k * sizeof *V);
    for (size_t j = 0; j < k; j++) {            /* largest |U_ij| of column j positive */
        size_t imax = 0;
        for (size_t i = 1; i < m; i++)
            if (fabs(U[i * k + j]) > fabs(U[imax * k + j]))
                imax = i;
        if (U[imax * k + j] < 0) {
            for (size_t i = 0; i < m; i++)
                U[i * k + j] = -U[i * k + j];
            for (size_t i = 0; i < n; i++)
                V[i * k + j] = -V[i * k + j];
        }
    }
    return OD_OK;
}

size_t lowrank_tsvd_work(size_t m, size_t n)
{
    size_t k = min_sz(m, n);
    return lowrank_svd_work(m, n) + (m + n + 1) * k;
}

int lowrank_tsvd(const double *M, size_t m, size_t n, size_t r, double *Mr, double *work)
{
    size_t k = min_sz(m, n);
    double *U = work, *s = U + m * k, *V = s + k;
    int status = lowrank_svd(M, m, n, U, s, V, V + n * k);
    if (status != OD_OK)
        return status;
    size_t rr = r < k ? r : k;
    for (size_t i = 0; i < m; i++)             /* U_r diag(s_r), in place */
        for (size_t q = 0; q < rr; q++)
            U[i * k + q] *= s[q];
    lowrank_mul(m, rr, n, (lowrank_view){ U, k, 1 }, (lowrank_view){ V, 1, k }, Mr);
    return OD_OK;
}

size_t lowrank_left_work(size_t m, size_t k, size_t n)
{
    size_t kk = min_sz(m, k);
    return lowrank_svd_work(m, k) + (m + k + 1 + n) * kk;
}

int lowrank_complete_left(const double *A, size_t m, size_t k, const double *M, size_t n,
                          double *out, double *work)
{
    size_t kk = min_sz(m, k);
    double *U = work, *s = U + m * kk, *V = s + kk, *T = V + k * kk, *w = T + kk * n;
    int status = lowrank_svd(A, m, k, U, s, V, w);
    if (status != OD_OK)
        return status;
    size_t q = 0;                               /* numerical rank */
    while (q < kk && s[q] > (double)max_sz(m, k) * EPS * s[0])
        q++;
    lowrank_mul(q, m, n, (lowrank_view){ U, 1, kk }, (lowrank_view){ M, n, 1 }, T);   /* U_q^T M */
    lowrank_mul(m, q, n, (lowrank_view){ U, kk, 1 }, (lowrank_view){ T, n, 1 }, out);
    return OD_OK;
}

size_t lowrank_right_work(size_t m, size_t n, size_t k)
{
    return n * k + 2 * n * m + lowrank_left_work(n, k, m);
}

/* (M B^+ B)^T = B^T (B^T)^+ M^T: the left completion of the transposes. */
int lowrank_complete_right(const double *M, size_t m, size_t n, const double *B, size_t k,
                           double *out, double *work)
{
    double *Bt = work, *Mt = Bt + n * k, *Ot = Mt + n * m;
    transpose(B, k, n, Bt);
    transpose(M, m, n, Mt);
    int status = lowrank_complete_left(Bt, n, k, Mt, m, Ot, Ot + n * m);
    if (status == OD_OK)
        transpose(Ot, n, m, out);
    return status;
}

/* |x_j|^2 (column j of X, m x N) and |y_j|^2 (row j of Y, N x n). */
static double col_sq(const double *X, size_t m, size_t N, size_t j)
{
    double t = 0.0;
    for (size_t i = 0; i < m; i++)
        t += X[i * N + j] * X[i * N + j];
    return t;
}

static double row_sq(const double *Y, size_t n, size_t j)
{
    double t = 0.0;
    for (size_t i = 0; i < n; i++)
        t += Y[j * n + i] * Y[j * n + i];
    return t;
}

void lowrank_cr_probs(lowrank_cr_rule rule, const double *X, size_t m, size_t N, const double *Y,
                      size_t n, double *p)
{
    double sum = 0.0;
    for (size_t j = 0; j < N; j++) {
        double x2 = col_sq(X, m, N, j);
        p[j] = rule == LOWRANK_CR_UNIFORM ? 1.0
             : rule == LOWRANK_CR_NORM ? x2 : sqrt(x2 * row_sq(Y, n, j));
        sum += p[j];
    }
    for (size_t j = 0; j < N; j++)
        p[j] = sum > 0 ? p[j] / sum : 1.0 / (double)N;
}

double lowrank_cr_variance(const double *X, size_t m, size_t N, const double *Y, size_t n,
                           const double *p, size_t r)
{
    double second = 0.0, xy2 = 0.0;
    for (size_t j = 0; j < N; j++) {
        double w = col_sq(X, m, N, j) * row_sq(Y, n, j);
        if (w > 0)
            second += p[j] > 0 ? w / p[j] : INFINITY;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < n; k++) {
            double t = 0.0;
            for (size_t j = 0; j < N; j++)
                t += X[i * N + j] * Y[j * n + k];
            xy2 += t * t;
        }
    return (second - xy2) / (double)r;
}

size_t lowrank_cr_index(const double *cdf, size_t N, double u)
{
    size_t lo = 0, hi = N - 1;                  /* first j with u < cdf[j], at most N - 1 */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < cdf[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void lowrank_cr_sample(const double *X, size_t m, size_t N, const double *Y, size_t n,
                       const double *p, size_t r, const double *u, double *out, double *work)
{
    double acc = 0.0;
    for (size_t j = 0; j < N; j++)
        work[j] = acc += p[j];
    memset(out, 0, m * n * sizeof *out);
    for (size_t s = 0; s < r; s++) {
        size_t j = lowrank_cr_index(work, N, u[s]);
        double w = 1.0 / ((double)r * p[j]);
        for (size_t i = 0; i < m; i++)
            for (size_t k = 0; k < n; k++)
                out[i * n + k] += w * X[i * N + j] * Y[j * n + k];
    }
}

size_t lowrank_orth_work(size_t m, size_t l)
{
    return m * l + l + m;
}

/* Column j of Q (m x l, row-major) = Q_full e_j from GSL's Householder factors QR (m x c),
 * tau; sign s. */
static void householder_column(const gsl_matrix *QR, const gsl_vector *tau, size_t j, double s,
                               double *Q, size_t l, double *v)
{
    size_t m = QR->size1;
    gsl_vector_view vv = gsl_vector_view_array(v, m);
    memset(v, 0, m * sizeof *v);
    v[j] = 1.0;
    gsl_linalg_QR_Qvec(QR, tau, &vv.vector);
    for (size_t i = 0; i < m; i++)
        Q[i * l + j] = s * v[i];
}

int lowrank_orthonormalize(double *Y, size_t m, size_t l, double *work)
{
    double *A = work, *tau = A + m * l, *v = tau + l;
    for (size_t i = 0; i < m * l; i++)
        if (!isfinite(Y[i]))
            return OD_EDOM;
    memcpy(A, Y, m * l * sizeof *Y);
    gsl_matrix_view Av = gsl_matrix_view_array(A, m, l);
    gsl_vector_view tv = gsl_vector_view_array(tau, l);
    if (gsl_linalg_QR_decomp(&Av.matrix, &tv.vector))
        return OD_EDOM;
    for (size_t j = 0; j < l; j++)
        householder_column(&Av.matrix, &tv.vector, j, A[j * l + j] < 0 ? -1.0 : 1.0, Y, l, v);
    return OD_OK;
}

size_t lowrank_id_work(size_t m, size_t n)
{
    return m * n + min_sz(m, n) + n + m;
}

int lowrank_id(const double *M, size_t m, size_t n, size_t r, size_t *cols, double *Z,
               double *Q, double *err, double *work)
{
    size_t k = min_sz(m, n);
    double *A = work, *tau = A + m * n, *nrm = tau + k, *v = nrm + n;
    for (size_t i = 0; i < m * n; i++)
        if (!isfinite(M[i]))
            return OD_EDOM;
    memcpy(A, M, m * n * sizeof *M);
    gsl_matrix_view Av = gsl_matrix_view_array(A, m, n);
    gsl_vector_view tv = gsl_vector_view_array(tau, k), nv = gsl_vector_view_array(nrm, n);
    gsl_permutation P = { n, cols };
    int signum;
    if (gsl_linalg_QRPT_decomp(&Av.matrix, &tv.vector, &P, &signum, &nv.vector))
        return OD_EDOM;
    for (size_t i = 0; i < r; i++)
        if (!(fabs(A[i * n + i]) > 0))
            return OD_EDOM;
    double e = 0.0;                             /* |R22|_F */
    for (size_t i = r; i < k; i++)
        for (size_t j = i; j < n; j++)
            e += A[i * n + j] * A[i * n + j];
    *err = sqrt(e);
    /* Z[:, cols[j]] = e_j (j < r), column j - r of R11^-1 R12 (j >= r), by back substitution */
    for (size_t j = 0; j < n; j++)
        for (size_t i = r; i-- > 0;) {
            double t;
            if (j < r)
                t = i == j;
            else {
                t = A[i * n + j];
                for (size_t q = i + 1; q < r; q++)
                    t -= A[i * n + q] * Z[q * n + cols[j]];
                t /= A[i * n + i];
            }
            Z[i * n + cols[j]] = t;
        }
    if (Q)
        for (size_t j = 0; j < r; j++)
            householder_column(&Av.matrix, &tv.vector, j, A[j * n + j] < 0 ? -1.0 : 1.0, Q, r, v);
    return OD_OK;
}

size_t lowrank_range_work(size_t m, size_t n, size_t l)
{
    return n * l + lowrank_orth_work(max_sz(m, n), l);
}

int lowrank_range(const double *M, size_t m, size_t n, const double *Omega, size_t l, long q,
                  double *Q, double *work)
{
    double *W = work, *w = W + n * l;
    lowrank_view Mv = { M, n, 1 }, Mt = { M, 1, n };
    lowrank_mul(m, n, l, Mv, (lowrank_view){ Omega, l, 1 }, Q);
    int status = lowrank_orthonormalize(Q, m, l, w);
    for (long it = 0; it < q && status == OD_OK; it++) {
        lowrank_mul(n, m, l, Mt, (lowrank_view){ Q, l, 1 }, W);
        status = lowrank_orthonormalize(W, n, l, w);
        if (status == OD_OK) {
            lowrank_mul(m, n, l, Mv, (lowrank_view){ W, l, 1 }, Q);
            status = lowrank_orthonormalize(Q, m, l, w);
        }
    }
    return status;
}
