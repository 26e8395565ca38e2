/* sim/core/replicate.h — one simulated optimizer run, step by step: draw the step's noise, apply the
 * update rule, x += dx, update the iterate average. Shared by trajectories and sweep cells, so
 * both advance runs the same way (same draws, same arithmetic). */
#ifndef OPTDYN_REPLICATE_H
#define OPTDYN_REPLICATE_H

#include <stdint.h>

#include "../../optimizers/opt.h"
#include "draw.h"
#include "problem.h"

typedef struct replicate {
    const problem *pb;
    const opt_type *type;
    const opt_params *p;
    double *x, *dx, *st;
    double *xbar;           /* iterate average when p->ema > 0, else NULL */
    draw dr;
    long t;                 /* steps taken */
} replicate;

/* Start at x0 of replicate `stream` (problem_start) with its noise streams, batch size B. */
int replicate_init(replicate *r, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, uint64_t seed, uint64_t stream);
/* Take step t + 1. Returns the update rule's status. */
int replicate_step(replicate *r);
/* Loss at x, and at the point the run is judged by (xbar with averaging, else x). */
double replicate_loss(const replicate *r);
double replicate_judged_loss(const replicate *r);
void replicate_free(replicate *r);

#endif
