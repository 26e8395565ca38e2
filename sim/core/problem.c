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
    problem_linreg, problem_logreg, problem_gaussreg,
    problem_matreg, problem_mlp, problem_fmnist_softmax, problem_fmnist_mlp, problem_lora,
    problem_mlp_lora;

const problem_type *const problem_types[] = {
    &problem_nqm, &problem_quadratic, &problem_rosenbrock, &problem_beale,
    &problem_linreg, &problem_logreg, &problem_gaussreg,
    &problem_matreg, &problem_mlp, &problem_fmnist_softmax, &problem_fmnist_mlp, &problem_lora,
    &problem_mlp_lora,
    NULL,
};

void problem_params_resolve(problem_params *pp)
{
    const problem_type *t = problem_types[pp->type];
    problem_block b[PROBLEM_MAX_BLOCKS];
    if (!t->layout)
        return;
    size_t nb = t->layout(pp, b);
    double n = 0.0;
    for (size_t i = 0; i < nb; i++)
        n += (double)problem_block_size(&b[i]);
    pp->dim = n < 1e15 ? (long)n : -1;      /* absurd sizes are refused by the type's check */
}

const char *problem_check(const problem_params *pp, char *why, size_t len)
{
    const problem_type *t = problem_types[pp->type];
    if (pp->x0.n != 0 && pp->x0.n != 1 && pp->x0.n != (size_t)pp->dim) {
        snprintf(why, len, "expected %ld numbers (dim) or 1 to broadcast, got %zu", pp->dim,
                 pp->x0.n);
        return "x0";
    }
    if (pp->sampling == PROBLEM_SAMPLING_CR && pp->examples == 0) {
        snprintf(why, len, "expected uniform: sampling = cr draws examples of a finite dataset "
                 "(examples > 0)");
        return "sampling";
    }
    return t->check ? t->check(pp, why, len) : NULL;
}

const char *const problem_sampling_names[] = { "uniform", "cr", NULL };

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
    pb->threads = 1;
    pb->sampling = (problem_sampling)pp->sampling;
    pb->x0 = calloc(pb->n, sizeof *pb->x0);
    if (!pb->x0)
        goto fail;
    *status = t->alloc(pb, pp, seed);
    if (*status != OD_OK)
        goto fail;
    if (t->layout) {
        pb->nblocks = t->layout(pp, NULL);
        if (!(pb->blocks = malloc(pb->nblocks * sizeof *pb->blocks))) {
            *status = OD_ENOMEM;
            goto fail;
        }
        t->layout(pp, pb->blocks);
    }
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
    free(pb->blocks);
    free(pb);
}

double problem_loss_gnorm(const problem *pb, const double *x, double *g, double *gnorm, int *status)
{
    *status = OD_OK;
    if (pb->type->loss_gnorm)
        return pb->type->loss_gnorm(pb, x, gnorm);
    *status = pb->type->grad(pb, x, NULL, g);
    *gnorm = sqrt(problem_dot(pb->n, g, g));
    return pb->type->loss(pb, x);
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

double problem_lanes_total(const double *a)
{
    return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

/* sum_i a_i b_i in PROBLEM_LANES fixed-order lanes (lane l: i = l mod PROBLEM_LANES in
 * increasing i), added by problem_lanes_total: vectorizes, and the same bits wherever it runs. */
double problem_dot(size_t n, const double *a, const double *b)
{
    double acc[PROBLEM_LANES] = { 0 };
    size_t i = 0;
    for (; i + PROBLEM_LANES <= n; i += PROBLEM_LANES)
        for (int l = 0; l < PROBLEM_LANES; l++)
            acc[l] += a[i + l] * b[i + l];
    for (; i < n; i++)
        acc[i % PROBLEM_LANES] += a[i] * b[i];
    return problem_lanes_total(acc);
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

size_t problem_block_count(const problem *pb)
{
    return pb->blocks ? pb->nblocks : 1;
}

size_t problem_block_size(const problem_block *b)
{
    return b->cols ? b->rows * b->cols : b->rows;
}

problem_block problem_block_at(const problem *pb, size_t i, size_t *offset)
{
    if (!pb->blocks) {
        if (offset)
            *offset = 0;
        return (problem_block){ .name = "x", .rows = pb->n, .cols = 0 };
    }
    size_t off = 0;
    for (size_t k = 0; k < i; k++)
        off += problem_block_size(&pb->blocks[k]);
    if (offset)
        *offset = off;
    return pb->blocks[i];
}

void problem_blocks_text(const problem *pb, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < problem_block_count(pb) && used < len; i++) {
        problem_block b = problem_block_at(pb, i, NULL);
        int k = b.cols ? snprintf(buf + used, len - used, "%s%s %zux%zu", i ? ", " : "", b.name,
                                  b.rows, b.cols)
                       : snprintf(buf + used, len - used, "%s%s %zu", i ? ", " : "", b.name, b.rows);
        used += k > 0 ? (size_t)k : 0;
    }
}
