/* sim/theory/crossing.c — the bracketed crossing search of crossing.h: a first guess and a point
 * 1/16 from it towards the crossing, then the secant through the last two points in (log k,
 * log f - log level), at most a factor of 16 from the last point (in k once the bracket spans
 * less than a factor of 2); a guess that should be within a
 * step of the crossing is checked with its neighbour. Bisection (in log k while the bracket spans
 * a factor of 4 or more) where the secant leaves the bracket, and for good after 8 rounds. */
#include "crossing.h"

#include <math.h>

typedef struct bracket {
    long lo, hi;
    double flo, fhi;
} bracket;

/* The last two points evaluated (k, y = log f - log level), for the secant. */
typedef struct trail {
    double k1, y1, k2, y2;
} trail;

/* Evaluate f at k (lo < k < hi), shrink the bracket, push the point on the trail. */
static void probe(bracket *b, trail *t, crossing_fn f, const void *ctx, double level, long k)
{
    double v = f(ctx, k);
    if (v <= level)
        b->hi = k, b->fhi = v;
    else
        b->lo = k, b->flo = v;
    t->k1 = t->k2, t->y1 = t->y2;
    t->k2 = (double)k, t->y2 = log(v) - log(level);
}

static long midpoint(const bracket *b)
{
    long lo = b->lo >= 1 ? b->lo : 1;
    if (b->hi / 4 >= lo) {
        long g = (long)sqrt((double)lo * (double)b->hi);
        if (g > b->lo && g < b->hi)
            return g;
    }
    return b->lo + (b->hi - b->lo) / 2;
}

/* The secant's root through the trail, within a factor of 16 of the last point; NaN if none.
 * In log k (power laws are straight there) while the bracket spans a factor of 2 or more, else in
 * k (an exponential tail is straight there, and a power law nearly so over a narrow range). */
static double secant_root(const trail *t, const bracket *b)
{
    if (!(t->k1 > 0 && t->k2 > 0 && isfinite(t->y1) && isfinite(t->y2)) || t->y1 == t->y2 ||
        t->k1 == t->k2)
        return NAN;
    double r = -t->y2 / (t->y2 - t->y1), lim = log(16.0), kx;
    if (b->lo >= 1 && b->hi / 2 < b->lo)
        kx = t->k2 + r * (t->k2 - t->k1);
    else {
        double step = r * log(t->k2 / t->k1);
        kx = exp(log(t->k2) + (step > lim ? lim : step < -lim ? -lim : step));
    }
    return kx;
}

long crossing_bracket(crossing_fn f, const void *ctx, double level, long lo, double flo, long hi,
                      double fhi, long guess, double *fprev, double *fk)
{
    enum { ROUNDS = 8 };
    bracket b = { lo, hi, flo, fhi };
    trail t = { (double)lo, log(flo) - log(level), (double)hi, log(fhi) - log(level) };
    if (b.hi - b.lo > 1) {
        long g = guess > b.lo && guess < b.hi ? guess : midpoint(&b);
        probe(&b, &t, f, ctx, level, g);
        long g2 = b.hi == g ? (long)floor((double)g / 1.0625) : (long)ceil((double)g * 1.0625);
        g2 = b.hi == g ? (g2 < g ? g2 : g - 1) : (g2 > g ? g2 : g + 1);
        if (g2 > b.lo && g2 < b.hi)
            probe(&b, &t, f, ctx, level, g2);
    }
    for (int round = 0; b.hi - b.lo > 1; round++) {
        double kx = round < ROUNDS ? secant_root(&t, &b) : NAN, last = t.k2;
        if (!(kx > (double)b.lo && kx < (double)b.hi)) {     /* also NaN: bisect */
            probe(&b, &t, f, ctx, level, midpoint(&b));
            continue;
        }
        long g = (long)ceil(kx);                             /* the first step at or past k* */
        g = g <= b.lo ? b.lo + 1 : g >= b.hi ? b.hi - 1 : g;
        probe(&b, &t, f, ctx, level, g);
        /* the secant's error is about its correction squared over k: below a step, check the
         * neighbour across k* too */
        long nb = b.hi == g ? g - 1 : g + 1;
        double corr = kx - last;
        if (corr * corr < kx && b.hi - b.lo > 1 && nb > b.lo && nb < b.hi)
            probe(&b, &t, f, ctx, level, nb);
    }
    *fprev = b.flo;
    *fk = b.fhi;
    return b.hi;
}
