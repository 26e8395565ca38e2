/* sim/theory/crossing.h — where a function of the integer step crosses a level, given a bracket:
 * safeguarded secant steps in (log k, log f) instead of plain bisection (the exact engines' steps). */
#ifndef OPTDYN_CROSSING_H
#define OPTDYN_CROSSING_H

/* f(ctx, k) for an integer step k >= 1. */
typedef double (*crossing_fn)(const void *ctx, long k);

/* From 0 <= lo < hi with !(f(lo) <= level) (flo = f(lo)) and f(hi) <= level (fhi = f(hi)): a k
 * in (lo, hi] with f(k) <= level and !(f(k-1) <= level), *fprev = f(k-1) and *fk = f(k) (from the
 * calls already made). When the predicate f <= level, once true, stays true on [lo, hi], that k
 * is the first after lo, the one bisection finds, whatever the guess (the first point tried when
 * in (lo, hi), else the bracket's middle): the guess changes only how many calls it takes, a few
 * where bisection takes about log2(hi - lo). */
long crossing_bracket(crossing_fn f, const void *ctx, double level, long lo, double flo, long hi,
                      double fhi, long guess, double *fprev, double *fk);

#endif
