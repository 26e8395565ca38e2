/* sim/core/ziggurat.c — the ziggurat's table (R solved so that the layers close exactly) and its slow
 * path (wedges, tail, rejections), scalar and compiled once for every kernel (ziggurat.h). */
#include "ziggurat.h"
#include "splitmix.h"

#include <math.h>
#include <pthread.h>

static zig_table table;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static double dens(double x)
{
    return exp(-0.5 * x * x);
}

/* V(R) = R f(R) + int_R^inf f = R f(R) + sqrt(pi/2) erfc(R / sqrt 2), the area of each layer. */
static double layer_area(double r)
{
    return r * dens(r) + 1.2533141373155002512 /* sqrt(pi / 2) */ * erfc(r / sqrt(2.0));
}

/* Fill x_1 = r, x_{k+1} = f^{-1}(V / x_k + f(x_k)) for k < N - 1; return V / x_{N-1} + f(x_{N-1}) - 1,
 * the top layer's overshoot (> 0: the layers reach above f(0) = 1, R too small; < 0: R too large),
 * 1 when an intermediate layer already overshoots. */
static double build(zig_table *t, double r)
{
    double v = layer_area(r);
    t->x[0] = v / dens(r);
    t->x[1] = r;
    for (int k = 1; k < ZIG_LAYERS - 1; k++) {
        double y = v / t->x[k] + dens(t->x[k]);
        if (!(y < 1))
            return 1;
        t->x[k + 1] = sqrt(-2 * log(y));
    }
    return v / t->x[ZIG_LAYERS - 1] + dens(t->x[ZIG_LAYERS - 1]) - 1;
}

static void init(void)
{
    double lo = 3, hi = 4.5;            /* build(lo) > 0 > build(hi) */
    for (int i = 0; i < 200 && lo < hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (build(&table, mid) > 0)
            lo = mid;
        else
            hi = mid;
    }
    build(&table, hi);
    table.r = hi;
    table.x[ZIG_LAYERS] = 0;
    table.f[0] = dens(hi);
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
        unsigned k = (unsigned)(w & 0xff);
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
