/* sim/core/problems/gaussreg.c — online linear regression with Gaussian features: a ~ N(0, diag(lambda)),
 * y = a.w* + sigma*eps, L(w) = 1/2 (w - w*)^T diag(lambda) (w - w*) (excess risk); fresh examples each step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"
#include "../problem.h"

/* lambda_k = k^-alpha and w*_k^2 lambda_k = k^-beta (capacity and source exponents), unless
 * the lists eigenvalues / wstar give them explicitly. */
typedef struct gaussreg_params {
    PROBLEM_PARAMS_HEAD;
    double alpha, beta;
    double label_noise;        /* sigma */
    param_list eigenvalues;    /* explicit lambda (dim values) */
    param_list wstar;          /* explicit w* (dim values, or one to broadcast) */
} gaussreg_params;
PROBLEM_PARAMS_FIT(gaussreg_params);

typedef struct {
    double *lam, *sqlam;       /* lambda_k and sqrt(lambda_k) */
    double sigma;
} gaussreg_data;

static int gaussreg_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const gaussreg_params *pp = PROBLEM_OWN(gaussreg_params, pp_);
    size_t n = pb->n;
    gaussreg_data *d = calloc(1, sizeof *d);
    if (!d)
        return OD_ENOMEM;
    pb->data = d;
    d->lam = malloc(n * sizeof *d->lam);
    d->sqlam = malloc(n * sizeof *d->sqlam);
    pb->xstar = malloc(n * sizeof *pb->xstar);
    if (!d->lam || !d->sqlam || !pb->xstar)
        return OD_ENOMEM;
    d->sigma = pp->label_noise;
    for (size_t k = 0; k < n; k++) {
        double i = (double)(k + 1);
        d->lam[k] = pp->eigenvalues.n ? pp->eigenvalues.v[k] : pow(i, -pp->alpha);
        d->sqlam[k] = sqrt(d->lam[k]);
        pb->xstar[k] = pp->wstar.n ? pp->wstar.v[pp->wstar.n == 1 ? 0 : k]
                                   : sqrt(pow(i, -pp->beta) / d->lam[k]);
    }
    pb->fstar = 0.0;
    pb->noise = PROBLEM_NOISE_STREAM;
    pb->noise_columns = n + 1;
    if (pp->init_scale > 0)
        problem_init_gauss(pb, seed, pp->init_scale);  /* else w0 = 0 (pb->x0 starts zeroed) */
    return problem_set_spectrum(pb, d->lam);
}

/* Example b's draws: the n features a, then the label noise eps. */
static size_t gaussreg_stream_width(const problem_params *pp)
{
    return (size_t)pp->dim + 1;
}

static void gaussreg_free(problem *pb)
{
    gaussreg_data *d = pb->data;
    free(d->lam);
    free(d->sqlam);
    free(d);
}

static double gaussreg_loss(const problem *pb, const double *x)
{
    const gaussreg_data *d = pb->data;
    double s = 0.0;
    for (size_t k = 0; k < pb->n; k++)
        s += d->lam[k] * (x[k] - pb->xstar[k]) * (x[k] - pb->xstar[k]);
    return 0.5 * s;
}

/* Exact: g = Lambda e. Batch of B examples a_b = sqrt(lambda) z_b, eps_b = z_b[n]:
 * g = (1/B) sum_b a_b (a_b.e - sigma eps_b), e = w - w*. */
static int gaussreg_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const gaussreg_data *d = pb->data;
    size_t n = pb->n;
    if (problem_is_full(b)) {
        for (size_t k = 0; k < n; k++)
            g[k] = d->lam[k] * (x[k] - pb->xstar[k]);
        return OD_OK;
    }
    size_t B = (size_t)b->B, w = pb->stream_width;
    memset(g, 0, n * sizeof *g);
    for (size_t j = 0; j < B; j++) {
        const double *z = b->z + j * w;
        double r = -d->sigma * z[n];
        for (size_t k = 0; k < n; k++)
            r += d->sqlam[k] * z[k] * (x[k] - pb->xstar[k]);
        r /= b->B;
        for (size_t k = 0; k < n; k++)
            g[k] += r * d->sqlam[k] * z[k];
    }
    return OD_OK;
}

static int gaussreg_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    (void)x;
    const gaussreg_data *d = pb->data;
    for (size_t k = 0; k < pb->n; k++)
        hv[k] = d->lam[k] * v[k];
    return OD_OK;
}

static int gaussreg_hess_diag(const problem *pb, const double *x, double *diag)
{
    (void)x;
    const gaussreg_data *d = pb->data;
    memcpy(diag, d->lam, pb->n * sizeof *diag);
    return OD_OK;
}

/* One example's gradient covariance at x (Isserlis): Sigma = (e^T Lambda e + sigma^2) Lambda +
 * Lambda e e^T Lambda, factored as columns sqrt(lambda_j (e^T Lambda e + sigma^2)) e_j (j < n)
 * and Lambda e (j = n). */
static int gaussreg_noise_column(const problem *pb, const double *x, size_t j, double *s)
{
    const gaussreg_data *d = pb->data;
    size_t n = pb->n;
    if (j == n) {
        gaussreg_grad(pb, x, NULL, s);
        return OD_OK;
    }
    double q = 2.0 * gaussreg_loss(pb, x) + d->sigma * d->sigma;
    memset(s, 0, n * sizeof *s);
    s[j] = sqrt(d->lam[j] * q);
    return OD_OK;
}

static void gaussreg_feature_facts(const problem *pb, const double **lambda, double *sigma)
{
    const gaussreg_data *d = pb->data;
    *lambda = d->lam;
    *sigma = d->sigma;
}

static const char *gaussreg_check(const problem_params *pp_, char *why, size_t len)
{
    const gaussreg_params *pp = PROBLEM_OWN(gaussreg_params, pp_);
    if (pp->eigenvalues.n && pp->eigenvalues.n != (size_t)pp->dim) {
        snprintf(why, len, "expected %ld eigenvalues (dim), got %zu", pp->dim, pp->eigenvalues.n);
        return "eigenvalues";
    }
    for (size_t k = 0; k < pp->eigenvalues.n; k++)
        if (!(pp->eigenvalues.v[k] > 0)) {
            snprintf(why, len, "expected positive feature variances, got %g at position %zu",
                     pp->eigenvalues.v[k], k + 1);
            return "eigenvalues";
        }
    if (pp->wstar.n > 1 && pp->wstar.n != (size_t)pp->dim) {
        snprintf(why, len, "expected %ld numbers (dim) or 1 to broadcast, got %zu", pp->dim,
                 pp->wstar.n);
        return "wstar";
    }
    return NULL;
}

static const param_spec gaussreg_specs[] = {
    PROBLEM_PARAM_DIM("1000", 1, 1e6),
    { "alpha", PARAM_REAL, offsetof(gaussreg_params, alpha), "1.5", 0, 10, 0, NULL,
      "feature variances lambda_k = k^-alpha (capacity exponent)" },
    { "beta", PARAM_REAL, offsetof(gaussreg_params, beta), "1.25", -10, 10, 0, NULL,
      "target lambda_k w*_k^2 = k^-beta (source exponent)" },
    { "label_noise", PARAM_REAL, offsetof(gaussreg_params, label_noise), "0", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    { "eigenvalues", PARAM_LIST, offsetof(gaussreg_params, eigenvalues), NULL, 0, 1e300,
      PARAM_OPTIONAL, NULL, "explicit feature variances (dim values; replaces alpha)" },
    { "wstar", PARAM_LIST, offsetof(gaussreg_params, wstar), NULL, -1e300, 1e300, PARAM_OPTIONAL,
      NULL, "explicit target w* (dim values or one; replaces beta)" },
    { "init_scale", PARAM_REAL, offsetof(gaussreg_params, init_scale), "0", 0, 1e300, 0, NULL,
      "w0 ~ N(0, init_scale^2 I) from the seed (0: w0 = 0)" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_gaussreg = {
    .name = "gaussreg",
    .summary = "online linear regression, Gaussian features k^-alpha, target k^-beta (fresh data)",
    .params = gaussreg_specs,
    .check = gaussreg_check,
    .stream_width = gaussreg_stream_width,
    .alloc = gaussreg_alloc,
    .free = gaussreg_free,
    .loss = gaussreg_loss,
    .grad = gaussreg_grad,
    .hvp = gaussreg_hvp,
    .hess_diag = gaussreg_hess_diag,
    .noise_column = gaussreg_noise_column,
    .feature_facts = gaussreg_feature_facts,
};
