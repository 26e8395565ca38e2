/* sim/theory/gaussreg_exact.h — expected excess risk of SGD, preconditioned SGD (with iterate
 * averaging) and heavy ball on online linear regression with Gaussian features, by the exact
 * second-moment recursion (docs/theory.md): O(d) per step, no sampling. */
#ifndef OPTDYN_GAUSSREG_EXACT_H
#define OPTDYN_GAUSSREG_EXACT_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"
#include "stepped.h"

typedef struct gaussreg_exact {
    stepped drv;               /* first: the stepped-engine driver (exact.c's adapters) */
    size_t n;
    int momentum, ema;         /* heavy ball; SGD with iterate averaging */
    const double *lam;         /* feature variances lambda_k */
    double sigma2, B;          /* label-noise variance; batch size (inf: no noise) */
    double lr, mu, gamma;      /* heavy ball lr and momentum; averaging weight */
    double *eta;               /* SGD: per-coordinate step lr lambda_k^-p */
    double *c0;                /* E[e_k(0)^2], e = w - w* */
    double *C, *X, *V;         /* E[e_k^2], E[e_k v_k], E[v_k^2] (heavy ball) */
    double *P, *Q;             /* E[ebar_k e_k], E[ebar_k^2] (iterate averaging) */
    long k;                    /* step the moments are at */
    double loss0;
    int stable;                /* second moments bounded (SGD, precond, EMA: exact criterion;
                                  heavy ball: 1, not decided) */
    double stationary;         /* lim E[L]: inf unstable, NaN not in closed form (heavy ball,
                                  a schedule) */
    const opt_train *train;    /* the learning-rate schedule lr_t = lr s(t), or NULL: constant */
} gaussreg_exact;

/* Whether the recursion exists: the problem has Gaussian-feature facts and the optimizer a
 * quadratic model (iterate averaging with OPT_QUAD_PRECOND only); a learning-rate schedule is
 * followed, weight decay, L2 and clipping are not modelled (OD_ENOTSUP). */
int gaussreg_exact_supports(const problem_type *pt, const opt_type *type, const opt_params *p);

/* Prepare the dynamics at batch size B from E[e_k(0)^2] = c0[k], E[v(0)] = 0. */
int gaussreg_exact_init(gaussreg_exact *e, const problem *pb, const opt_type *type,
                        const opt_params *p, double B, const double *c0);
void gaussreg_exact_free(gaussreg_exact *e);

/* E[L(w_k)] = 1/2 sum_k lambda_k E[e_k^2] (at the average with averaging); moves the moments
 * forward to step k (from step 0 again when k is behind them). */
double gaussreg_exact_loss(gaussreg_exact *e, long k);

/* First crossings, divergence and scans: through e->drv (sim/theory/stepped.h). */

/* lim E[L] (docs/theory.md): the fixed point of the moment recursion when it is stable. */
double gaussreg_exact_stationary(const gaussreg_exact *e);


#endif
