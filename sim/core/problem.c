/* sim/core/problem.c — problem registry, construction of an instance and shared helpers.
 * An instance owns x0, xstar and spectrum; the type owns pb->data. */
#include "problem.h"
#include "rng.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const problem_type problem_nqm, problem_quadratic, problem_rosenbrock, problem_beale,
    problem_linreg, problem_logreg, problem_gaussreg;

const problem_type *const problem_types[] = {
    &problem_nqm, &problem_quadratic, &problem_rosenbrock, &problem_beale,
    &problem_linreg, &problem_logreg, &problem_gaussreg, NULL,
};

const char *problem_check(const problem_params *pp, char *why, size_t len)
{
    const problem_type *t = problem_types[pp->type];
    if (pp->x0.n != 0 && pp->x0.n != 1 && pp->x0.n != (size_t)pp->dim) {
        snprintf(why, len, "expected %ld numbers (dim) or 1 to broadcast, got %zu", pp->dim,
                 pp->x0.n);
        return "x0";
    }
    return t->check ? t->check(pp, why, len) : NULL;
}

problem *problem_alloc(const problem_params *pp, uint64_t seed, int *status)
{
    const problem_type *t = problem_types[pp->type];
    problem *pb = calloc(1, sizeof *pb);
    *status = OD_ENOMEM;
    if (!pb)
        return NULL;
    pb->type = t;
    pb->n = (size_t)pp->dim;
    pb->stream_width = t->stream_width ? t->stream_width(pp) : 0;
    pb->fstar = NAN;
    pb->x0 = calloc(pb->n, sizeof *pb->x0);
    if (!pb->x0)
        goto fail;
    *status = t->alloc(pb, pp, seed);
    if (*status != OD_OK)
        goto fail;
    if (pp->x0.n)
        pb->init_scale = 0.0;          /* an explicit start replaces the random one */
    for (size_t i = 0; i < pp->x0.n && i < pb->n; i++)
        pb->x0[i] = pp->x0.v[i];
    if (pp->x0.n == 1)
        for (size_t i = 1; i < pb->n; i++)
            pb->x0[i] = pp->x0.v[0];
    return pb;
fail:
    problem_free(pb);
    return NULL;
}

void problem_free(problem *pb)
{
    if (!pb)
        return;
    if (pb->data && pb->type->free)
        pb->type->free(pb);
    free(pb->x0);
    free(pb->xstar);
    free(pb->spectrum);
    free(pb);
}

int problem_is_full(const batch *b)
{
    return !b || isinf(b->B);
}

void problem_add_gauss_noise(size_t n, const batch *b, const double *sd, double s, double *g)
{
    if (problem_is_full(b) || s == 0.0 || !b->z)
        return;
    const double k = sqrt(s / b->B), *z = b->z;
    if (sd)
        for (size_t i = 0; i < n; i++)
            g[i] += k * sd[i] * z[i];
    else
        for (size_t i = 0; i < n; i++)
            g[i] += k * z[i];
}

double problem_dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void problem_gauss_point(size_t n, uint64_t seed, uint64_t replicate, double scale, double *x)
{
    rng_stream s = rng_stream_make(seed, RNG_INIT, replicate);
    rng_normals(&s, 0, n, x);
    for (size_t i = 0; i < n; i++)
        x[i] *= scale;
}

void problem_init_gauss(problem *pb, uint64_t seed, double scale)
{
    pb->init_scale = scale;
    problem_gauss_point(pb->n, seed, 0, scale, pb->x0);
}

void problem_start(const problem *pb, uint64_t seed, uint64_t replicate, double *x)
{
    if (pb->init_scale > 0)
        problem_gauss_point(pb->n, seed, replicate, pb->init_scale, x);
    else
        memcpy(x, pb->x0, pb->n * sizeof *x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int problem_set_spectrum(problem *pb, const double *v)
{
    pb->spectrum = malloc(pb->n * sizeof *pb->spectrum);
    if (!pb->spectrum)
        return OD_ENOMEM;
    memcpy(pb->spectrum, v, pb->n * sizeof *v);
    qsort(pb->spectrum, pb->n, sizeof *v, cmp_double);
    return OD_OK;
}
