/* sim/theory/hb_coord.h — exact heavy ball on one NQM coordinate, scalar and in the order of
 * operations the closed forms were validated in (nqm_exact.c's formulas; nqm_hb.c groups these). */
#ifndef OPTDYN_HB_COORD_H
#define OPTDYN_HB_COORD_H

#include "powdd.h"

/* Heavy ball, one coordinate: roots r1, r2 of z^2 - (1 + mu - a) z + mu. */
typedef struct hb_coord {
    int cplx;                     /* complex roots */
    double s0, G, a, mu, c1;      /* G = sigma^2/((1-mu) a (2+2mu-a)), c1 = 1 - a - mu */
    powdd_pair r;                 /* real roots: r1 = r.x, r2 = r.y (|r1| >= |r2|) */
    double om2;                   /* 1 - r2 */
    int mono;                     /* E[x_k^2] non-increasing in k (docs/theory.md) */
    double lrho, S, psi;          /* complex: log rho, S = sqrt(-disc), psi/pi */
    long double tau;              /* theta/2pi */
    /* from the roots, for the parts that depend on the noise and s0 (hb_coord_noise) */
    int unstable;                 /* spectral radius >= 1 */
    int mono_ok;                  /* positive roots with r2 <= 1 (mono then tests the noise) */
    double om1, r1p;              /* 1 - r1 and 1 + r1, rounded to double */
} hb_coord;

/* The constants of a coordinate with a = lr h, momentum mu, noise sigma^2 and E[x(0)^2] = s0;
 * clears *stable when the spectral radius is >= 1. Returns the stationary E[x^2]. */
double hb_coord_init(hb_coord *w, double a, double mu, double noise, double s0, int *stable);
/* hb_coord_init in two parts: the roots, which depend on a and mu only (the expensive part, the
 * same for every batch size), then the noise sigma^2 and s0 (what hb_coord_init returns). */
void hb_coord_roots(hb_coord *w, double a, double mu);
double hb_coord_noise(hb_coord *w, double noise, double s0, int *stable);
/* What hb_coord_noise returns, the stationary E[x^2] G (1 + mu), without setting anything. */
double hb_coord_stationary(const hb_coord *w, double noise);

/* p_k and q_k, the first row of A^k. */
void hb_pq(const hb_coord *w, double k, double *p, double *q);

/* The accumulated noise N_k from p_k, q_k. */
double hb_noise(const hb_coord *w, double p, double q);

/* min of p_k^2 over the integer steps [k1, k2], given p at both ends (0 when unknown). */
double hb_min_c2(const hb_coord *w, double k1, double k2, double p1, double p2);

#endif
