/* sim/theory/batch_variance.h — the variance of a finite-data problem's minibatch gradient at x, measured
 * over draws of the run loop's own sampler (uniform or cr) beside its closed form (docs/theory.md). */
#ifndef OPTDYN_BATCH_VARIANCE_H
#define OPTDYN_BATCH_VARIANCE_H

#include <stdint.h>

#include "../core/problem.h"

typedef struct batch_variance {
    double measured, measured_se;  /* mean of |g_B - g|^2 over the draws, and its standard error */
    double formula;                /* uniform: (N-B)/(N-1) tr_uniform/B; cr: tr_cr/B */
    double grad_sq;                /* |g|^2, g the full gradient */
    double tr_uniform;             /* per-example tr(Sigma), (1/N) sum_j |g_j - g|^2 */
    double tr_cr;                  /* CR's per-draw (sum_j |g_j|^2/(N^2 p_j)) - |g|^2 with
                                      p_j ~ |g_j|: ((1/N) sum_j |g_j|)^2 - |g|^2 */
    double z_max;                  /* max over coordinates of |mean error| / its SE (bias check) */
} batch_variance;

/* For pb (PROBLEM_NOISE_SAMPLE, its own `sampling`) at x and integer batch size B < N: `draws`
 * batches from draw_step_at with stream (seed, cell 0), counters 1..draws. B_simple of each
 * sampling is tr/grad_sq. OD_EINPUT for a problem without a dataset or B out of range. */
int batch_variance_at(const problem *pb, const double *x, double B, long draws, uint64_t seed,
                      batch_variance *out);

#endif
