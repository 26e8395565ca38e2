/* sim/kinds/sharpness.h — the sharpness probe of kind = trajectory: the top-k Hessian eigenvalues
 * along a run (and lambda_max(P^-1 H) for rules that declare a preconditioner), by Lanczos. */
#ifndef OPTDYN_SHARPNESS_H
#define OPTDYN_SHARPNESS_H

#include "../core/replicate.h"
#include "../output/rec.h"

typedef struct sharp_probe {
    const problem *pb;
    const opt_type *type;
    size_t n, k, m;           /* dimension, eigenvalues, most Lanczos iterations */
    double tol;               /* Lanczos residual tolerance, relative */
    double *work;             /* Lanczos scratch */
    double *vec, *pvec;       /* last eigenvectors (k x n) of H and of P^-1/2 H P^-1/2 */
    double *eval, *peval;     /* k each */
    double *d, *tmp, *start;  /* P^-1/2, operator scratch, warm start (n each) */
    int warm, pwarm;          /* vec, pvec hold a previous probe's eigenvectors */
    rec_table *tab;
    char path[160];
} sharp_probe;

/* Opens group/sharpness (k eigenvalues; m iterations at most; tol) for optimizer type at p.
 * The edge (opt_edge) and 2/lr are attributes. Status OD_ENOMEM or the recorder's. */
int sharp_probe_open(sharp_probe *sp, const problem *pb, const opt_type *type,
                     const opt_params *p, size_t k, size_t m, double tol, rec *r,
                     const char *group);
/* Probe at the replicate's current x (and state); appends a row. */
int sharp_probe_at(sharp_probe *sp, const replicate *rep);
/* Flush, attach the eigen-index scale (when the table is open), release. */
int sharp_probe_close(sharp_probe *sp, rec *r);

/* S_1 = lambda_max(H(x)) of pb from a cold Lanczos start (at most 200 iterations, tolerance
 * 1e-10), for spot checks along flows. */
int sharpness_at(const problem *pb, const double *x, double *S);

#endif
