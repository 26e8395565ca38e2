/* sim/core/draw.c — per-step gradient noise, online examples and minibatch indices: step t's normals
 * are block t of stream (seed, RNG_NOISE, cell); epoch e's order is block e of (seed, RNG_BATCH, cell). */
#include "draw.h"
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
    if (is_full(d))
        return OD_OK;
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
    d->z = NULL;
    d->perm = NULL;
}

void draw_step(draw *d, long t, batch *b)
{
    b->B = d->B;
    b->z = NULL;
    b->idx = NULL;
    b->nidx = 0;
    if (is_full(d)) {
        b->B = INFINITY;
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
