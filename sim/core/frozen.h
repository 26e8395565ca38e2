/* sim/core/frozen.h — a problem whose gradient is frozen at a point: every gradient, at any y, is the
 * base problem's at x (with the batch's noise), so optimizer state evolves with x fixed. */
#ifndef OPTDYN_FROZEN_H
#define OPTDYN_FROZEN_H

#include "problem.h"

typedef struct frozen {
    problem pb;              /* the frozen problem, to hand to update rules */
    const problem *base;
    const double *x;
} frozen;

/* f->pb is valid while f, base and x live; nothing to free. */
void frozen_init(frozen *f, const problem *base, const double *x);

#endif
