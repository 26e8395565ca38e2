/* sim/core/lowrank.h — the low-rank toolbox (on GSL): thin and truncated SVD, pseudo-inverse
 * completions, column-row (CR) sampling, interpolative decomposition by pivoted QR, randomized range.
 * Matrices are row-major doubles; no function allocates: each takes `work` of the size its
 * lowrank_*_work function returns. The error and variance formulas are in docs/theory.md. */
#ifndef OPTDYN_LOWRANK_H
#define OPTDYN_LOWRANK_H

#include <stddef.h>

/* A view of a matrix in memory: element (i, l) at a[i * row + l * col] (row-major r x c:
 * {a, c, 1}; its transpose: {a, 1, c}; the first q columns of a k-column matrix: {a, k, 1}). */
typedef struct lowrank_view {
    const double *a;
    size_t row, col;
} lowrank_view;
/* C (p x q, row-major, distinct from A, B) = A B with A p x k and B k x q given as views. */
void lowrank_mul(size_t p, size_t k, size_t q, lowrank_view A, lowrank_view B, double *C);

/* Thin SVD M = U diag(s) V^T of M (m x n), k = min(m, n): U (m x k), s (k, descending),
 * V (n x k), by one-sided Jacobi (GSL). Sign convention: the entry of largest magnitude of each
 * column of U (the first one on a tie) is positive, V's column follows, so the factors are unique
 * where the singular values are distinct. A non-finite M is OD_EDOM. */
size_t lowrank_svd_work(size_t m, size_t n);
int lowrank_svd(const double *M, size_t m, size_t n, double *U, double *s, double *V,
                double *work);

/* Mr = U_r diag(s_r) V_r^T, the best rank-r approximation (Eckart-Young):
 * |M - Mr|_F^2 = sum_{i>r} s_i^2. r <= min(m, n). Mr may be M. */
size_t lowrank_tsvd_work(size_t m, size_t n);
int lowrank_tsvd(const double *M, size_t m, size_t n, size_t r, double *Mr, double *work);

/* out = A A^+ M (A m x k, M m x n): M's columns projected on range(A), i.e. A X with
 * X = A^+ M the minimum-norm least-squares solution of min |A X - M|_F (A^T (A X - M) = 0).
 * The rank of A counts singular values above max(m, k) eps s_1. */
size_t lowrank_left_work(size_t m, size_t k, size_t n);
int lowrank_complete_left(const double *A, size_t m, size_t k, const double *M, size_t n,
                          double *out, double *work);
/* out = M B^+ B (M m x n, B k x n): M's rows projected on the row space of B. */
size_t lowrank_right_work(size_t m, size_t n, size_t k);
int lowrank_complete_right(const double *M, size_t m, size_t n, const double *B, size_t k,
                           double *out, double *work);

/* CR approximation of X Y (X m x N with columns x_j, Y N x n with rows y_j): r pairs drawn
 * i.i.d. with probabilities p_j, estimate (1/r) sum_s x_{j_s} y_{j_s}^T / p_{j_s}, unbiased, with
 *   E |est - X Y|_F^2 = (1/r) (sum_j |x_j|^2 |y_j|^2 / p_j - |X Y|_F^2).
 * Rules: uniform p_j = 1/N; norm p_j ~ |x_j|^2 (length-squared sampling of X); optimal
 * p_j ~ |x_j| |y_j| (the minimizer of the variance: (1/r)((sum_j |x_j||y_j|)^2 - |X Y|_F^2)). */
typedef enum { LOWRANK_CR_UNIFORM, LOWRANK_CR_NORM, LOWRANK_CR_OPTIMAL } lowrank_cr_rule;
extern const char *const lowrank_cr_names[];   /* "uniform", "norm", "optimal", NULL */
/* p (N) for the rule; all-zero weights fall back to uniform. */
void lowrank_cr_probs(lowrank_cr_rule rule, const double *X, size_t m, size_t N, const double *Y,
                      size_t n, double *p);
/* The closed-form Frobenius variance above for probabilities p and r draws. */
double lowrank_cr_variance(const double *X, size_t m, size_t N, const double *Y, size_t n,
                           const double *p, size_t r);
/* The index of uniform u in (0, 1) under the cumulative sums cdf (N, cdf[N-1] = 1 up to
 * rounding): the first j with u < cdf[j] (the last index for u beyond cdf[N-1]). */
size_t lowrank_cr_index(const double *cdf, size_t N, double u);
/* out (m x n) = the CR estimate from r draws, u (r) uniforms in (0, 1); work: N doubles. */
void lowrank_cr_sample(const double *X, size_t m, size_t N, const double *Y, size_t n,
                       const double *p, size_t r, const double *u, double *out, double *work);

/* Interpolative decomposition M ~ C Z from QR with column pivoting M P = Q R (GSL QRPT):
 * C = M[:, cols[0..r)] (the first r pivots), Z (r x n) = [I, R11^-1 R12] P^T, so that
 * |M - C Z|_F = |R22|_F, which *err receives; r <= min(m, n), R11 must be nonsingular (else
 * OD_EDOM). Q (m x r, may be NULL) receives the first r columns of Q with R_ii > 0: an orthonormal
 * basis of span C. */
size_t lowrank_id_work(size_t m, size_t n);
/* cols has n entries: the whole pivot order (C's columns are the first r). */
int lowrank_id(const double *M, size_t m, size_t n, size_t r, size_t *cols, double *Z,
               double *Q, double *err, double *work);

/* Randomized range finder (Halko, Martinsson & Tropp 2011): Q (m x l) = an orthonormal basis of
 * (M M^T)^q M Omega (Omega n x l, given, e.g. Gaussian; l <= m), orthonormalized after each
 * product (Householder QR with R_ii > 0). */
size_t lowrank_range_work(size_t m, size_t n, size_t l);
int lowrank_range(const double *M, size_t m, size_t n, const double *Omega, size_t l, long q,
                  double *Q, double *work);

/* Q (m x l) <- the orthonormal factor of Y = Q R (Householder QR, R_ii >= 0), in place;
 * work: lowrank_orth_work(m, l) doubles. l <= m. */
size_t lowrank_orth_work(size_t m, size_t l);
int lowrank_orthonormalize(double *Y, size_t m, size_t l, double *work);

#endif
