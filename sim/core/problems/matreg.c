/* sim/core/problems/matreg.c — matrix regression, one matrix block W (rows x cols, x = W row-major):
 *   a_j ~ N(0, I_rows), y_j = W*^T a_j + sigma e_j,  L(W) = 1/(2N) |A W - Y|_F^2,
 *   W* = U diag(s) V^T of rank k, s_i = i^-decay, U, V seeded orthonormal columns.
 * Finite data (examples = N > 0): G = C W - A^T Y/N with C = A^T A/N, Hessian action V -> C V,
 * minimizer C^-1 A^T Y/N, spectrum eig(C) each cols times; minibatches without replacement.
 * Gaussian model (examples = 0): the population loss 1/2 |W - W*|_F^2 + sigma^2 cols/2 and the
 * gradient W - W* + (sigma/sqrt(B)) Z, Z ~ N(0, I): the exact covariance of a B-example gradient
 * at W* (away from W* it omits the state-dependent part (I (x) D^T D + D_il D_kj)/B, D = W - W*). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"
#include "matreg_data.h"

typedef struct matreg_params {
    PROBLEM_PARAMS_HEAD;
    long rows, cols, rank;
    double decay;          /* s_i = i^-decay */
    double label_noise;    /* sigma */
} matreg_params;
PROBLEM_PARAMS_FIT(matreg_params);

static size_t matreg_layout(const problem_params *pp_, problem_block *b)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    if (b)
        b[0] = (problem_block){ .name = "W", .rows = (size_t)pp->rows, .cols = (size_t)pp->cols };
    return 1;
}

static void matreg_free(problem *pb)
{
    matreg_data_free(pb->data);
    free(pb->data);
}

static double matreg_loss(const problem *pb, const double *x)
{
    return matreg_data_loss(pb->data, x);
}

static int matreg_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    return matreg_data_grad(pb->data, x, b, g);
}

static int matreg_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    (void)x;
    matreg_data_hvp(pb->data, v, hv);
    return OD_OK;
}

static int matreg_hess_diag(const problem *pb, const double *x, double *diag)
{
    (void)x;
    matreg_data_hess_diag(pb->data, diag);
    return OD_OK;
}

static int matreg_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    matreg_data *d = calloc(1, sizeof *d);
    pb->data = d;
    if (!d)
        return OD_ENOMEM;
    if (pp->init_scale > 0)
        problem_init_gauss(pb, seed, pp->init_scale);
    matreg_spec s = { (size_t)pp->rows, (size_t)pp->cols, (size_t)pp->rank,
                      (size_t)pp->examples, pp->decay, pp->label_noise, NULL, 1.0 };
    return matreg_data_init(d, pb, &s, seed, 1);
}

static const char *matreg_check(const problem_params *pp_, char *why, size_t len)
{
    const matreg_params *pp = PROBLEM_OWN(matreg_params, pp_);
    if (pp->rank > pp->rows || pp->rank > pp->cols) {
        snprintf(why, len, "expected rank <= min(rows, cols) = %ld, got %ld",
                 pp->rows < pp->cols ? pp->rows : pp->cols, pp->rank);
        return "rank";
    }
    return matreg_size_misfit(pp->rows, pp->cols, pp->examples, why, len);
}

static const param_spec matreg_specs[] = {
    { "rows", PARAM_INT, offsetof(matreg_params, rows), "16", 1, 1e6, 0, NULL,
      "rows of W (the input dimension)" },
    { "cols", PARAM_INT, offsetof(matreg_params, cols), "8", 1, 1e6, 0, NULL,
      "columns of W (the number of outputs)" },
    { "rank", PARAM_INT, offsetof(matreg_params, rank), "4", 1, 1e6, 0, NULL,
      "rank k of the teacher W* (<= min(rows, cols))" },
    { "decay", PARAM_REAL, offsetof(matreg_params, decay), "1", 0, 1e3, 0, NULL,
      "singular values of W*: s_i = i^-decay, i = 1..rank" },
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 0, 1e9, 0, NULL,
      "dataset size N (minibatches without replacement); 0: Gaussian noise model" },
    PROBLEM_PARAM_SAMPLING,
    { "label_noise", PARAM_REAL, offsetof(matreg_params, label_noise), "0.1", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    { "init_scale", PARAM_REAL, offsetof(problem_params, init_scale), "0", 0, 1e300, 0, NULL,
      "0: x0 = 0; > 0: x0 ~ N(0, init_scale^2 I) from the seed" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_matreg = {
    .name = "matreg",
    .summary = "matrix regression Y = X W* + noise, W* of low rank (one matrix block)",
    .params = matreg_specs,
    .check = matreg_check,
    .alloc = matreg_alloc,
    .free = matreg_free,
    .loss = matreg_loss,
    .grad = matreg_grad,
    .hvp = matreg_hvp,
    .hess_diag = matreg_hess_diag,
    .layout = matreg_layout,
};
