/* sim/core/problems/matreg.c — matrix regression, one matrix block W (rows x cols, x = W row-major):
 *   a_j ~ N(0, I_rows), y_j = W*^T a_j + sigma e_j,  L(W) = 1/(2N) |A W - Y|_F^2,
 *   W* = U diag(s) V^T of rank k, s_i = i^-decay, U, V seeded orthonormal columns.
 * Finite data (examples = N > 0): G = C W - A^T Y/N with C = A^T A/N, Hessian action V -> C V,
 * minimizer C^-1 A^T Y/N, spectrum eig(C) each cols times; minibatches without replacement.
 * Gaussian model (examples = 0): the population loss 1/2 |W - W*|_F^2 + sigma^2 cols/2 and the
 * gradient W - W* + (sigma/sqrt(B)) Z, Z ~ N(0, I): the exact covariance of a B-example gradient
 * at W* (away from W* it omits the state-dependent part (I (x) D^T D + D_il D_kj)/B, D = W - W*). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "../status.h"
#include "dataset.h"

typedef struct matreg_params {
    PROBLEM_PARAMS_HEAD;
    long rows, cols, rank;
    double decay;          /* s_i = i^-decay */
    double label_noise;    /* sigma */
} matreg_params;
PROBLEM_PARAMS_FIT(matreg_params);

typedef struct matreg_data {
    size_t r, c, N;        /* W is r x c; N = 0: the Gaussian model */
    double sigma;
    double *wstar;         /* r x c */
    dataset *ds;           /* finite data: N x r features (ds->A) */
    double *Y;             /* N x c labels */
    double *C;             /* r x r, A^T A / N */
    double *AY;            /* r x c, A^T Y / N */
} matreg_data;

static size_t matreg_layout(const problem_params *pp_, problem_block *b)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    if (b)
        b[0] = (problem_block){ .name = "W", .rows = (size_t)pp->rows, .cols = (size_t)pp->cols };
    return 1;
}

/* Orthonormal columns of the m x k row-major matrix Q by modified Gram-Schmidt (Gaussian input:
 * full rank with probability one). */
static void orthonormalize(double *Q, size_t m, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        for (size_t p = 0; p < j; p++) {
            double d = 0.0;
            for (size_t i = 0; i < m; i++)
                d += Q[i * k + p] * Q[i * k + j];
            for (size_t i = 0; i < m; i++)
                Q[i * k + j] -= d * Q[i * k + p];
        }
        double nn = 0.0;
        for (size_t i = 0; i < m; i++)
            nn += Q[i * k + j] * Q[i * k + j];
        for (size_t i = 0; i < m; i++)
            Q[i * k + j] /= sqrt(nn);
    }
}

static int make_wstar(matreg_data *d, const matreg_params *pp, uint64_t seed)
{
    size_t r = d->r, c = d->c, k = (size_t)pp->rank;
    double *uv = malloc((r + c) * k * sizeof *uv);
    if (!uv)
        return OD_ENOMEM;
    double *U = uv, *V = uv + r * k;
    dataset_normals(seed, 2, (r + c) * k, uv);
    orthonormalize(U, r, k);
    orthonormalize(V, c, k);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double w = 0.0;
            for (size_t q = 0; q < k; q++)
                w += U[i * k + q] * pow((double)(q + 1), -pp->decay) * V[j * k + q];
            d->wstar[i * c + j] = w;
        }
    free(uv);
    return OD_OK;
}

/* Labels, the moments C and A^T Y/N, and the facts: xstar = C^-1 A^T Y/N (when C is positive
 * definite), the spectrum eig(C) with multiplicity cols. */
static int finite_data(problem *pb, matreg_data *d, uint64_t seed)
{
    size_t r = d->r, c = d->c, N = d->N;
    d->ds = dataset_alloc(N, r, seed);
    d->Y = malloc(N * c * sizeof *d->Y);
    d->C = calloc(r * r, sizeof *d->C);
    d->AY = calloc(r * c, sizeof *d->AY);
    pb->xstar = malloc(r * c * sizeof *pb->xstar);
    double *ev = malloc((r * c + r) * sizeof *ev);
    if (!d->ds || !d->Y || !d->C || !d->AY || !pb->xstar || !ev) {
        free(ev);
        return OD_ENOMEM;
    }
    const double *A = d->ds->A;
    dataset_normals(seed, 3, N * c, d->Y);
    for (size_t j = 0; j < N; j++)
        for (size_t q = 0; q < c; q++) {
            double y = 0.0;
            for (size_t i = 0; i < r; i++)
                y += A[j * r + i] * d->wstar[i * c + q];
            d->Y[j * c + q] = y + d->sigma * d->Y[j * c + q];
        }
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < r; i++) {
            double a = A[j * r + i] / (double)N;
            for (size_t p = 0; p < r; p++)
                d->C[i * r + p] += a * A[j * r + p];
            for (size_t q = 0; q < c; q++)
                d->AY[i * c + q] += a * d->Y[j * c + q];
        }
    gsl_matrix *H = gsl_matrix_alloc(r, r);
    gsl_vector *lam = gsl_vector_alloc(r);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(r);
    int status = OD_ENOMEM;
    if (H && lam && w) {
        memcpy(H->data, d->C, r * r * sizeof *d->C);
        gsl_eigen_symm(H, lam, w);
        for (size_t i = 0; i < r; i++)
            for (size_t q = 0; q < c; q++)
                ev[i * c + q] = gsl_vector_get(lam, i);
        status = problem_set_spectrum(pb, ev);
        memcpy(H->data, d->C, r * r * sizeof *d->C);
        gsl_matrix_view X = gsl_matrix_view_array(pb->xstar, r, c);
        gsl_matrix_const_view AY = gsl_matrix_const_view_array(d->AY, r, c);
        gsl_matrix_memcpy(&X.matrix, &AY.matrix);
        if (status == OD_OK && gsl_linalg_cholesky_decomp1(H) == 0)
            for (size_t q = 0; q < c; q++) {
                gsl_vector_view col = gsl_matrix_column(&X.matrix, q);
                gsl_linalg_cholesky_svx(H, &col.vector);
            }
        else {
            free(pb->xstar);          /* N < rows: C singular, no unique minimizer */
            pb->xstar = NULL;
        }
    }
    gsl_eigen_symm_free(w);
    gsl_vector_free(lam);
    gsl_matrix_free(H);
    free(ev);
    return status;
}

static void matreg_free(problem *pb)
{
    matreg_data *d = pb->data;
    dataset_free(d->ds);
    free(d->wstar);
    free(d->Y);
    free(d->C);
    free(d->AY);
    free(d);
}

static double matreg_loss(const problem *pb, const double *x)
{
    const matreg_data *d = pb->data;
    size_t r = d->r, c = d->c;
    double s = 0.0;
    if (!d->N) {
        for (size_t i = 0; i < r * c; i++)
            s += (x[i] - d->wstar[i]) * (x[i] - d->wstar[i]);
        return 0.5 * s + 0.5 * d->sigma * d->sigma * (double)c;
    }
    const double *A = d->ds->A;
    for (size_t j = 0; j < d->N; j++)
        for (size_t q = 0; q < c; q++) {
            double e = -d->Y[j * c + q];
            for (size_t i = 0; i < r; i++)
                e += A[j * r + i] * x[i * c + q];
            s += e * e;
        }
    return 0.5 * s / (double)d->N;
}

/* out = C v (r x r times r x c). */
static void apply_c(const matreg_data *d, const double *v, double *out)
{
    size_t r = d->r, c = d->c;
    for (size_t i = 0; i < r; i++)
        for (size_t q = 0; q < c; q++) {
            double s = 0.0;
            for (size_t p = 0; p < r; p++)
                s += d->C[i * r + p] * v[p * c + q];
            out[i * c + q] = s;
        }
}

static int matreg_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const matreg_data *d = pb->data;
    size_t r = d->r, c = d->c, n = r * c;
    if (!d->N) {
        for (size_t i = 0; i < n; i++)
            g[i] = x[i] - d->wstar[i];
        problem_add_gauss_noise(n, b, NULL, d->sigma * d->sigma, g);
        return OD_OK;
    }
    if (problem_is_full(b) || !b->idx) {
        apply_c(d, x, g);
        for (size_t i = 0; i < n; i++)
            g[i] -= d->AY[i];
        return OD_OK;
    }
    /* (1/m) sum_k w_k a_k (a_k^T W - y_k^T), w_k = 1 without weights */
    memset(g, 0, n * sizeof *g);
    for (size_t k = 0; k < b->nidx; k++) {
        const double *a = d->ds->A + b->idx[k] * r, *y = d->Y + b->idx[k] * c;
        for (size_t q = 0; q < c; q++) {
            double res = -y[q];
            for (size_t i = 0; i < r; i++)
                res += a[i] * x[i * c + q];
            if (b->w)
                res *= b->w[k];
            for (size_t i = 0; i < r; i++)
                g[i * c + q] += a[i] * res;
        }
    }
    for (size_t i = 0; i < n; i++)
        g[i] /= (double)b->nidx;
    return OD_OK;
}

static int matreg_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const matreg_data *d = pb->data;
    (void)x;
    if (d->N)
        apply_c(d, v, hv);
    else
        memcpy(hv, v, d->r * d->c * sizeof *hv);
    return OD_OK;
}

static int matreg_hess_diag(const problem *pb, const double *x, double *diag)
{
    const matreg_data *d = pb->data;
    (void)x;
    for (size_t i = 0; i < d->r; i++)
        for (size_t q = 0; q < d->c; q++)
            diag[i * d->c + q] = d->N ? d->C[i * d->r + i] : 1.0;
    return OD_OK;
}

static int matreg_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    matreg_data *d = calloc(1, sizeof *d);
    pb->data = d;
    if (!d)
        return OD_ENOMEM;
    d->r = (size_t)pp->rows;
    d->c = (size_t)pp->cols;
    d->N = (size_t)pp->examples;
    d->sigma = pp->label_noise;
    if (!(d->wstar = malloc(pb->n * sizeof *d->wstar)) || make_wstar(d, pp, seed) != OD_OK)
        return OD_ENOMEM;
    if (pp->init_scale > 0)
        problem_init_gauss(pb, seed, pp->init_scale);
    if (d->N) {
        pb->noise = PROBLEM_NOISE_SAMPLE;
        pb->examples = d->N;
        int status = finite_data(pb, d, seed);
        if (status != OD_OK)
            return status;
        if (pb->xstar)
            pb->fstar = matreg_loss(pb, pb->xstar);
        return OD_OK;
    }
    pb->noise = d->sigma > 0 ? PROBLEM_NOISE_GAUSS : PROBLEM_NOISE_NONE;
    if (!(pb->xstar = malloc(pb->n * sizeof *pb->xstar)))
        return OD_ENOMEM;
    memcpy(pb->xstar, d->wstar, pb->n * sizeof *pb->xstar);
    pb->fstar = 0.5 * d->sigma * d->sigma * (double)d->c;
    double *ones = malloc(pb->n * sizeof *ones);
    if (!ones)
        return OD_ENOMEM;
    for (size_t i = 0; i < pb->n; i++)
        ones[i] = 1.0;
    int status = problem_set_spectrum(pb, ones);
    free(ones);
    return status;
}

static const char *matreg_check(const problem_params *pp_, char *why, size_t len)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    if (pp->rank > pp->rows || pp->rank > pp->cols) {
        snprintf(why, len, "expected rank <= min(rows, cols) = %ld, got %ld",
                 pp->rows < pp->cols ? pp->rows : pp->cols, pp->rank);
        return "rank";
    }
    if ((double)pp->rows * (double)pp->cols > 1e6) {
        snprintf(why, len, "expected rows*cols <= 1e6, got %g", (double)pp->rows * (double)pp->cols);
        return "cols";
    }
    if ((double)pp->examples * (double)(pp->rows + pp->cols) > 2e8) {
        snprintf(why, len, "expected examples*(rows+cols) <= 2e8 (the dataset is held in memory), "
                 "got %g", (double)pp->examples * (double)(pp->rows + pp->cols));
        return "examples";
    }
    return NULL;
}

static const param_spec matreg_specs[] = {
    { "rows", PARAM_INT, offsetof(matreg_params, rows), "16", 1, 1e6, 0, NULL,
      "rows of W (the input dimension)" },
    { "cols", PARAM_INT, offsetof(matreg_params, cols), "8", 1, 1e6, 0, NULL,
      "columns of W (the number of outputs)" },
    { "rank", PARAM_INT, offsetof(matreg_params, rank), "4", 1, 1e6, 0, NULL,
      "rank k of the teacher W* (<= min(rows, cols))" },
    { "decay", PARAM_REAL, offsetof(matreg_params, decay), "1", 0, 1e3, 0, NULL,
      "singular values of W*: s_i = i^-decay, i = 1..rank" },
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 0, 1e9, 0, NULL,
      "dataset size N (minibatches without replacement); 0: Gaussian noise model" },
    PROBLEM_PARAM_SAMPLING,
    { "label_noise", PARAM_REAL, offsetof(matreg_params, label_noise), "0.1", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    { "init_scale", PARAM_REAL, offsetof(problem_params, init_scale), "0", 0, 1e300, 0, NULL,
      "0: x0 = 0; > 0: x0 ~ N(0, init_scale^2 I) from the seed" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_matreg = {
    .name = "matreg",
    .summary = "matrix regression Y = X W* + noise, W* of low rank (one matrix block)",
    .params = matreg_specs,
    .check = matreg_check,
    .alloc = matreg_alloc,
    .free = matreg_free,
    .loss = matreg_loss,
    .grad = matreg_grad,
    .hvp = matreg_hvp,
    .hess_diag = matreg_hess_diag,
    .layout = matreg_layout,
};
