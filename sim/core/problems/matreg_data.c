/* sim/core/problems/matreg_data.c — matrix regression data and its loss/gradient in W, shared by
 * `matreg` (W is the parameter) and `lora` (W = W0' + s A B). Streams: teacher cell 2, labels 3. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "../status.h"
#include "matreg_data.h"

void matreg_orthonormalize(double *Q, size_t m, size_t k)
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

static int make_wstar(matreg_data *d, const matreg_spec *s, uint64_t seed)
{
    size_t r = d->r, c = d->c, k = s->rank;
    double *uv = malloc((r + c) * k * sizeof *uv);
    if (!uv)
        return OD_ENOMEM;
    double *U = uv, *V = uv + r * k;
    dataset_normals(seed, 2, (r + c) * k, uv);
    matreg_orthonormalize(U, r, k);
    matreg_orthonormalize(V, c, k);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double w = 0.0;
            for (size_t q = 0; q < k; q++)
                w += U[i * k + q] * s->scale * pow((double)(q + 1), -s->decay) * V[j * k + q];
            d->wstar[i * c + j] = w + (s->base ? s->base[i * c + j] : 0.0);
        }
    free(uv);
    return OD_OK;
}

/* xstar = C^-1 A^T Y/N (when C is positive definite) and the spectrum eig(C), each c times. */
static int finite_facts(problem *pb, const matreg_data *d)
{
    size_t r = d->r, c = d->c;
    pb->xstar = malloc(r * c * sizeof *pb->xstar);
    double *ev = malloc((r * c + r) * sizeof *ev);
    gsl_matrix *H = gsl_matrix_alloc(r, r);
    gsl_vector *lam = gsl_vector_alloc(r);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(r);
    int status = OD_ENOMEM;
    if (pb->xstar && ev && H && lam && w) {
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
        if (status == OD_OK && pb->xstar)
            pb->fstar = matreg_data_loss(d, pb->xstar);
    }
    gsl_eigen_symm_free(w);
    gsl_vector_free(lam);
    gsl_matrix_free(H);
    free(ev);
    return status;
}

/* Labels and the moments C = A^T A/N and A^T Y/N. */
static int finite_data(matreg_data *d, uint64_t seed)
{
    size_t r = d->r, c = d->c, N = d->N;
    d->ds = dataset_alloc(N, r, seed);
    d->Y = malloc(N * c * sizeof *d->Y);
    d->C = calloc(r * r, sizeof *d->C);
    d->AY = calloc(r * c, sizeof *d->AY);
    if (!d->ds || !d->Y || !d->C || !d->AY)
        return OD_ENOMEM;
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
    return OD_OK;
}

/* Gaussian model: xstar = W*, fstar = sigma^2 c/2, Hessian I. */
static int gauss_facts(problem *pb, const matreg_data *d)
{
    size_t n = d->r * d->c;
    if (!(pb->xstar = malloc(n * sizeof *pb->xstar)))
        return OD_ENOMEM;
    memcpy(pb->xstar, d->wstar, n * sizeof *pb->xstar);
    pb->fstar = 0.5 * d->sigma * d->sigma * (double)d->c;
    double *ones = malloc(n * sizeof *ones);
    if (!ones)
        return OD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ones[i] = 1.0;
    int status = problem_set_spectrum(pb, ones);
    free(ones);
    return status;
}

int matreg_data_init(matreg_data *d, problem *pb, const matreg_spec *s, uint64_t seed, int facts)
{
    memset(d, 0, sizeof *d);
    d->r = s->rows;
    d->c = s->cols;
    d->N = s->examples;
    d->sigma = s->sigma;
    if (!(d->wstar = malloc(d->r * d->c * sizeof *d->wstar)) || make_wstar(d, s, seed) != OD_OK)
        return OD_ENOMEM;
    if (d->N) {
        pb->noise = PROBLEM_NOISE_SAMPLE;
        pb->examples = d->N;
        int status = finite_data(d, seed);
        return status != OD_OK || !facts ? status : finite_facts(pb, d);
    }
    pb->noise = d->sigma > 0 ? PROBLEM_NOISE_GAUSS : PROBLEM_NOISE_NONE;
    return facts ? gauss_facts(pb, d) : OD_OK;
}

void matreg_data_free(matreg_data *d)
{
    dataset_free(d->ds);
    free(d->wstar);
    free(d->Y);
    free(d->C);
    free(d->AY);
}

double matreg_data_loss(const matreg_data *d, const double *x)
{
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

void matreg_data_hvp(const matreg_data *d, const double *v, double *out)
{
    if (d->N)
        apply_c(d, v, out);
    else
        memcpy(out, v, d->r * d->c * sizeof *out);
}

void matreg_data_hess_diag(const matreg_data *d, double *diag)
{
    for (size_t i = 0; i < d->r; i++)
        for (size_t q = 0; q < d->c; q++)
            diag[i * d->c + q] = d->N ? d->C[i * d->r + i] : 1.0;
}

int matreg_data_grad(const matreg_data *d, const double *x, const batch *b, double *g)
{
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
    /* (1/m) sum_k w_k a_k (a_k^T W - y_k^T), w_k = 1 without weights (CR sampling's 1/(N p_k)) */
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

const char *matreg_size_misfit(long rows, long cols, long examples, char *why, size_t len)
{
    if ((double)rows * (double)cols > 1e6) {
        snprintf(why, len, "expected rows*cols <= 1e6, got %g", (double)rows * (double)cols);
        return "cols";
    }
    if ((double)examples * (double)(rows + cols) > 2e8) {
        snprintf(why, len, "expected examples*(rows+cols) <= 2e8 (the dataset is held in memory), "
                 "got %g", (double)examples * (double)(rows + cols));
        return "examples";
    }
    return NULL;
}
