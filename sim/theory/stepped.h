/* sim/theory/stepped.h — first crossings, divergence and the loss at step k for exact engines that
 * step their moments one step at a time (gaussreg_exact, nqm_sched): one driver for all of them. */
#ifndef OPTDYN_STEPPED_H
#define OPTDYN_STEPPED_H

#include <stddef.h>

/* An engine's instance seen by the driver. */
typedef struct stepped {
    void *e;
    void (*restart)(void *e);         /* moments back to step 0 */
    void (*step)(void *e);            /* one step forward */
    double (*loss)(const void *e);    /* E[L] at the current step */
    const long *k;                    /* the current step (in e) */
    double loss0;                     /* E[L] at step 0 */
} stepped;

/* E[L(x_k)], stepping forward to k (from step 0 again when k is behind). */
double stepped_loss_at(const stepped *s, long k);
/* First k <= max_steps with E[L] <= target (-1 if none; *frac the crossing interpolated in log
 * loss between k-1 and k, inf if none), from step 0. */
long stepped_steps(const stepped *s, double target, long max_steps, double *frac);
/* First k <= max_steps with E[L] > factor E[L(0)] or not finite, -1 if none, from step 0. */
long stepped_diverged_at(const stepped *s, double factor, long max_steps);
/* One pass from step 0: steps[t] = first k with E[L] <= targets[t] (-1 if none), *diverged
 * (-1 if none; the pass stops there), *final = E[L] where the pass stopped (the last first
 * crossing, else max_steps). */
void stepped_scan(const stepped *s, size_t nt, const double *targets, double factor,
                  long max_steps, double *steps, long *diverged, double *final);

#endif
