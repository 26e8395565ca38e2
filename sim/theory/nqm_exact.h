/* sim/theory/nqm_exact.h — expected loss of SGD, preconditioned SGD and heavy ball on the noisy
 * quadratic model, exactly, without sampling (THEORY.md section 3). E[L(x_k)] costs O(d) for
 * any k (closed forms), so steps-to-target up to 1e9 costs O(d log k). */
#ifndef OPTDYN_NQM_EXACT_H
#define OPTDYN_NQM_EXACT_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"

typedef struct nqm_exact {
    size_t n;
    int momentum;         /* heavy ball (3x3 second-moment recursion) or SGD (scalar) */
    int ema;              /* SGD with iterate averaging: loss at the average */
    int stable;           /* spectral radius < 1 in every coordinate */
    const double *h;      /* curvatures (loss weights) */
    double *w;            /* heavy ball, SGD + EMA: per-coordinate data, 8 doubles each */
    double *logr, *ss, *dd, *gr;   /* SGD: log r_i, s*_i, s0_i - s*_i, growth when r_i == 1 */
    int unit;             /* SGD: some r_i == 1 (noise accumulates linearly) */
    double loss0;
} nqm_exact;

/* Whether exact moments exist: the problem has diagonal facts and the optimizer a quadratic
 * model (opt_type.quadratic) whose dynamics are implemented with p's iterate averaging. */
int nqm_exact_supports(const problem_type *pt, const opt_type *type, const opt_params *p);

/* Prepare the dynamics of optimizer type (nqm_exact_supports) with hyperparameters p at batch
 * size B (inf: deterministic), from E[x_i(0)^2] = s0[i], E[v(0)] = 0; OD_ENOTSUP when not
 * supported. With p->ema > 0 (OPT_QUAD_PRECOND only) the loss is that of the iterate average
 * xbar, xbar(0) = x(0). */
int nqm_exact_init(nqm_exact *e, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, const double *s0);
void nqm_exact_free(nqm_exact *e);

/* E[L(x_k)] = 1/2 sum_i h_i E[x_i(k)^2] for an integer step k >= 0. */
double nqm_exact_loss(const nqm_exact *e, double k);

/* Smallest k <= max_steps with E[L(x_k)] < target by doubling + bisection (exact when the
 * expected loss is monotone, as for SGD; the first crossing found otherwise), or -1. *frac gets
 * the crossing interpolated in log loss between k-1 and k (for refinement), inf when -1. */
long nqm_exact_steps(const nqm_exact *e, double target, long max_steps, double *frac);

/* First k <= max_steps with E[L] > factor * E[L(0)] (doubling + bisection), or -1. */
long nqm_exact_diverged_at(const nqm_exact *e, double factor, long max_steps);

#endif
