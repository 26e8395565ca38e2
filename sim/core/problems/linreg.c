/* sim/core/problems/linreg.c — least squares on a finite synthetic dataset:
 *   a_j ~ N(0, I), y_j = a_j.w + sigma*e_j (w ~ N(0, I)),  L(x) = 1/(2N) sum_j (a_j.x - y_j)^2.
 * Minibatch gradients are genuine sampling noise; xstar is the exact least-squares solution. */
#include <stdlib.h>

#include "../status.h"
#include "dataset.h"

typedef struct linreg_params {
    PROBLEM_PARAMS_HEAD;
    double label_noise;   /* std of the label noise */
} linreg_params;
PROBLEM_PARAMS_FIT(linreg_params);

static double sq_l(double z, double y) { return 0.5 * (z - y) * (z - y); }
static double sq_dl(double z, double y) { return z - y; }
static double sq_d2l(double z, double y) { (void)z; (void)y; return 1.0; }
static const glm_loss squared_loss = { sq_l, sq_dl, sq_d2l };

static int linreg_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const linreg_params *pp = PROBLEM_OWN(linreg_params, pp_);
    size_t N = (size_t)pp->examples, n = pb->n;
    dataset *ds = dataset_alloc(N, n, seed);
    double *w = malloc(n * sizeof *w);
    if (!ds || !w) {
        dataset_free(ds);
        free(w);
        return OD_ENOMEM;
    }
    ds->loss = &squared_loss;
    dataset_normals(seed, 2, n, w);
    dataset_normals(seed, 3, N, ds->y);
    for (size_t j = 0; j < N; j++)
        ds->y[j] = problem_dot(n, ds->A + j * n, w) + pp->label_noise * ds->y[j];
    free(w);
    return dataset_problem_finish(pb, ds);     /* x0 = 0 */
}

static const param_spec linreg_specs[] = {
    PROBLEM_PARAM_DIM("10", 1, 1e6),
    DATASET_PARAM_EXAMPLES,
    PROBLEM_PARAM_SAMPLING,
    { "label_noise", PARAM_REAL, offsetof(linreg_params, label_noise), "0.5", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_linreg = {
    .name = "linreg",
    .summary = "least-squares regression on N synthetic examples (real minibatch sampling)",
    .params = linreg_specs,
    .alloc = linreg_alloc,
    DATASET_PROBLEM_METHODS,
};
