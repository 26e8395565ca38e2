/* sim/core/train_grad.h — a problem seen through gradient clipping and coupled L2 (opt_train):
 * the update rule evaluates its gradients on the wrapper, which asks the wrapped problem. */
#ifndef OPTDYN_TRAIN_GRAD_H
#define OPTDYN_TRAIN_GRAD_H

#include "../../optimizers/schedule.h"
#include "problem.h"

typedef struct train_grad {
    problem pb;               /* what the rule sees: a copy of *inner with the wrapper's type */
    const problem *inner;
    const opt_train *tr;
} train_grad;

/* Sets up w around inner (no allocation; w must stay in place while it is used). */
void train_grad_init(train_grad *w, const problem *inner, const opt_train *tr);
/* Clip g (n) in place: g <- g*min(1, c/|g|), over the whole vector or per block of pb. */
void train_grad_clip(const problem *pb, double c, int per_block, double *g);

#endif
