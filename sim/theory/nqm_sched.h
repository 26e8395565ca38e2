/* sim/theory/nqm_sched.h — exact expected loss on problems with diagonal facts (nqm, quadratic)
 * under a learning-rate schedule and weight decay / L2: the per-coordinate moment recursions
 * stepped with lr_t, O(d T). */
#ifndef OPTDYN_NQM_SCHED_H
#define OPTDYN_NQM_SCHED_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"
#include "stepped.h"

typedef struct nqm_sched {
    stepped drv;               /* first: the stepped-engine driver (exact.c's adapters) */
    size_t n;
    const double *h;           /* Hessian diagonal (the loss weights) */
    double *hp, *sv;           /* per coordinate: q = (h + l2)^(1-p), Var of P xi = c (h + l2)^(-2p) / B */
    double *s0;                /* E[x_i(0)^2] */
    double *m;                 /* 6n moments: xx, xv, vv, bb, bx, bv (b: the average xbar) */
    opt_params p;              /* lr, ema, the schedule */
    double mu;                 /* heavy-ball momentum (0: SGD / precond) */
    long k;                    /* step the moments are at */
    double loss0;
} nqm_sched;

/* The problem has diagonal facts, the rule a quadratic model (any with averaging), and p a
 * schedule, weight decay or L2, but no clipping. */
int nqm_sched_supports(const problem_type *pt, const opt_type *type, const opt_params *p);
int nqm_sched_init(nqm_sched *e, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, const double *s0);
void nqm_sched_free(nqm_sched *e);
/* E[L], first crossings, divergence: through e->drv (sim/theory/stepped.h). */

#endif
