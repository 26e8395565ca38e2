/* sim/theory/powdd.c — stable integer powers and first divided differences of x^k (powdd.h):
 * E_k(x, y) = x^(k-1) (1 - t^k)/(1 - t), t = y/x, |t| <= 1, with (1 - t^k)/(1 - t) =
 * expm1(k log t)/expm1(log t) for t > 0 (k at t = 1) and log t = log1p(-dxy/|x|). */
#include "powdd.h"

#include <math.h>

powdd_num powdd_from(double v)
{
    powdd_num x = { v, log(fabs(v)) };
    return x;
}

powdd_num powdd_one_minus(double d)
{
    powdd_num x;
    x.v = 1 - d;                        /* exact for 0.5 <= d <= 2 (Sterbenz) */
    x.lg = d < 0.5 && d > -0.5 ? log1p(-d) : log(fabs(x.v));
    return x;
}

static int odd(double k) { return fmod(k, 2.0) != 0.0; }

double powdd_pow(powdd_num x, double k)
{
    if (k == 0)
        return 1.0;
    if (x.v == 0)
        return 0.0;
    double m = exp(k * x.lg);
    return x.v < 0 && odd(k) ? -m : m;
}

powdd_pair powdd_pair_of(powdd_num x, powdd_num y, double dxy)
{
    powdd_pair p;
    if (fabs(y.v) > fabs(x.v) || (fabs(y.v) == fabs(x.v) && dxy < 0)) {   /* |x| >= |y| */
        powdd_num s = x;
        x = y;
        y = s;
        dxy = -dxy;
    }
    p.x = x;
    p.y = y;
    double ax = fabs(x.v);
    p.lt = x.v == 0 || y.v == 0 ? -INFINITY : dxy <= 0.5 * ax ? log1p(-dxy / ax) : y.lg - x.lg;
    if (p.lt > 0)
        p.lt = 0;
    p.mixed = y.v != 0 && (x.v < 0) != (y.v < 0);
    p.den = p.mixed ? 1 + exp(p.lt) : -expm1(p.lt);
    return p;
}

double powdd_pair_dd(const powdd_pair *p, double k)
{
    if (k <= 0 || p->x.v == 0)
        return k == 1 ? 1.0 : 0.0;
    double ratio;                       /* (1 - t^k)/(1 - t) */
    if (!p->mixed)
        ratio = p->lt == 0 ? k : -expm1(k * p->lt) / p->den;
    else
        ratio = (odd(k) ? 1 + exp(k * p->lt) : -expm1(k * p->lt)) / p->den;
    return powdd_pow(p->x, k - 1) * ratio;
}

double powdd_dd(powdd_num x, powdd_num y, double dxy, double k)
{
    powdd_pair p = powdd_pair_of(x, y, dxy);
    return powdd_pair_dd(&p, k);
}
