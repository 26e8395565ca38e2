/* sim/theory/exact.h — expected-loss dynamics without sampling, whatever the problem: a registry of
 * engines (NQM closed forms, Gaussian-feature recursion), each for the problems whose facts it needs.
 * Exact sweeps and refinements call only this interface; a new engine is a file and a line in exact.c. */
#ifndef OPTDYN_EXACT_H
#define OPTDYN_EXACT_H

#include "../../optimizers/opt.h"
#include "../core/problem.h"

typedef struct exact_engine {
    const char *name;
    /* The problem has the facts the engine needs (diag_facts, feature_facts, ...). */
    int (*fits)(const problem_type *pt);
    /* ... and the optimizer's dynamics (its quadratic model, p's averaging) are implemented. */
    int (*supports)(const problem_type *pt, const opt_type *t, const opt_params *p);
    size_t size;          /* bytes of one instance */
    /* From E[(x_i(0) - x*_i)^2] = s0[i], zero velocity, batch size B (inf: deterministic). */
    int (*init)(void *e, const problem *pb, const opt_type *t, const opt_params *p, double B,
                const double *s0);
    void (*free)(void *e);
    int (*stable)(const void *e);     /* the second moments stay bounded (1), or may not (0) */
    double (*loss)(void *e, double k);                       /* E[L(x_k)] */
    double (*stationary)(void *e);    /* lim E[L(x_k)]; inf unstable; NaN not in closed form */
    /* First k <= max_steps with E[L(x_k)] <= target, or -1; *frac: the crossing interpolated in
     * log loss between k-1 and k (inf when -1). */
    long (*steps)(void *e, double target, long max_steps, double *frac);
    /* First k <= max_steps with E[L(x_k)] > factor E[L(0)] (not finite counts), or -1. */
    long (*diverged_at)(void *e, double factor, long max_steps);
    /* Optional, for engines that step (NULL: use steps and diverged_at): every target's first
     * crossing and the divergence in one pass (steps[t] = -1 and *diverged = -1 for none; the
     * pass stops at divergence), and *final = E[L] where it stopped (the last crossing, else
     * max_steps). */
    void (*scan)(void *e, size_t nt, const double *targets, double factor, long max_steps,
                 double *steps, long *diverged, double *final);
    /* Optional: the engine for optimizers with a schedule, weight decay or clipping (opt_train);
     * NULL: none (this engine assumes a constant lr and the bare rule). */
    const struct exact_engine *scheduled;
    /* Optional: *value = stationary() of init(..., B, ...) without the rest of the set-up (NULL,
     * or OD_ENOTSUP for a supported optimizer: init, then stationary). */
    int (*stationary_of)(const problem *pb, const opt_type *t, const opt_params *p, double B,
                         const double *s0, double *value);
    /* Optional: bytes one thread keeps while it runs cells at dimension n (its memos and one
     * cell's set-up), for the memory check before a run (NULL: no more than O(n) doubles). */
    double (*thread_bytes)(size_t n);
} exact_engine;

extern const exact_engine *const exact_engines[];   /* NULL-terminated registry */

/* The engine for pt (NULL: the problem has no exact dynamics). */
const exact_engine *exact_engine_of(const problem_type *pt);

/* The engine for pt and an optimizer's p: exact_engine_of's, or its `scheduled` engine when p
 * sets a schedule, weight decay or clipping (NULL: none). */
const exact_engine *exact_engine_for(const problem_type *pt, const opt_params *p);

/* One instance of dynamics. */
typedef struct exact {
    const exact_engine *engine;
    void *state;
} exact;

/* OD_ENOTSUP when no engine supports (pb, t, p). */
int exact_init(exact *x, const problem *pb, const opt_type *t, const opt_params *p, double B,
               const double *s0);
/* *value = the stationary risk of exact_init(pb, t, p, B, s0), by the engine's stationary_of
 * where it has one (the same value); OD_ENOTSUP as exact_init. */
int exact_stationary(const problem *pb, const opt_type *t, const opt_params *p, double B,
                     const double *s0, double *value);
void exact_free(exact *x);

/* E[(x_i(0) - x*_i)^2] of the problem's start: init_scale^2 + x*_i^2 for a random start,
 * (x0_i - x*_i)^2 for an explicit one (x* = 0 where the problem has none). */
double *exact_start_moments(const problem *pb);

#endif
