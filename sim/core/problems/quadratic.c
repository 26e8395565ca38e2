/* sim/core/problems/quadratic.c — dense SPD quadratic L(x) = 1/2 x^T H x with H = Q diag(lambda) Q^T,
 * Q a seeded Haar-random rotation (or I); optional Gaussian gradient noise, Sigma = s*I or s*H.
 * Minimizer 0, minimum 0, spectrum lambda (given, or geometric from lambda_max down by cond). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "../problem.h"
#include "../rng.h"
#include "../status.h"

enum { NOISE_NONE, NOISE_ISOTROPIC, NOISE_HESSIAN };
static const char *const noise_names[] = { "none", "isotropic", "hessian", NULL };
static const char *const rotations[] = { "no", "yes", "ones", NULL };
enum { ROTATE_NO, ROTATE_HAAR, ROTATE_ONES };

typedef struct quad_params {
    PROBLEM_PARAMS_HEAD;
    double cond;              /* lambda_max / lambda_min */
    double lambda_max;        /* largest eigenvalue */
    param_list eigenvalues;   /* explicit spectrum (overrides cond) */
    int rotate;               /* ROTATE_* */
    int noise;                /* none, isotropic, hessian (Sigma = s*H) */
    double noise_scale;       /* s: per-example gradient covariance scale */
} quad_params;
PROBLEM_PARAMS_FIT(quad_params);

typedef struct {
    double *H;       /* n x n row-major */
    double *R;       /* H^(1/2) for Sigma = s*H, else NULL */
    int noise;
    double s;
} quad_data;

/* Q: Haar-distributed orthogonal matrix, QR of a Gaussian matrix with sign(diag R) fixed. */
static int haar_rotation(size_t n, uint64_t seed, gsl_matrix *Q)
{
    gsl_matrix *M = gsl_matrix_alloc(n, n), *Rm = gsl_matrix_alloc(n, n);
    gsl_vector *tau = gsl_vector_alloc(n);
    int status = OD_ENOMEM;
    if (!M || !Rm || !tau)
        goto done;
    rng_stream s = rng_stream_make(seed, RNG_DATA, 0);
    for (size_t i = 0; i < n; i++)
        rng_normals(&s, i, n, gsl_matrix_ptr(M, i, 0));
    status = OD_EDOM;
    if (gsl_linalg_QR_decomp(M, tau) || gsl_linalg_QR_unpack(M, tau, Q, Rm))
        goto done;
    for (size_t j = 0; j < n; j++)
        if (gsl_matrix_get(Rm, j, j) < 0)
            for (size_t i = 0; i < n; i++)
                gsl_matrix_set(Q, i, j, -gsl_matrix_get(Q, i, j));
    status = OD_OK;
done:
    gsl_matrix_free(M);
    gsl_matrix_free(Rm);
    gsl_vector_free(tau);
    return status;
}

/* Q: the Householder reflection taking e_1 to (1, ..., 1)/sqrt(n), so that the first eigenvalue
 * lies along the all-ones direction (off-diagonal H_ij of one sign: the signsgd surge). */
static void ones_rotation(size_t n, gsl_matrix *Q)
{
    double u = 1.0 / sqrt((double)n), vv = 2.0 * (1.0 - u);   /* v = e_1 - u 1, |v|^2 */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double vi = (i == 0) - u, vj = (j == 0) - u;
            gsl_matrix_set(Q, i, j, (i == j) - (vv > 0 ? 2.0 * vi * vj / vv : 0.0));
        }
}

/* out = Q diag(f) Q^T, row-major n x n. */
static void congruence(size_t n, const gsl_matrix *Q, const double *f, double *out)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0;
            for (size_t k = 0; k < n; k++)
                s += gsl_matrix_get(Q, i, k) * f[k] * gsl_matrix_get(Q, j, k);
            out[i * n + j] = s;
        }
}

static int quad_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const quad_params *pp = PROBLEM_OWN(quad_params, pp_);
    size_t n = pb->n;
    quad_data *d = calloc(1, sizeof *d);
    if (!d)
        return OD_ENOMEM;
    pb->data = d;
    d->noise = pp->noise;
    d->s = pp->noise_scale;
    double *lam = malloc(n * sizeof *lam);
    gsl_matrix *Q = gsl_matrix_alloc(n, n);
    d->H = malloc(n * n * sizeof *d->H);
    pb->xstar = calloc(n, sizeof *pb->xstar);
    int status = OD_ENOMEM;
    if (!lam || !Q || !d->H || !pb->xstar)
        goto done;
    for (size_t i = 0; i < n; i++)
        lam[i] = pp->eigenvalues.n ? pp->eigenvalues.v[i]
                 : n == 1          ? pp->lambda_max
                                   : pp->lambda_max * pow(pp->cond, -(double)i / (double)(n - 1));
    if (pp->rotate == ROTATE_HAAR) {
        if ((status = haar_rotation(n, seed, Q)) != OD_OK)
            goto done;
    } else if (pp->rotate == ROTATE_ONES) {
        ones_rotation(n, Q);
    } else {
        gsl_matrix_set_identity(Q);
    }
    congruence(n, Q, lam, d->H);
    if ((status = problem_set_spectrum(pb, lam)) != OD_OK)
        goto done;
    if (d->noise == NOISE_HESSIAN && d->s > 0) {
        status = OD_ENOMEM;
        if (!(d->R = malloc(n * n * sizeof *d->R)))
            goto done;
        for (size_t i = 0; i < n; i++)
            lam[i] = sqrt(lam[i]);
        congruence(n, Q, lam, d->R);
    }
    pb->fstar = 0.0;
    pb->noise = (d->noise != NOISE_NONE && d->s > 0) ? PROBLEM_NOISE_GAUSS : PROBLEM_NOISE_NONE;
    problem_init_gauss(pb, seed, pp->init_scale);
    status = OD_OK;
done:
    free(lam);
    gsl_matrix_free(Q);
    return status;
}

static void quad_free(problem *pb)
{
    quad_data *d = pb->data;
    free(d->H);
    free(d->R);
    free(d);
}

static void matvec(size_t n, const double *A, const double *v, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = problem_dot(n, A + i * n, v);
}

static double quad_loss(const problem *pb, const double *x)
{
    const quad_data *d = pb->data;
    double s = 0.0;
    for (size_t i = 0; i < pb->n; i++)
        s += x[i] * problem_dot(pb->n, d->H + i * pb->n, x);
    return 0.5 * s;
}

static int quad_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const quad_data *d = pb->data;
    size_t n = pb->n;
    matvec(n, d->H, x, g);
    if (d->noise == NOISE_ISOTROPIC)
        problem_add_gauss_noise(n, b, NULL, d->s, g);
    else if (d->noise == NOISE_HESSIAN && d->R && !problem_is_full(b) && b->z) {
        double k = sqrt(d->s / b->B);       /* g += sqrt(s/B) H^(1/2) z, Cov = s*H/B */
        for (size_t i = 0; i < n; i++)
            g[i] += k * problem_dot(n, d->R + i * n, b->z);
    }
    return OD_OK;
}

static int quad_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    (void)x;
    matvec(pb->n, ((const quad_data *)pb->data)->H, v, hv);
    return OD_OK;
}

static int quad_hess_diag(const problem *pb, const double *x, double *diag)
{
    (void)x;
    const quad_data *d = pb->data;
    for (size_t i = 0; i < pb->n; i++)
        diag[i] = d->H[i * pb->n + i];
    return OD_OK;
}

static const char *quad_check(const problem_params *pp_, char *why, size_t len)
{
    const quad_params *pp = PROBLEM_OWN(quad_params, pp_);
    if (pp->eigenvalues.n && pp->eigenvalues.n != (size_t)pp->dim) {
        snprintf(why, len, "expected %ld eigenvalues (dim), got %zu", pp->dim, pp->eigenvalues.n);
        return "eigenvalues";
    }
    return NULL;
}

static const param_spec quad_specs[] = {
    PROBLEM_PARAM_DIM("2", 1, 4096),
    { "cond", PARAM_REAL, offsetof(quad_params, cond), "10", 1, 1e300, 0, NULL,
      "condition number: eigenvalues lambda_max * cond^(-i/(n-1)), i = 0..n-1" },
    { "lambda_max", PARAM_REAL, offsetof(quad_params, lambda_max), "1", 0, 1e300,
      PARAM_LO_OPEN, NULL, "largest eigenvalue" },
    { "eigenvalues", PARAM_LIST, offsetof(quad_params, eigenvalues), NULL, 0, 1e300,
      PARAM_LO_OPEN | PARAM_OPTIONAL, NULL, "explicit spectrum, dim numbers > 0 (overrides cond)" },
    { "rotate", PARAM_CHOICE, offsetof(quad_params, rotate), "yes", 0, 0, 0, rotations,
      "eigenbasis: yes (seeded Haar-random), no (axis-aligned), ones (the first eigenvalue along "
      "(1, ..., 1), a Householder reflection: off-diagonal entries of one sign)" },
    { "noise", PARAM_CHOICE, offsetof(quad_params, noise), "none", 0, 0, 0, noise_names,
      "gradient noise covariance: none, isotropic (s*I/B), hessian (s*H/B)" },
    PROBLEM_PARAM_NOISE_SCALE(quad_params, "s, scale of the per-example gradient covariance"),
    PROBLEM_PARAM_INIT_SCALE,
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_quadratic = {
    .name = "quadratic",
    .summary = "dense SPD quadratic with a given spectrum and a random rotation",
    .params = quad_specs,
    .check = quad_check,
    .alloc = quad_alloc,
    .free = quad_free,
    .loss = quad_loss,
    .grad = quad_grad,
    .hvp = quad_hvp,
    .hess_diag = quad_hess_diag,
};
