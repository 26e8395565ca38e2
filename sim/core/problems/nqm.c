/* sim/core/problems/nqm.c — the noisy quadratic model (Zhang et al. 2019):
 *   L(x) = 1/2 sum_i h_i x_i^2,  g_B = h*x + sqrt(c/B)*z,  h_i = i^-hp, c_i = i^-np (i = 1..n).
 * Minimizer 0, minimum 0, spectrum {h_i}; gradient noise covariance diag(c)/B. */
#include <math.h>
#include <stdlib.h>

#include "../status.h"
#include "../problem.h"

typedef struct nqm_params {
    PROBLEM_PARAMS_HEAD;
    double hessian_power;   /* h_i = i^-hessian_power */
    double noise_power;     /* c_i = i^-noise_power */
} nqm_params;
PROBLEM_PARAMS_FIT(nqm_params);

typedef struct {
    double *h, *c;   /* curvatures and per-example noise variances, each n */
    double *sd;      /* sqrt(c), the noise standard deviations */
} nqm_data;

static int nqm_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const nqm_params *pp = PROBLEM_OWN(nqm_params, pp_);
    size_t n = pb->n;
    nqm_data *d = calloc(1, sizeof *d);
    if (!d)
        return OD_ENOMEM;
    pb->data = d;
    d->h = malloc(n * sizeof *d->h);
    d->c = malloc(n * sizeof *d->c);
    d->sd = malloc(n * sizeof *d->sd);
    pb->xstar = calloc(n, sizeof *pb->xstar);
    if (!d->h || !d->c || !d->sd || !pb->xstar)
        return OD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        d->h[i] = pow((double)(i + 1), -pp->hessian_power);
        d->c[i] = pow((double)(i + 1), -pp->noise_power);
        d->sd[i] = sqrt(d->c[i]);
    }
    pb->fstar = 0.0;
    pb->noise = PROBLEM_NOISE_GAUSS;
    problem_init_gauss(pb, seed, pp->init_scale);
    return problem_set_spectrum(pb, d->h);
}

static void nqm_free(problem *pb)
{
    nqm_data *d = pb->data;
    free(d->h);
    free(d->c);
    free(d->sd);
    free(d);
}

/* Term i of the loss, h_i x_i^2 / 2, written as loss_gnorm forms it from g_i = h_i x_i. */
static inline double nqm_term(double g, double x)
{
    return 0.5 * (g * x);
}

static void nqm_loss_lanes(const problem *pb, const double *x, size_t i0, size_t len, double *acc)
{
    const nqm_data *d = pb->data;
    const double *h = d->h + i0;
    double a[PROBLEM_LANES];
    size_t i = 0;
    x += i0;
    for (int l = 0; l < PROBLEM_LANES; l++)
        a[l] = acc[l];
    for (; i + PROBLEM_LANES <= len; i += PROBLEM_LANES)
        for (int l = 0; l < PROBLEM_LANES; l++)
            a[l] += nqm_term(h[i + l] * x[i + l], x[i + l]);
    for (; i < len; i++)
        a[i % PROBLEM_LANES] += nqm_term(h[i] * x[i], x[i]);
    for (int l = 0; l < PROBLEM_LANES; l++)
        acc[l] = a[l];
}

static double nqm_loss(const problem *pb, const double *x)
{
    double acc[PROBLEM_LANES] = { 0 };
    nqm_loss_lanes(pb, x, 0, pb->n, acc);
    return problem_lanes_total(acc);
}

/* nqm_loss and |h*x| in one pass: the loss in nqm_loss's lanes, the squared norm in
 * problem_dot's lanes over nqm_grad's g (the same values, bit for bit). */
static double nqm_loss_gnorm(const problem *pb, const double *x, double *gnorm)
{
    const nqm_data *d = pb->data;
    const double *h = d->h;
    double a[PROBLEM_LANES] = { 0 }, q[PROBLEM_LANES] = { 0 };
    size_t i = 0, n = pb->n;
    for (; i + PROBLEM_LANES <= n; i += PROBLEM_LANES) {
        double g[PROBLEM_LANES];        /* in three loops: GCC vectorizes these, not one */
        for (int l = 0; l < PROBLEM_LANES; l++)
            g[l] = h[i + l] * x[i + l];
        for (int l = 0; l < PROBLEM_LANES; l++)
            a[l] += nqm_term(g[l], x[i + l]);
        for (int l = 0; l < PROBLEM_LANES; l++)
            q[l] += g[l] * g[l];
    }
    for (; i < n; i++) {
        double g = h[i] * x[i];
        a[i % PROBLEM_LANES] += nqm_term(g, x[i]);
        q[i % PROBLEM_LANES] += g * g;
    }
    *gnorm = sqrt(problem_lanes_total(q));
    return problem_lanes_total(a);
}

static int nqm_grad_slice(const problem *pb, const double *x, const batch *b, size_t i0,
                          size_t len, double *g)
{
    const nqm_data *d = pb->data;
    const double *h = d->h + i0;
    x += i0;
    for (size_t i = 0; i < len; i++)
        g[i] = h[i] * x[i];
    problem_add_gauss_noise(len, b, d->sd + i0, 1.0, g);
    return OD_OK;
}

static int nqm_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    return nqm_grad_slice(pb, x, b, 0, pb->n, g);
}

static int nqm_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    (void)x;
    const nqm_data *d = pb->data;
    for (size_t i = 0; i < pb->n; i++)
        hv[i] = d->h[i] * v[i];
    return OD_OK;
}

static int nqm_hess_diag(const problem *pb, const double *x, double *diag)
{
    (void)x;
    const nqm_data *d = pb->data;
    for (size_t i = 0; i < pb->n; i++)
        diag[i] = d->h[i];
    return OD_OK;
}

static void nqm_diag_facts(const problem *pb, const double **h, const double **c)
{
    const nqm_data *d = pb->data;
    *h = d->h;
    *c = d->c;
}

static const param_spec nqm_specs[] = {
    PROBLEM_PARAM_DIM("10000", 1, 1e8),
    { "hessian_power", PARAM_REAL, offsetof(nqm_params, hessian_power), "1", 0, 10, 0, NULL,
      "curvatures h_i = i^-hessian_power" },
    { "noise_power", PARAM_REAL, offsetof(nqm_params, noise_power), "1", 0, 10, 0, NULL,
      "per-example gradient noise variances c_i = i^-noise_power" },
    PROBLEM_PARAM_INIT_SCALE,
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_nqm = {
    .name = "nqm",
    .summary = "noisy quadratic model: diagonal h_i = i^-p, Gaussian gradient noise c_i/B",
    .params = nqm_specs,
    .alloc = nqm_alloc,
    .free = nqm_free,
    .loss = nqm_loss,
    .loss_lanes = nqm_loss_lanes,
    .loss_gnorm = nqm_loss_gnorm,
    .grad = nqm_grad,
    .grad_slice = nqm_grad_slice,
    .hvp = nqm_hvp,
    .hess_diag = nqm_hess_diag,
    .diag_facts = nqm_diag_facts,
};
