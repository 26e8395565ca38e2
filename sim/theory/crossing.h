/* sim/theory/crossing.h — where a function of the integer step crosses a level, given a bracket:
 * safeguarded secant steps in (log k, log f) instead of plain bisection (the exact engines' steps). */
#ifndef OPTDYN_CROSSING_H
#define OPTDYN_CROSSING_H

/* f(ctx, k) for an integer step k >= 1. */
typedef double (*crossing_fn)(const void *ctx, long k);

/* From lo < hi with !(f(lo) <= level) (flo = f(lo)) and f(hi) <= level (fhi = f(hi)): a k in
 * (lo, hi] with f(k) <= level and !(f(k-1) <= level), *fprev = f(k-1) and *fk = f(k) (from the
 * calls already made). When the predicate f <= level, once true, stays true on [lo, hi], that k is
 * the first after lo, the one bisection finds. Costs a few calls of f where bisection costs about
 * log2(hi - lo): each secant guess ceil(k*) is followed by its neighbour on the other side, and a
 * round that does not halve the bracket (in k or in log k) is followed by a bisection step. */
long crossing_bracket(crossing_fn f, const void *ctx, double level, long lo, double flo, long hi,
                      double fhi, double *fprev, double *fk);

#endif
