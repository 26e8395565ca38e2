/* sim/theory/nqm_exact.h — expected loss of SGD, preconditioned SGD (both optionally with iterate
 * averaging) and heavy ball on the noisy quadratic model, exactly, without sampling (docs/theory.md
 * "The noisy quadratic model" and "Exact NQM"). E[L(x_k)] costs O(d) for any k, accurate to ~1e-13
 * relative up to k = 1e9 and beyond; steps-to-target is the provably first crossing. */
#ifndef OPTDYN_NQM_EXACT_H
#define OPTDYN_NQM_EXACT_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"
#include "thread_memo.h"

enum { NQM_SGD, NQM_HEAVY_BALL, NQM_EMA };

/* Per coordinate, E[x_i(k)^2] (E[xbar_i(k)^2] with averaging) = s0_i c_i(k)^2 + N_i(k): c_i the
 * response to the start, N_i >= 0 the accumulated noise, non-decreasing in k. */
typedef struct nqm_exact {
    size_t n;
    int mode;             /* NQM_SGD, NQM_HEAVY_BALL or NQM_EMA */
    int stable;           /* spectral radius < 1 in every coordinate */
    int monotone;         /* SGD with s0_i >= s*_i everywhere: E[L] non-increasing in k */
    const double *h;      /* curvatures (loss weights) */
    void *coord;          /* heavy ball, EMA: per-coordinate constants (nqm_exact.c) */
    memo_block roots;     /* heavy ball: coord's block, taken from the thread's memo of roots */
    void *hb;             /* heavy ball: the same grouped by root kind (nqm_hb.h) */
    /* SGD, coordinates reordered: [0, na) with s0 >= s* (form s* + r^k (s0 - s*)), [na, n) the
     * others (form s0 + (r^k - 1)(s0 - s*)), so neither sum cancels */
    double *logr, *hs0, *hss, *hd, *gr;   /* log r_i, h s0, h s*, h (s0 - s*), h noise (r == 1) */
    size_t na;
    int unit;             /* SGD: some r_i == 1 (noise accumulates linearly) */
    double lo[2];         /* SGD: floors of the arguments of exp (-708) and expm1 (-40), nqm_sum.c */
    double loss0;
    double stationary;    /* lim E[L(x_k)], inf when unstable */
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

/* The stationary risk lim_k E[L(x_k)] in closed form (0 for B = inf), inf when unstable. */
double nqm_exact_stationary(const nqm_exact *e);
/* *value = nqm_exact_stationary after nqm_exact_init(e, pb, type, p, B, s0), without the rest
 * of the set-up; OD_ENOTSUP as nqm_exact_init, and with averaging (not without the set-up:
 * exact_stationary then runs it). */
int nqm_exact_stationary_of(const problem *pb, const opt_type *type, const opt_params *p, double B,
                            const double *s0, double *value);

/* Bytes a thread keeps at dimension n: its memos (SGD's log r, the heavy ball's roots, the
 * preconditioner's facts, all kept at once) and the largest one-cell set-up (heavy ball's: the
 * groups of nqm_hb.h, and roots of its own while another cell holds the memo's), about 550
 * bytes a coordinate. */
double nqm_exact_thread_bytes(size_t n);

/* The first crossing: smallest k <= max_steps with E[L(x_k)] <= target, or -1. Exact for every
 * mode, monotone or not (branch and bound on rigorous lower bounds of E[L] over step intervals,
 * docs/theory.md). *frac gets the crossing interpolated in log loss between k-1 and k (for
 * refinement), inf when -1. */
long nqm_exact_steps(const nqm_exact *e, double target, long max_steps, double *frac);

/* First k <= max_steps with E[L] > factor * E[L(0)] (doubling + bisection), or -1. */
long nqm_exact_diverged_at(const nqm_exact *e, double factor, long max_steps);

/* Internal (nqm_sum.c): SGD's sum over coordinates of h E[x^2] at k, and its lower bound over
 * the steps [k1, k2] (s0 min(r^k1, r^k2) + N(k1)). */
double nqm_exact_sgd_sum(const nqm_exact *e, double k);
double nqm_exact_sgd_bound(const nqm_exact *e, double k1, double k2);

#endif
