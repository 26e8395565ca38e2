/* sim/core/draw.h — the only place gradient noise and minibatches are drawn. A step's draw depends on
 * (seed, cell, step) alone, so every optimizer run on the same cell sees the same noise. */
#ifndef OPTDYN_DRAW_H
#define OPTDYN_DRAW_H

#include <stdint.h>

#include "problem.h"
#include "rng.h"

typedef struct draw {
    const problem *pb;
    double B;
    rng_stream noise, order;
    double *z;          /* n normals (Gaussian-noise problems), B * width (online data) */
    size_t *perm;       /* epoch permutation of the N examples (finite-data problems) */
    long epoch;         /* epoch whose permutation is in perm, -1 for none */
    /* sampling = cr: probabilities and cumulative sums (N), the step's examples and weights (B),
     * one example's gradient (n); NULL otherwise */
    double *p, *cdf, *w, *g;
    size_t *idx;
} draw;

/* Normals per step of an online-data problem at integer batch size B: B * pb->stream_width. */
size_t draw_stream_size(const problem *pb, double B);

/* Prepare buffers for problem pb at batch size B (INFINITY: exact gradients). */
int draw_init(draw *d, const problem *pb, double B, uint64_t seed, uint64_t cell);
void draw_free(draw *d);

/* The batch for step t = 1, 2, ...: Gaussian noise z_t (or B online examples' draws), or the examples of step t, taken
 * without replacement within an epoch (epoch e is a fresh permutation; floor(N/B) batches per
 * epoch, the remainder is dropped). B >= N or inf: the exact full gradient. */
void draw_step(draw *d, long t, batch *b);
/* The same at the iterate x, which a problem with sampling = cr needs (x NULL: pb->x0): B
 * examples drawn i.i.d. (uniforms: block t of the batch stream) with the column-row
 * probabilities p_j = |g_j(x)| / sum_k |g_k(x)|, g_j example j's gradient (N one-example
 * gradients per step; uniform where every norm is 0 or one is not finite), each weighted by
 * 1/(N p_j) so that the batch gradient stays unbiased; its covariance is then
 * (1/B) (sum_j g_j g_j^T / (N^2 p_j) - g g^T), the minimum of the trace over p (docs/theory.md). */
void draw_step_at(draw *d, long t, const double *x, batch *b);

#endif
