/* sim/theory/scaling_theory.h — closed forms of the one-step optimal learning rate lr*(B) and loss
 * decrease dL(B) for an optimizer's update direction (docs/theory.md "One-step scaling"), the surge peak and
 * Goh's optimal momentum for a quadratic spectrum. */
#ifndef OPTDYN_SCALING_THEORY_H
#define OPTDYN_SCALING_THEORY_H

#include "../input/config.h"
#include "grad_moments.h"

enum { ONESTEP_FIRST, ONESTEP_STEADY };   /* first update from zero state, or steady state */

#define THEORY_FORMS_MAX 4

typedef struct theory_value {
    const char *form;     /* e.g. "sgd", "erf", "pi4", "mean_field" */
    double lr, dL;
} theory_value;

/* The closed forms that apply to optimizer o's direction (first or steady) at batch B, into
 * out[0..k); returns k (0: none). The erf and pi4 forms need H E products: pb and x are used. */
size_t scaling_theory(const cfg_optimizer *o, int dir, const grad_moments *m, const problem *pb,
                      const double *x, double B, theory_value *out);

/* The same for every batch size B[0..nb) at once: form k is forms[k], its values lr[k*nb + i]
 * and dL[k*nb + i] (lr, dL: THEORY_FORMS_MAX * nb doubles). Returns the number of forms. */
size_t scaling_theory_table(const cfg_optimizer *o, int dir, const grad_moments *m,
                            const problem *pb, const double *x, size_t nb, const double *B,
                            const char **forms, double *lr, double *dL);

/* One-line description of a form, recorded beside its values. */
const char *scaling_theory_describe(const char *form);

/* Variance of c = b1 m + (1-b1) g over Sigma/B when m <- b2 m + (1-b2) g is in its steady state
 * and the noise is independent across steps: a = b1^2 (1-b2)/(1+b2) + (1-b1)^2, which is
 * (1-b1)/(1+b1) for b1 = b2 (SignSGDM; the stationary Cov[m] of SGDM in EMA form). */
double sign_ema_noise_factor(double b1, double b2);

/* SignSGD mean-field surge (C > A): B_peak = A B_simple/(C - A), lr_peak = sum|g|/(2 sqrt(AC));
 * returns 0 (and NANs) when there is none. */
int sign_surge(const grad_moments *m, double *B_peak, double *lr_peak);

/* Adam steady state, diagonal H: surge beyond B = B_simple (1-b1)/(3 b1 - 1) when b1 > 1/3. */
double adam_surge_batch(const grad_moments *m, double b1);

/* Adam's steady update RMS from one global signal-to-noise ratio s = B/B_simple = B|g|^2/tr Sigma:
 * sqrt((s + a)/(s + 1)), a = (1-b1)/(1+b1). Exact only when every coordinate has the same
 * ratio g_i^2/Sigma_ii; otherwise use the per-coordinate form below. */
double adam_update_rms_global_snr(double b1, double snr);

/* The same per coordinate, s_i = B g_i^2/Sigma_ii: sqrt(mean_i (s_i + a)/(s_i + 1)). */
double adam_update_rms_per_coordinate(const grad_moments *m, double b1, double B);

/* Goh (2017): for eigenvalues in [lmin, lmax], the best heavy-ball pair and its rate sqrt(mu). */
void goh_optimum(double lmin, double lmax, double *lr, double *mu, double *rate);

/* Plain GD on the same spectrum: the best constant lr = 2/(lmin + lmax) and its rate
 * (kappa - 1)/(kappa + 1), kappa = lmax/lmin (heavy ball's is (sqrt kappa - 1)/(sqrt kappa + 1)). */
void gd_optimum(double lmin, double lmax, double *lr, double *rate);
/* Spectral radius of heavy ball (v <- mu v + g; x <- x - lr v) on eigenvalue lambda; the
 * convergence rate over a spectrum is the largest over its eigenvalues. */
double heavy_ball_radius(double lr, double mu, double lambda);

#endif
