/* sim/theory/hb_coord.c — exact heavy ball on one NQM coordinate (hb_coord.h): the roots of
 * z^2 - (1 + mu - a) z + mu, p_k, q_k (first row of A^k) and the noise N_k (nqm_exact.c's header).
 * The scalar reference of nqm_hb.c, and its path for the coordinates it does not group. */
#define _GNU_SOURCE     /* sincos */
#include "hb_coord.h"

#include <math.h>
#include <string.h>

static const double TWO_PI = 6.283185307179586476925286766559;
static const long double PI_L = 3.14159265358979323846264338327950288L;

double hb_coord_init(hb_coord *w, double a, double mu, double noise, double s0, int *stable)
{
    hb_coord_roots(w, a, mu);
    return hb_coord_noise(w, noise, s0, stable);
}

void hb_coord_roots(hb_coord *w, double a, double mu)
{
    long double cl = 1.0L - mu - a, bl = 1.0L + mu - a;
    long double disc = cl * cl - 4.0L * mu * a;          /* = b^2 - 4 mu, cancellation-free */
    memset(w, 0, sizeof *w);
    w->a = a;
    w->mu = mu;
    w->c1 = (double)cl;
    if (disc >= 0) {
        long double sq = sqrtl(disc), r1, om1, om2;
        if (bl >= 0) {                                    /* both roots in [0, 1 + mu) */
            r1 = (bl + sq) / 2;
            om1 = 2.0L * a / (1.0L - mu + a + sq);         /* 1 - r1, no cancellation */
            om2 = (1.0L - mu + a + sq) / 2;                /* 1 - r2 */
        } else {                                          /* both roots negative */
            r1 = (bl - sq) / 2;
            om1 = 2.0L * (2.0L + 2.0L * mu - a) / (2.0L + bl + sq);   /* 1 - |r1| */
            om2 = (2.0L + bl + sq) / 2;                                 /* 1 - |r2| */
        }
        long double r2 = r1 != 0 ? mu / r1 : 0.0L;
        powdd_num x = { (double)r1, fabsl(om1) < 0.5L ? log1p((double)-om1) : log(fabs((double)r1)) };
        powdd_num y = { (double)r2, r2 == 0 ? -INFINITY
                                    : fabsl(om2) < 0.5L ? log1p((double)-om2) : log(fabs((double)r2)) };
        w->r = powdd_pair_of(x, y, (double)sq);           /* |r1| - |r2| = sqrt(disc) */
        w->om2 = (double)(1.0L - r2);
        w->mono_ok = bl >= 0 && r2 <= 1;
        w->om1 = (double)om1;
        w->r1p = (double)(1 + r1);
        w->unstable = !(x.lg < 0);
    } else {
        long double S = sqrtl(-disc);
        w->cplx = 1;
        w->lrho = 0.5 * log(mu);
        w->tau = atan2l(S, bl) / (2 * PI_L);
        w->S = (double)S;
        w->psi = (double)(atan2l(S, cl) / PI_L);
        w->unstable = !(mu < 1);
    }
}

/* G = sigma^2/((1-mu) a (2+2mu-a)) */
static double G_of(const hb_coord *w, double noise)
{
    double a = w->a, mu = w->mu;
    return noise == 0 ? 0.0 : noise / ((1 - mu) * a * (2 + 2 * mu - a));
}

/* the stationary E x^2 from G: G (1 + mu) */
static double stationary_x2(const hb_coord *w, double G) { return G * (1 + w->mu); }

double hb_coord_stationary(const hb_coord *w, double noise) { return stationary_x2(w, G_of(w, noise)); }

double hb_coord_noise(hb_coord *w, double noise, double s0, int *stable)
{
    w->s0 = s0;
    w->G = G_of(w, noise);
    /* positive roots: s0 (p_k^2 - p_(k+1)^2) >= s0 (1-r1)(1+r1)(1-r2)^2 U_(k+1)^2, and the
     * noise adds sigma^2 U_(k+1)^2 */
    w->mono = !w->cplx && w->mono_ok && s0 * w->om1 * w->r1p * w->om2 * w->om2 >= noise;
    if (w->unstable)
        *stable = 0;
    return stationary_x2(w, w->G);
}

void hb_pq(const hb_coord *w, double k, double *p, double *q)
{
    if (k == 0) {
        *p = 1.0;
        *q = 0.0;
        return;
    }
    if (!w->cplx) {
        /* U_k = r1^(k-1) R_k, R_k = (1 - t^k)/(1 - t); expm1((k+1) lt) = t expm1(k lt) - den */
        const powdd_pair *r = &w->r;
        double xk1 = powdd_pow(r->x, k - 1), rk, rk1;
        if (r->lt == 0) {
            rk = k;
            rk1 = k + 1;
        } else {
            double em = expm1(k * r->lt), em1 = (1 - r->den) * em - r->den;
            rk = -em / r->den;
            rk1 = -em1 / r->den;
        }
        *p = w->om2 * (xk1 * r->x.v * rk1) + powdd_pow(r->y, k + 1);
        *q = -w->mu * xk1 * rk;
        return;
    }
    if (k * w->lrho < -708) {            /* rho^k < 1e-307: nothing left of the transient */
        *p = *q = 0.0;
        return;
    }
    double rk = exp(k * w->lrho), t = k * (double)w->tau, s, c;
    if (t < 16)                          /* k tau in turns: double loses k tau eps, long double less */
        t -= nearbyint(t);
    else {
        long double tl = (long double)k * w->tau;
        t = (double)(tl - nearbyintl(tl));
    }
    sincos(TWO_PI * t, &s, &c);
    *p = rk * (c + w->c1 * s / w->S);                     /* rho^k (cos + (1-a-mu) sin / S) */
    *q = -w->mu * 2 * rk * s / w->S;                      /* -mu U_k, U_k = 2 rho^k sin / S */
}

double hb_noise(const hb_coord *w, double p, double q)
{
    double a = w->a;
    return w->G == 0 ? 0.0 : w->G * ((1 + w->mu) * (1 - p * p) + 2 * a * p * q - 2 * a * q * q);
}

double hb_min_c2(const hb_coord *w, double k1, double k2, double p1, double p2)
{
    double m = fmin(p1 * p1, p2 * p2);
    if (k1 == k2)
        return m;
    if (!w->cplx)                     /* positive roots, r2 <= 1: p_k > 0, monotone */
        return w->r.x.v >= 0 && w->r.y.v >= 0 && w->om2 >= 0 ? m : 0.0;
    /* complex: p_k = A rho^k sin(k theta + psi), log|p| concave between zeros: min at an end,
     * unless a zero (2 k tau + psi/pi an integer) lies in [k1, k2] (with a margin for rounding) */
    long double z1 = 2 * k1 * w->tau + w->psi - 1e-9L, z2 = 2 * k2 * w->tau + w->psi + 1e-9L;
    return floorl(z2) >= ceill(z1) ? 0.0 : m;
}
