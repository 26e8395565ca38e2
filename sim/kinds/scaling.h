/* sim/kinds/scaling.h — kind = scaling: batch-size scaling rules tested by simulation. Each optimizer
 * runs from batch base_batch to kappa * base_batch under each rule; the loss-vs-examples curves are
 * compared with the smallest kappa's. Layout: docs/hdf5-schema.md (/scaling). */
#ifndef OPTDYN_SCALING_H
#define OPTDYN_SCALING_H

#include "../input/config.h"
#include "progress.h"

typedef struct scaling_params {
    double base_batch;       /* B at kappa = 1 */
    param_list kappa;        /* batch multipliers, integers dividing the largest */
    long examples;           /* budget in examples (a multiple of base_batch * max kappa) */
    long points;             /* at most this many checkpoints along the examples axis */
    long seeds;              /* Monte Carlo replicates per curve */
    char rules[PARAM_STRING_MAX];   /* comma-separated rule names */
} scaling_params;

/* The rules of `rules` text in order (at most SCALING_RULES) into r; returns their number, or 0
 * with why naming the first unknown one. */
size_t scaling_rules_parse(const char *rules, int *r, char *why, size_t len);

extern const param_spec scaling_specs[];
static inline const scaling_params *scaling_params_of(const config *c) { return c->kp; }

/* Every rule, kappa and optimizer of c on pb into r (/scaling); progress (may be NULL) after each
 * kappa ("NAME/RULE" k of the kappas), of expected work seeds x (steps x work_of_step(B) +
 * checkpoints x work_of_loss), steps = examples / B. */
int scaling_run(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                void *user, rec *r, char *err, size_t errlen);

#endif
