/* sim/theory/nqm_hb.h — exact heavy ball summed over NQM coordinates: per-coordinate root data
 * computed once per (lr, mu, h), grouped by root kind in structure-of-arrays for vector exp/sin/cos. */
#ifndef OPTDYN_NQM_HB_H
#define OPTDYN_NQM_HB_H

#include "hb_coord.h"

#include <stddef.h>

/* One group of coordinates of one root kind; arrays of length n (unused ones NULL). */
typedef struct nqm_hb_group {
    size_t n;
    double *h, *s0, *G, *a;
    /* complex roots: rho^k shared (rho = sqrt mu); phase k tau turns with tau = tau1 + tau2,
     * tau1 with 21 significant bits (k tau1 exact for k < 2^32); p = rho^k (cos + c1S sin),
     * q = rho^k qS sin, c1S = (1 - a - mu)/S, qS = -2 mu/S; psi/pi for the zeros of p */
    double *tau1, *tau2, *c1S, *qS, *psi;
    /* real roots r1 = xv, r2 (same sign): log|r1|, log|r2|, log(r2/r1), 1 - r2/r1 and its
     * inverse, 1 - r2, and pmono (1.0 where p_k > 0 is monotone, else 0.0); the first nmono
     * coordinates have E x^2 non-increasing in k */
    double *xv, *xlg, *ylg, *lt, *den, *rden, *om2, *pmono;
    size_t nmono;
} nqm_hb_group;

typedef struct nqm_hb {
    double mu, lrho;              /* momentum, log sqrt(mu) */
    double lo[2];                 /* the clamps of exp and expm1 arguments (nqm_hb.c) */
    nqm_hb_group cplx, pos, neg;  /* complex roots; real positive roots; real negative roots */
    size_t nother, *other;        /* the rest (double or zero roots): scalar, hb_coord.c */
    const hb_coord *w;            /* all coordinates (for the rest) */
    const double *h;
    void *block;
} nqm_hb;

/* Group the n coordinates w[] (loss weights h[]) with momentum mu. OD_OK or OD_ENOMEM. */
int nqm_hb_init(nqm_hb *g, const hb_coord *w, const double *h, size_t n, double mu);
void nqm_hb_free(nqm_hb *g);
/* The most nqm_hb_init allocates for n coordinates, whatever their root kinds. */
double nqm_hb_bytes_max(size_t n);

/* sum_i h_i E[x_i(k)^2] for an integer step k >= 1. */
double nqm_hb_sum(const nqm_hb *g, double k);

/* A lower bound of the same sum over the integer steps k1 <= k <= k2 (docs/theory.md): per
 * coordinate s0 min p^2 + N(k1), or the value at k2 where E[x^2] is non-increasing. */
double nqm_hb_bound(const nqm_hb *g, double k1, double k2);

#endif
