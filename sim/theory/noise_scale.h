/* sim/theory/noise_scale.h — the gradient noise scale along a trajectory (docs/theory.md "One-step scaling"): exact
 * B_simple = tr(Sigma)/|g|^2 and B_noise = tr(Sigma H)/g^T H g, and McCandlish et al.'s two-batch
 * estimator (2018, App. A) of |g|^2 and tr(Sigma), smoothed by exponential moving averages. */
#ifndef OPTDYN_NOISE_SCALE_H
#define OPTDYN_NOISE_SCALE_H

#include <stdint.h>

#include "../core/problem.h"
#include "../output/rec.h"
#include "../core/rng.h"

/* A small batch of Bs examples nested in a big one of Bb, drawn afresh (purpose RNG_PROBE,
 * counter = step) so the run's own noise is untouched. With u = 1/B for Gaussian noise and
 * u = (N - B)/(B (N - 1)) for B examples drawn without replacement from N,
 *   E|G_B|^2 = |g|^2 + u tr(Sigma)   (Sigma: the per-example covariance, population form)
 * so from one pair (Gs, Gb)
 *   tr(Sigma)_est = (|Gs|^2 - |Gb|^2)/(us - ub),  |g|^2_est = (us |Gb|^2 - ub |Gs|^2)/(us - ub),
 * both unbiased (u = 1/B gives McCandlish's formulas). Each is smoothed by a bias-corrected EMA
 * over the probes, S_k = (sum_j decay^(k-j) est_j)/(sum_j decay^(k-j)); B_simple_est = S_tr/S_g. */
typedef struct noise_probe {
    const problem *pb;
    double Bs, Bb, us, ub;
    double decay;              /* EMA coefficient per probe (0: no smoothing) */
    int exact;                 /* also compute the exact moments (costs N or n gradients) */
    rng_stream stream;
    double *gs, *gb, *z;       /* small/big batch gradients; 2n normals */
    size_t *perm;              /* finite data: the probe's permutation of the N examples */
    double sum_g, sum_tr, weight;
} noise_probe;

/* One probe's results; the exact columns are NaN when exact = 0. */
typedef struct noise_probe_row {
    double grad_sq, tr_sigma, B_simple, B_noise;          /* exact at x */
    double grad_sq_est, tr_sigma_est;                     /* this probe's two-batch estimates */
    double grad_sq_smooth, tr_sigma_smooth, B_simple_est; /* smoothed, and their ratio */
} noise_probe_row;

int noise_probe_init(noise_probe *p, const problem *pb, double Bs, double Bb, double decay,
                     int exact, uint64_t seed);
/* Probe at x on step t (the draws depend on (seed, t) alone). */
int noise_probe_at(noise_probe *p, const double *x, long t, noise_probe_row *row);
void noise_probe_free(noise_probe *p);

/* The table `group`/noise_scale: step and the columns of noise_probe_row. */
rec_table *noise_probe_table_open(rec *r, const char *group, const noise_probe *p);
int noise_probe_table_append(rec_table *tab, long t, const noise_probe_row *row);

#endif
