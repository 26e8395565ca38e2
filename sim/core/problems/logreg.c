/* sim/core/problems/logreg.c — L2-regularized logistic regression on a finite synthetic dataset:
 *   a_j ~ N(0, I), y_j = +-1 with P(+1) = sigmoid(a_j.w), w ~ N(0, (4/n) I),
 *   L(x) = (1/N) sum_j log(1 + exp(-y_j a_j.x)) + l2/2 |x|^2;  xstar by Newton. */
#include <math.h>
#include <stdlib.h>

#include "../rng.h"
#include "../status.h"
#include "dataset.h"

/* softplus(u) = log(1 + e^u) and sigmoid(u) = 1/(1 + e^-u), both without overflow. */

typedef struct logreg_params {
    PROBLEM_PARAMS_HEAD;
    double l2;            /* ridge penalty */
} logreg_params;
PROBLEM_PARAMS_FIT(logreg_params);

static double softplus(double u) { return u > 0 ? u + log1p(exp(-u)) : log1p(exp(u)); }
static double sigmoid(double u)
{
    if (u >= 0)
        return 1.0 / (1.0 + exp(-u));
    double e = exp(u);
    return e / (1.0 + e);
}

static double lg_l(double z, double y) { return softplus(-y * z); }
static double lg_dl(double z, double y) { return -y * sigmoid(-y * z); }
static double lg_d2l(double z, double y) { (void)y; return sigmoid(z) * sigmoid(-z); }
static const glm_loss logistic_loss = { lg_l, lg_dl, lg_d2l };

static int logreg_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const logreg_params *pp = PROBLEM_OWN(logreg_params, pp_);
    size_t N = (size_t)pp->examples, n = pb->n;
    dataset *ds = dataset_alloc(N, n, seed);
    double *w = malloc(n * sizeof *w);
    if (!ds || !w) {
        dataset_free(ds);
        free(w);
        return OD_ENOMEM;
    }
    ds->loss = &logistic_loss;
    ds->l2 = pp->l2;
    dataset_normals(seed, 2, n, w);
    for (size_t i = 0; i < n; i++)
        w[i] *= 2.0 / sqrt((double)n);
    rng_stream s = rng_stream_make(seed, RNG_DATA, 3);
    rng_uniforms(&s, 0, N, ds->y);
    for (size_t j = 0; j < N; j++)
        ds->y[j] = ds->y[j] < sigmoid(problem_dot(n, ds->A + j * n, w)) ? 1.0 : -1.0;
    free(w);
    return dataset_problem_finish(pb, ds);     /* x0 = 0 */
}

static const param_spec logreg_specs[] = {
    PROBLEM_PARAM_DIM("10", 1, 1e6),
    DATASET_PARAM_EXAMPLES,
    PROBLEM_PARAM_SAMPLING,
    { "l2", PARAM_REAL, offsetof(logreg_params, l2), "0.01", 0, 1e300, 0, NULL,
      "ridge penalty l2/2 |x|^2 (0 allowed; the minimizer may then not exist)" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_logreg = {
    .name = "logreg",
    .summary = "L2-regularized logistic regression on N synthetic examples",
    .params = logreg_specs,
    .alloc = logreg_alloc,
    DATASET_PROBLEM_METHODS,
};
