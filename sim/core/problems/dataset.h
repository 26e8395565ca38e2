/* sim/core/problems/dataset.h — a finite synthetic dataset (rows a_j, labels y_j) and the sums over
 * its examples shared by generalized linear models: L(x) = (1/N) sum_j l(a_j.x, y_j) + l2/2 |x|^2. */
#ifndef OPTDYN_DATASET_H
#define OPTDYN_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "../problem.h"

/* A per-example loss l(z, y) and its first two derivatives in z. */
typedef struct glm_loss {
    double (*l)(double z, double y);
    double (*dl)(double z, double y);
    double (*d2l)(double z, double y);
} glm_loss;

typedef struct dataset {
    size_t N, n;
    double *A;        /* N x n row-major features, a_j ~ N(0, I) */
    double *y;        /* N labels */
    double l2;        /* ridge penalty */
    const glm_loss *loss;
} dataset;

/* Allocate N x n Gaussian features from the seed (labels left zero); NULL when out of memory. */
dataset *dataset_alloc(size_t N, size_t n, uint64_t seed);
void dataset_free(dataset *ds);
/* Gaussian draws of stream cell `cell` for the label models: out has len entries. */
void dataset_normals(uint64_t seed, uint64_t cell, size_t len, double *out);

double dataset_loss(const dataset *ds, const double *x);
/* Mean gradient over the batch's examples (all N, in order, for a full batch). */
int dataset_grad(const dataset *ds, const double *x, const batch *b, double *g);
int dataset_hvp(const dataset *ds, const double *x, const double *v, double *hv);
int dataset_hess_diag(const dataset *ds, const double *x, double *diag);
/* Minimizer by damped Newton (Cholesky, GSL) from 0; OD_EDOM if it fails to converge. */
int dataset_minimize(const dataset *ds, double *xstar);

/* problem_type glue: pb->data is the dataset. */
void dataset_problem_free(problem *pb);
double dataset_problem_loss(const problem *pb, const double *x);
int dataset_problem_grad(const problem *pb, const double *x, const batch *b, double *g);
int dataset_problem_hvp(const problem *pb, const double *x, const double *v, double *hv);
int dataset_problem_hess_diag(const problem *pb, const double *x, double *diag);
/* Set pb's data, facts (xstar, fstar when n <= 2000) and noise kind; x0 = 0. */
int dataset_problem_finish(problem *pb, dataset *ds);
const char *dataset_check(const problem_params *pp, char *why, size_t len);

/* The problem_type methods every dataset problem shares (all but name, params and alloc). */
#define DATASET_PROBLEM_METHODS \
    .check = dataset_check, .free = dataset_problem_free, .loss = dataset_problem_loss, \
    .grad = dataset_problem_grad, .hvp = dataset_problem_hvp, .hess_diag = dataset_problem_hess_diag

#define DATASET_PARAM_EXAMPLES \
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 1, 1e9, 0, NULL, \
      "dataset size N (batches are drawn without replacement within an epoch)" }

#endif
