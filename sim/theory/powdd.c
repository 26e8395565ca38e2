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

double powdd_dd(powdd_num x, powdd_num y, double dxy, double k)
{
    if (k <= 0)
        return 0.0;
    if (k == 1)
        return 1.0;
    if (fabs(y.v) > fabs(x.v) || (fabs(y.v) == fabs(x.v) && dxy < 0)) {   /* |x| >= |y| */
        powdd_num s = x;
        x = y;
        y = s;
        dxy = -dxy;
    }
    if (x.v == 0)
        return 0.0;
    double ax = fabs(x.v);
    /* lt = log|y/x| <= 0 */
    double lt = y.v == 0 ? -INFINITY : dxy <= 0.5 * ax ? log1p(-dxy / ax) : y.lg - x.lg;
    if (lt > 0)
        lt = 0;
    double ratio;                       /* (1 - t^k)/(1 - t) */
    if ((x.v < 0) == (y.v < 0) || y.v == 0)
        ratio = lt == 0 ? k : expm1(k * lt) / expm1(lt);
    else                                /* t = -|t| */
        ratio = (odd(k) ? 1 + exp(k * lt) : -expm1(k * lt)) / (1 + exp(lt));
    return powdd_pow(x, k - 1) * ratio;
}
