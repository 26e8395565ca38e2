/* sim/theory/critical_batch.h — the critical batch size of a steps-to-target curve S(B) (Zhang et al.
 * 2024: where S exceeds perfect linear scaling from the smallest batch by 20%) and the batch that
 * reaches the target with the fewest examples, each with its bracket on the grid. */
#ifndef OPTDYN_CRITICAL_BATCH_H
#define OPTDYN_CRITICAL_BATCH_H

#include <stddef.h>

/* Steps exceed perfect scaling by this factor at the critical batch. */
#define CRITICAL_BATCH_OVERHEAD 1.2

typedef struct critical_batch {
    double reference;       /* B_0: the smallest batch that reached the target (NaN: none) */
    double B_crit;          /* log-log interpolated crossing of S(B) B / (S(B_0) B_0) = 1.2; NaN
                               when the grid never crosses, or crosses into a batch that never
                               reaches the target (then only the bracket is known) */
    double B_crit_lo, B_crit_hi;   /* grid bracket: last batch below, first above (hi = inf
                                      when not crossed: B_crit > the largest batch reached) */
    double B_opt;           /* argmin over the grid of the examples B S(B) */
    double B_opt_lo, B_opt_hi;     /* its grid neighbours (the optimum lies between) */
    size_t points;          /* batches that reached the target */
} critical_batch;

/* B ascending (n values); S[i] the steps to target at B[i], not finite or < 0 when not reached. */
void critical_batch_find(size_t n, const double *B, const double *S, critical_batch *out);

#endif
