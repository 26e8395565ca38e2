/* sim/core/problems/dataset.c — sums over a finite dataset's examples for GLM losses: loss, minibatch
 * gradient, Hessian action and diagonal, and the exact minimizer by damped Newton. */
#include "dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_linalg.h>

#include "../rng.h"
#include "../status.h"

dataset *dataset_alloc(size_t N, size_t n, uint64_t seed)
{
    dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    ds->N = N;
    ds->n = n;
    ds->A = malloc(N * n * sizeof *ds->A);
    ds->y = calloc(N, sizeof *ds->y);
    if (!ds->A || !ds->y) {
        dataset_free(ds);
        return NULL;
    }
    rng_stream s = rng_stream_make(seed, RNG_DATA, 1);
    for (size_t j = 0; j < N; j++)
        rng_normals(&s, j, n, ds->A + j * n);
    return ds;
}

void dataset_free(dataset *ds)
{
    if (!ds)
        return;
    free(ds->A);
    free(ds->y);
    free(ds);
}

void dataset_normals(uint64_t seed, uint64_t cell, size_t len, double *out)
{
    rng_stream s = rng_stream_make(seed, RNG_DATA, cell);
    rng_normals(&s, 0, len, out);
}

double dataset_loss(const dataset *ds, const double *x)
{
    double s = 0.0;
    for (size_t j = 0; j < ds->N; j++)
        s += ds->loss->l(problem_dot(ds->n, ds->A + j * ds->n, x), ds->y[j]);
    return s / (double)ds->N + 0.5 * ds->l2 * problem_dot(ds->n, x, x);
}

int dataset_grad(const dataset *ds, const double *x, const batch *b, double *g)
{
    int full = problem_is_full(b) || !b->idx;
    size_t m = full ? ds->N : b->nidx, n = ds->n;
    for (size_t i = 0; i < n; i++)
        g[i] = 0.0;
    for (size_t k = 0; k < m; k++) {
        const double *a = ds->A + (full ? k : b->idx[k]) * n;
        double r = ds->loss->dl(problem_dot(n, a, x), ds->y[full ? k : b->idx[k]]);
        if (!full && b->w)
            r *= b->w[k];
        for (size_t i = 0; i < n; i++)
            g[i] += r * a[i];
    }
    for (size_t i = 0; i < n; i++)
        g[i] = g[i] / (double)m + ds->l2 * x[i];
    return OD_OK;
}

int dataset_hvp(const dataset *ds, const double *x, const double *v, double *hv)
{
    size_t n = ds->n;
    for (size_t i = 0; i < n; i++)
        hv[i] = 0.0;
    for (size_t j = 0; j < ds->N; j++) {
        const double *a = ds->A + j * n;
        double w = ds->loss->d2l(problem_dot(n, a, x), ds->y[j]) * problem_dot(n, a, v);
        for (size_t i = 0; i < n; i++)
            hv[i] += w * a[i];
    }
    for (size_t i = 0; i < n; i++)
        hv[i] = hv[i] / (double)ds->N + ds->l2 * v[i];
    return OD_OK;
}

int dataset_hess_diag(const dataset *ds, const double *x, double *diag)
{
    size_t n = ds->n;
    for (size_t i = 0; i < n; i++)
        diag[i] = 0.0;
    for (size_t j = 0; j < ds->N; j++) {
        const double *a = ds->A + j * n;
        double w = ds->loss->d2l(problem_dot(n, a, x), ds->y[j]);
        for (size_t i = 0; i < n; i++)
            diag[i] += w * a[i] * a[i];
    }
    for (size_t i = 0; i < n; i++)
        diag[i] = diag[i] / (double)ds->N + ds->l2;
    return OD_OK;
}

/* H(x) = (1/N) sum_j l''(a_j.x) a_j a_j^T + l2 I into the n x n matrix H. */
static void dataset_hessian(const dataset *ds, const double *x, gsl_matrix *H)
{
    size_t n = ds->n;
    gsl_matrix_set_zero(H);
    for (size_t j = 0; j < ds->N; j++) {
        const double *a = ds->A + j * n;
        double w = ds->loss->d2l(problem_dot(n, a, x), ds->y[j]) / (double)ds->N;
        for (size_t r = 0; r < n; r++)
            for (size_t c = 0; c <= r; c++)
                *gsl_matrix_ptr(H, r, c) += w * a[r] * a[c];
    }
    for (size_t r = 0; r < n; r++) {
        *gsl_matrix_ptr(H, r, r) += ds->l2;
        for (size_t c = 0; c < r; c++)
            gsl_matrix_set(H, c, r, gsl_matrix_get(H, r, c));
    }
}

/* Newton steps x <- x - t H^-1 g with backtracking on the loss; stops when |g| stops shrinking
 * below 1e-12 relative to its start (the quadratic linreg converges in one step). */
int dataset_minimize(const dataset *ds, double *xstar)
{
    size_t n = ds->n;
    gsl_matrix *H = gsl_matrix_alloc(n, n);
    gsl_vector *g = gsl_vector_alloc(n), *p = gsl_vector_alloc(n), *xt = gsl_vector_alloc(n);
    int status = OD_ENOMEM;
    if (!H || !g || !p || !xt)
        goto done;
    for (size_t i = 0; i < n; i++)
        xstar[i] = 0.0;
    status = OD_EDOM;
    dataset_grad(ds, xstar, NULL, g->data);
    double g0 = sqrt(problem_dot(n, g->data, g->data));
    for (int it = 0; it < 100; it++) {
        double gn = sqrt(problem_dot(n, g->data, g->data));
        if (gn <= 1e-13 * (1.0 + g0)) {
            status = OD_OK;
            break;
        }
        dataset_hessian(ds, xstar, H);
        if (gsl_linalg_cholesky_decomp1(H) || gsl_linalg_cholesky_solve(H, g, p))
            break;
        double f = dataset_loss(ds, xstar), t = 1.0;
        for (int ls = 0; ls < 60; ls++, t *= 0.5) {
            for (size_t i = 0; i < n; i++)
                xt->data[i] = xstar[i] - t * p->data[i];
            if (dataset_loss(ds, xt->data) <= f)
                break;
        }
        for (size_t i = 0; i < n; i++)
            xstar[i] = xt->data[i];
        dataset_grad(ds, xstar, NULL, g->data);
    }
done:
    gsl_matrix_free(H);
    gsl_vector_free(g);
    gsl_vector_free(p);
    gsl_vector_free(xt);
    return status;
}

void dataset_problem_free(problem *pb) { dataset_free(pb->data); }
double dataset_problem_loss(const problem *pb, const double *x) { return dataset_loss(pb->data, x); }

int dataset_problem_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    return dataset_grad(pb->data, x, b, g);
}

int dataset_problem_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    return dataset_hvp(pb->data, x, v, hv);
}

int dataset_problem_hess_diag(const problem *pb, const double *x, double *diag)
{
    return dataset_hess_diag(pb->data, x, diag);
}

int dataset_problem_finish(problem *pb, dataset *ds)
{
    pb->data = ds;
    pb->examples = ds->N;
    pb->noise = PROBLEM_NOISE_SAMPLE;
    if (ds->n > 2000)
        return OD_OK;                 /* facts too costly to compute: left unknown */
    pb->xstar = malloc(ds->n * sizeof *pb->xstar);
    if (!pb->xstar)
        return OD_ENOMEM;
    int status = dataset_minimize(ds, pb->xstar);
    if (status != OD_OK) {
        free(pb->xstar);
        pb->xstar = NULL;
        return OD_OK;                 /* no minimizer found (e.g. separable, l2 = 0): unknown */
    }
    pb->fstar = dataset_loss(ds, pb->xstar);
    return OD_OK;
}

const char *dataset_check(const problem_params *pp, char *why, size_t len)
{
    if ((double)pp->examples * (double)pp->dim > 2e8) {
        snprintf(why, len, "expected examples*dim <= 2e8 (the dataset is held in memory), got %g",
                 (double)pp->examples * (double)pp->dim);
        return "examples";
    }
    return NULL;
}
