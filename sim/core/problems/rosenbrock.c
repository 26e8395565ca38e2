/* sim/core/problems/rosenbrock.c — Rosenbrock's valley, 2-D or the n-D chain:
 *   L(x) = sum_{i<n-1} (1 - x_i)^2 + b (x_{i+1} - x_i^2)^2,  minimizer (1,...,1), minimum 0.
 * Tridiagonal Hessian; optional isotropic Gaussian gradient noise s*I/B. */
#include <stdlib.h>

#include "../problem.h"
#include "../status.h"

typedef struct rosen_params {
    PROBLEM_PARAMS_HEAD;
    double b;             /* curvature of the valley */
    double noise_scale;   /* s: isotropic gradient noise s*I/B */
} rosen_params;
PROBLEM_PARAMS_FIT(rosen_params);

typedef struct {
    double b, s;
} rosen_data;

static int rosen_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const rosen_params *pp = PROBLEM_OWN(rosen_params, pp_);
    (void)seed;
    rosen_data *d = malloc(sizeof *d);
    if (!d)
        return OD_ENOMEM;
    pb->data = d;
    d->b = pp->b;
    d->s = pp->noise_scale;
    pb->xstar = malloc(pb->n * sizeof *pb->xstar);
    if (!pb->xstar)
        return OD_ENOMEM;
    for (size_t i = 0; i < pb->n; i++) {
        pb->xstar[i] = 1.0;
        pb->x0[i] = (i % 2 == 0) ? -1.2 : 1.0;     /* the classic start (-1.2, 1) */
    }
    pb->fstar = 0.0;
    pb->noise = d->s > 0 ? PROBLEM_NOISE_GAUSS : PROBLEM_NOISE_NONE;
    return OD_OK;
}

static void rosen_free(problem *pb) { free(pb->data); }

static double rosen_loss(const problem *pb, const double *x)
{
    const rosen_data *d = pb->data;
    double s = 0.0;
    for (size_t i = 0; i + 1 < pb->n; i++) {
        double a = 1.0 - x[i], r = x[i + 1] - x[i] * x[i];
        s += a * a + d->b * r * r;
    }
    return s;
}

static int rosen_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const rosen_data *d = pb->data;
    size_t n = pb->n;
    for (size_t i = 0; i < n; i++)
        g[i] = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        double r = x[i + 1] - x[i] * x[i];
        g[i] += -2.0 * (1.0 - x[i]) - 4.0 * d->b * x[i] * r;
        g[i + 1] += 2.0 * d->b * r;
    }
    problem_add_gauss_noise(n, b, NULL, d->s, g);
    return OD_OK;
}

/* H_ii = 2 + 12 b x_i^2 - 4 b x_{i+1} (i < n-1) + 2b (i > 0);  H_{i,i+1} = -4 b x_i. */
static int rosen_hess_diag(const problem *pb, const double *x, double *diag)
{
    const rosen_data *d = pb->data;
    size_t n = pb->n;
    for (size_t i = 0; i < n; i++) {
        diag[i] = i > 0 ? 2.0 * d->b : 0.0;
        if (i + 1 < n)
            diag[i] += 2.0 + 12.0 * d->b * x[i] * x[i] - 4.0 * d->b * x[i + 1];
    }
    return OD_OK;
}

static int rosen_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const rosen_data *d = pb->data;
    size_t n = pb->n;
    rosen_hess_diag(pb, x, hv);
    for (size_t i = 0; i < n; i++)
        hv[i] *= v[i];
    for (size_t i = 0; i + 1 < n; i++) {
        double off = -4.0 * d->b * x[i];
        hv[i] += off * v[i + 1];
        hv[i + 1] += off * v[i];
    }
    return OD_OK;
}

static const param_spec rosen_specs[] = {
    PROBLEM_PARAM_DIM("2", 2, 1e7),
    { "b", PARAM_REAL, offsetof(rosen_params, b), "100", 0, 1e300, PARAM_LO_OPEN, NULL,
      "valley curvature b" },
    PROBLEM_PARAM_NOISE_SCALE(rosen_params, "s: isotropic gradient noise s*I/B (0: deterministic)"),
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_rosenbrock = {
    .name = "rosenbrock",
    .summary = "Rosenbrock valley (2-D, or the n-D chain); default x0 = (-1.2, 1, ...)",
    .params = rosen_specs,
    .alloc = rosen_alloc,
    .free = rosen_free,
    .loss = rosen_loss,
    .grad = rosen_grad,
    .hvp = rosen_hvp,
    .hess_diag = rosen_hess_diag,
};
