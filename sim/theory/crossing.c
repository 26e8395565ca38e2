/* sim/theory/crossing.c — the bracketed crossing search of crossing.h: the secant through the last
 * two points in (log k, log f - log level), each guess checked with its neighbour, bisection (in
 * log k while the bracket spans a factor of 4 or more) whenever a round fails to halve it. */
#include "crossing.h"

#include <math.h>

typedef struct bracket {
    long lo, hi;
    double flo, fhi;
} bracket;

/* Evaluate f at k (lo < k < hi) and shrink the bracket; returns log f(k) - log level. */
static double probe(bracket *b, crossing_fn f, const void *ctx, double level, long k, double *x,
                    double *y)
{
    double v = f(ctx, k);
    if (v <= level)
        b->hi = k, b->fhi = v;
    else
        b->lo = k, b->flo = v;
    *x = log((double)k);
    *y = log(v) - log(level);
    return v;
}

static long midpoint(const bracket *b)
{
    if (b->lo >= 1 && b->hi / 4 >= b->lo) {
        long g = (long)sqrt((double)b->lo * (double)b->hi);
        if (g > b->lo && g < b->hi)
            return g;
    }
    return b->lo + (b->hi - b->lo) / 2;
}

/* Smaller by half: the bracket's width in k or its width in log k. */
static int halved(const bracket *now, const bracket *was)
{
    return 2 * (now->hi - now->lo) <= was->hi - was->lo ||
           (now->lo >= 1 && was->lo >= 1 &&
            2 * log((double)now->hi / (double)now->lo) <= log((double)was->hi / (double)was->lo));
}

long crossing_bracket(crossing_fn f, const void *ctx, double level, long lo, double flo, long hi,
                      double fhi, double *fprev, double *fk)
{
    bracket b = { lo, hi, flo, fhi };
    /* the last two points, for the secant (x = log k, y = log f - log level) */
    double x1 = log((double)lo), y1 = log(flo) - log(level);
    double x2 = log((double)hi), y2 = log(fhi) - log(level);
    int secant = 1;
    while (b.hi - b.lo > 1) {
        bracket was = b;
        double kx = NAN;
        if (secant && b.lo >= 1 && isfinite(x1) && isfinite(y1) && isfinite(y2) && y1 != y2)
            kx = exp(x2 - y2 * (x2 - x1) / (y2 - y1));
        if (!(kx > (double)b.lo && kx < (double)b.hi)) {     /* also NaN: bisect */
            double x, y;
            probe(&b, f, ctx, level, midpoint(&b), &x, &y);
            x1 = x2, y1 = y2, x2 = x, y2 = y;
            secant = 1;
            continue;
        }
        long g = (long)ceil(kx);                             /* the first step at or past k* */
        g = g <= b.lo ? b.lo + 1 : g >= b.hi ? b.hi - 1 : g;
        if (g <= b.lo || g >= b.hi)
            g = midpoint(&b);
        double x, y;
        probe(&b, f, ctx, level, g, &x, &y);
        x1 = x2, y1 = y2, x2 = x, y2 = y;
        long nb = b.hi == g ? g - 1 : g + 1;                 /* its neighbour across k* */
        if (b.hi - b.lo > 1 && nb > b.lo && nb < b.hi) {
            probe(&b, f, ctx, level, nb, &x, &y);
            x1 = x2, y1 = y2, x2 = x, y2 = y;
        }
        secant = halved(&b, &was);
    }
    *fprev = b.flo;
    *fk = b.fhi;
    return b.hi;
}
