/* sim/kinds/onestep.h — kind = onestep: with the gradient frozen at x, Monte Carlo estimates of each
 * optimizer's one-step optimal lr*(B) and dL(B) (first update and steady state), beside the
 * closed forms of docs/theory.md "One-step scaling". Layout: docs/hdf5-schema.md (/onestep). */
#ifndef OPTDYN_ONESTEP_H
#define OPTDYN_ONESTEP_H

#include <stdio.h>

#include "../input/config.h"
#include "../theory/grad_moments.h"
#include "../output/rec.h"
#include "progress.h"

typedef struct onestep_params {
    param_list batch;        /* batch sizes */
    long samples;            /* Monte Carlo draws per batch size */
    int point;               /* ONESTEP_INIT or ONESTEP_MINIMIZER */
    long steady_steps;       /* frozen-gradient steps before steady-state sampling */
} onestep_params;

enum { ONESTEP_INIT, ONESTEP_MINIMIZER };

extern const param_spec onestep_specs[];          /* [onestep] keys */
/* The [onestep] keys of an experiment of this kind. */
static inline const onestep_params *onestep_params_of(const config *c) { return c->kp; }

typedef struct onestep_estimate {
    double lr, lr_se;        /* mean(phi.g) / mean(phi^T H phi), batch-means standard error */
    double dL, dL_se;        /* mean(phi.g)^2 / (2 mean(phi^T H phi)) */
    double dL_direct;        /* L(x) - mean L(x - lr phi) over the same draws (first update) */
    double rms;              /* update RMS sqrt(mean |phi|^2 / n) */
    double *mean_phi;        /* n or NULL: per-coordinate mean of phi */
    double *mean_phi_se;     /* n or NULL: its standard error */
} onestep_estimate;

/* Does the update rule carry state across steps (so that its steady state differs from its
 * first update)? 1 for types declaring OPT_CAP_STEADY, else 0. */
int onestep_stateful(const opt_type *t);

/* The point x where the gradient is frozen: the problem's x0 or its minimizer. */
const double *onestep_point(const config *c, const problem *pb);

/* Monte Carlo over onestep_params_of(c)->samples draws of the direction phi = -dx/lr (lr = 1) of optimizer
 * o at batch B, from a zero state (dir = ONESTEP_FIRST) or after steady_steps frozen-gradient
 * steps along one chain (ONESTEP_STEADY; samples are then consecutive steps). cell keys the
 * draws. */
int onestep_mc(const config *c, const cfg_optimizer *o, int dir, const problem *pb,
               const double *x, double B, uint64_t cell, onestep_estimate *e);

/* `optdyn theory`: the moments and closed forms at the frozen point as text on out; x->err
 * says why it failed (OD_EINPUT: point = minimizer without a known minimizer). */
struct sim_ctx;
int onestep_theory(struct sim_ctx *x, FILE *out);

/* The whole experiment into /onestep, on `threads` threads (results do not depend on it);
 * progress (may be NULL) after each cell (optimizer, direction, batch), of expected work
 * (steady_steps + samples, or 2 samples for the first update) x work_of_step(B). */
int sim_run_onestep(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                    void *user, rec *r, char *err, size_t len);

#endif
