/* sim/core/draw.c — per-step gradient noise, online examples and minibatch indices: step t's normals
 * are block t of stream (seed, RNG_NOISE, cell); epoch e's order is block e of (seed, RNG_BATCH, cell). */
#include "draw.h"
#include "lowrank.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>

static int is_full(const draw *d)
{
    return isinf(d->B) || (d->pb->noise == PROBLEM_NOISE_SAMPLE && d->B >= (double)d->pb->examples);
}

size_t draw_stream_size(const problem *pb, double B)
{
    return (size_t)B * pb->stream_width;
}

int draw_init(draw *d, const problem *pb, double B, uint64_t seed, uint64_t cell)
{
    d->pb = pb;
    d->B = B;
    d->noise = rng_stream_make(seed, RNG_NOISE, cell);
    d->order = rng_stream_make(seed, RNG_BATCH, cell);
    d->z = NULL;
    d->perm = NULL;
    d->epoch = -1;
    d->p = d->cdf = d->w = d->g = NULL;
    d->idx = NULL;
    if (is_full(d))
        return OD_OK;
    if (pb->noise == PROBLEM_NOISE_SAMPLE && pb->sampling == PROBLEM_SAMPLING_CR) {
        size_t N = pb->examples, nb = (size_t)B;
        d->p = malloc(N * sizeof *d->p);
        d->cdf = malloc(N * sizeof *d->cdf);
        d->w = malloc(nb * sizeof *d->w);
        d->g = malloc(pb->n * sizeof *d->g);
        d->idx = malloc(nb * sizeof *d->idx);
        if (!d->p || !d->cdf || !d->w || !d->g || !d->idx) {
            draw_free(d);
            return OD_ENOMEM;
        }
        return OD_OK;
    }
    if (pb->noise == PROBLEM_NOISE_GAUSS && !(d->z = malloc(pb->n * sizeof *d->z)))
        return OD_ENOMEM;
    if (pb->noise == PROBLEM_NOISE_STREAM && !(d->z = malloc(draw_stream_size(pb, B) * sizeof *d->z)))
        return OD_ENOMEM;
    if (pb->noise == PROBLEM_NOISE_SAMPLE && !(d->perm = malloc(pb->examples * sizeof *d->perm)))
        return OD_ENOMEM;
    return OD_OK;
}

void draw_free(draw *d)
{
    free(d->z);
    free(d->perm);
    free(d->p);
    free(d->cdf);
    free(d->w);
    free(d->g);
    free(d->idx);
    d->z = NULL;
    d->perm = NULL;
    d->p = d->cdf = d->w = d->g = NULL;
    d->idx = NULL;
}

/* sampling = cr: p_j ~ |g_j(x)|, B i.i.d. draws, weights 1/(N p_j). */
static void cr_step(draw *d, long t, const double *x, batch *b)
{
    const problem *pb = d->pb;
    size_t N = pb->examples, nb = (size_t)d->B;
    double sum = 0.0, acc = 0.0;
    for (size_t j = 0; j < N; j++) {
        batch one = { 1.0, NULL, &j, 1, NULL };
        pb->type->grad(pb, x, &one, d->g);
        d->p[j] = sqrt(problem_dot(pb->n, d->g, d->g));
        sum += d->p[j];
    }
    int uniform = !(sum > 0 && isfinite(sum));
    for (size_t j = 0; j < N; j++) {
        d->p[j] = uniform ? 1.0 / (double)N : d->p[j] / sum;
        d->cdf[j] = acc += d->p[j];
    }
    rng_uniforms(&d->order, (uint64_t)t, nb, d->w);
    for (size_t s = 0; s < nb; s++) {
        d->idx[s] = lowrank_cr_index(d->cdf, N, d->w[s]);
        d->w[s] = 1.0 / ((double)N * d->p[d->idx[s]]);
    }
    b->idx = d->idx;
    b->nidx = nb;
    b->w = d->w;
}

void draw_step(draw *d, long t, batch *b)
{
    draw_step_at(d, t, NULL, b);
}

void draw_step_at(draw *d, long t, const double *x, batch *b)
{
    b->B = d->B;
    b->z = NULL;
    b->idx = NULL;
    b->nidx = 0;
    b->w = NULL;
    if (is_full(d)) {
        b->B = INFINITY;
        return;
    }
    if (d->idx) {
        cr_step(d, t, x ? x : d->pb->x0, b);
        return;
    }
    if (d->z) {
        rng_normals(&d->noise, (uint64_t)t, d->pb->noise == PROBLEM_NOISE_STREAM
                    ? draw_stream_size(d->pb, d->B) : d->pb->n, d->z);
        b->z = d->z;
    } else if (d->perm) {
        size_t B = (size_t)d->B, per_epoch = d->pb->examples / B;
        long e = (t - 1) / (long)per_epoch;
        size_t k = (size_t)((t - 1) % (long)per_epoch);
        if (e != d->epoch) {
            rng_permutation(&d->order, (uint64_t)e, d->pb->examples, d->perm);
            d->epoch = e;
        }
        b->idx = d->perm + k * B;
        b->nidx = B;
    }
}
