/* sim/theory/nqm_precond.h — the preconditioned NQM's per-coordinate facts h^(1-p) and c h^(-2p),
 * kept per thread so that a sweep computes them once per (h, c, p), not once per cell. */
#ifndef OPTDYN_NQM_PRECOND_H
#define OPTDYN_NQM_PRECOND_H

#include <stddef.h>

/* *hp = h_i^(1-p), *cp = c_i h_i^(-2p), i < n (the same pow calls as computing them in place, so
 * the same bits), valid until this thread's next call; OD_ENOMEM when they cannot be kept. */
int nqm_precond_facts(const double *h, const double *c, size_t n, double p, const double **hp,
                      const double **cp);

#endif
