/* sim/core/ziggurat.c — the ziggurat's table (R solved so that the layers close exactly) and its slow
 * path (wedges, tail, rejections), scalar and compiled once for every kernel (ziggurat.h). */
#include "ziggurat.h"
#include "splitmix.h"

#include <math.h>
#include <pthread.h>

static zig_table table;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The table is solved in long double (64-bit mantissa) and then rounded, so that its 510-step
 * recurrence does not amplify double rounding: every layer's area equals V to ~1e-14 (tested). */
static long double dens_l(long double x)
{
    return expl(-0.5L * x * x);
}

/* V(R) = R f(R) + int_R^inf f = R f(R) + sqrt(pi/2) erfc(R / sqrt 2), the area of each layer. */
static long double layer_area(long double r)
{
    return r * dens_l(r) + 1.253314137315500251207882642405522627L /* sqrt(pi/2) */ *
                           erfcl(r / 1.414213562373095048801688724209698079L);
}

/* Fill x_1 = r, x_{k+1} = f^{-1}(V / x_k + f(x_k)) for k < N - 1 (N = layers <= ZIG_LAYERS); return
 * V / x_{N-1} + f(x_{N-1}) - 1, the top layer's overshoot (> 0: the layers reach above f(0) = 1, R
 * too small; < 0: R too large), 1 when an intermediate layer already overshoots. */
static long double build(long double *x, int layers, long double r)
{
    long double v = layer_area(r);
    x[0] = v / dens_l(r);
    x[1] = r;
    for (int k = 1; k < layers - 1; k++) {
        long double y = v / x[k] + dens_l(x[k]);
        if (!(y < 1))
            return 1;
        x[k + 1] = sqrtl(-2 * logl(y));
    }
    return v / x[layers - 1] + dens_l(x[layers - 1]) - 1;
}

/* Bisection to the last bit (build(lo) > 0 > build(hi)); leaves x built for the R returned. */
static long double solve(long double *x, int layers)
{
    long double lo = 2, hi = 5;
    for (int i = 0; i < 200; i++) {
        long double mid = 0.5L * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (build(x, layers, mid) > 0)
            lo = mid;
        else
            hi = mid;
    }
    build(x, layers, hi);
    return hi;
}

double zig_solve_r(int layers)
{
    long double x[ZIG_LAYERS + 1];
    return (double)solve(x, layers);
}

static double dens(double x)
{
    return exp(-0.5 * x * x);
}

/* x_k rounded to double (x_1 = R, the tail's start, exactly); f_k = f(x_k) of the rounded x_k in
 * double, as the wedge test computes f(x). */
static void init(void)
{
    long double x[ZIG_LAYERS + 1];
    solve(x, ZIG_LAYERS);
    for (int k = 0; k < ZIG_LAYERS; k++)
        table.x[k] = (double)x[k];
    table.x[ZIG_LAYERS] = 0;
    table.r = table.x[1];
    table.f[0] = dens(table.r);
    for (int k = 1; k < ZIG_LAYERS; k++)
        table.f[k] = dens(table.x[k]);
    table.f[ZIG_LAYERS] = 1;
    for (int k = 0; k < ZIG_LAYERS; k++) {
        table.pair[k][0] = table.x[k];
        table.pair[k][1] = table.x[k + 1];
    }
}

const zig_table *zig_get(void)
{
    pthread_once(&once, init);
    return &table;
}

/* A uniform in (0, 1) (never 0: its log is finite) from the top 53 bits. */
static double open01(uint64_t w)
{
    return ((double)(w >> 11) + 0.5) * 0x1.0p-53;
}

double zig_slow(const zig_table *t, uint64_t w)
{
    uint64_t s = w;                    /* the further words: mix(w + i gamma) */
    for (;;) {
        unsigned k = (unsigned)(w & (ZIG_LAYERS - 1));
        double x = zig_u(w) * t->x[k];
        if (x < t->x[k + 1])
            return zig_signed(x, w);
        if (k == 0) {                  /* the tail x > R: Marsaglia (1964) */
            double a, b;
            do {
                a = -log(open01(splitmix_mix(s += SPLITMIX_GAMMA))) / t->r;
                b = -log(open01(splitmix_mix(s += SPLITMIX_GAMMA)));
            } while (!(b + b > a * a));
            return zig_signed(t->r + a, w);
        }
        /* the wedge: y uniform in [f(x_k), f(x_{k+1})), accepted under the curve */
        double y = t->f[k] + zig_u(splitmix_mix(s += SPLITMIX_GAMMA)) * (t->f[k + 1] - t->f[k]);
        if (y < dens(x))
            return zig_signed(x, w);
        w = splitmix_mix(s += SPLITMIX_GAMMA);   /* rejected: a new layer, sign and uniform */
    }
}
