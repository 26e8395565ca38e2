/* sim/core/problems/matreg_data.h — the data of matrix regression, shared by `matreg` and `lora`:
 * features a_j ~ N(0, I_rows), labels y_j = W*^T a_j + sigma e_j, loss and gradient in W. */
#ifndef OPTDYN_MATREG_DATA_H
#define OPTDYN_MATREG_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "../problem.h"
#include "dataset.h"

typedef struct matreg_data {
    size_t r, c, N;        /* W is r x c; N = 0: the Gaussian model */
    double sigma;
    double *wstar;         /* r x c: base + U diag(s) V^T */
    dataset *ds;           /* finite data: N x r features (ds->A) */
    double *Y;             /* N x c labels */
    double *C;             /* r x r, A^T A / N */
    double *AY;            /* r x c, A^T Y / N */
} matreg_data;

/* What the data is made of: W* = base + U diag(s) V^T, U (r x k), V (c x k) seeded orthonormal
 * columns, s_i = scale * i^-decay; N examples (0: the Gaussian model) with label noise sigma. */
typedef struct matreg_spec {
    size_t rows, cols, rank, examples;
    double decay, sigma;
    const double *base;    /* r x c added to the teacher, or NULL */
    double scale;          /* s_i = scale * i^-decay (matreg: 1) */
} matreg_spec;

/* Build d from the seed (same streams as `matreg`). facts: W is pb's parameter, so set pb->xstar,
 * pb->fstar and pb->spectrum; always sets pb->noise and pb->examples. */
int matreg_data_init(matreg_data *d, problem *pb, const matreg_spec *s, uint64_t seed, int facts);
void matreg_data_free(matreg_data *d);
/* The sizes both problems cap: rows*cols <= 1e6 (key "cols") and examples*(rows+cols) <= 2e8
 * (the dataset is held in memory; key "examples"). The key at fault with why, or NULL. */
const char *matreg_size_misfit(long rows, long cols, long examples, char *why, size_t len);
/* L(W) = 1/(2N) |A W - Y|_F^2 (Gaussian model: 1/2 |W - W*|^2 + sigma^2 c/2). */
double matreg_data_loss(const matreg_data *d, const double *W);
/* G = dL/dW for batch b (n = r*c noise draws in b->z for the Gaussian model). */
int matreg_data_grad(const matreg_data *d, const double *W, const batch *b, double *G);
/* out = H v: C v (finite data) or v. */
void matreg_data_hvp(const matreg_data *d, const double *v, double *out);
/* diag H: C_ii for every column (finite data) or 1. */
void matreg_data_hess_diag(const matreg_data *d, double *diag);
/* Orthonormal columns of the m x k row-major matrix Q by modified Gram-Schmidt. */
void matreg_orthonormalize(double *Q, size_t m, size_t k);

#endif
