/* sim/core/problems/beale.c — Beale's function on R^2, with r_k = c_k - x + x y^k, c = (1.5, 2.25, 2.625):
 *   L(x, y) = sum_{k=1..3} r_k^2,  minimizer (3, 0.5), minimum 0; exact 2x2 Hessian. */
#include <math.h>
#include <stdlib.h>

#include "../problem.h"
#include "../status.h"

static const double beale_c[3] = { 1.5, 2.25, 2.625 };

typedef struct beale_params {
    PROBLEM_PARAMS_HEAD;
    double noise_scale;   /* s: isotropic gradient noise s*I/B */
} beale_params;
PROBLEM_PARAMS_FIT(beale_params);

typedef struct {
    double s;
} beale_data;

static int beale_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const beale_params *pp = PROBLEM_OWN(beale_params, pp_);
    (void)seed;
    beale_data *d = malloc(sizeof *d);
    pb->xstar = malloc(2 * sizeof *pb->xstar);
    pb->data = d;
    if (!d || !pb->xstar)
        return OD_ENOMEM;
    d->s = pp->noise_scale;
    pb->xstar[0] = 3.0;
    pb->xstar[1] = 0.5;
    pb->x0[0] = 1.0;
    pb->x0[1] = 1.5;
    pb->fstar = 0.0;
    pb->noise = d->s > 0 ? PROBLEM_NOISE_GAUSS : PROBLEM_NOISE_NONE;
    return OD_OK;
}

static void beale_free(problem *pb) { free(pb->data); }

/* r_k, its gradient (dx, dy) and second derivatives (xy, yy; xx = 0). */
static void beale_term(int k, const double *x, double *r, double dr[2], double *rxy, double *ryy)
{
    double yk = pow(x[1], k), yk1 = pow(x[1], k - 1), yk2 = k >= 2 ? pow(x[1], k - 2) : 0.0;
    *r = beale_c[k - 1] - x[0] + x[0] * yk;
    dr[0] = yk - 1.0;
    dr[1] = k * x[0] * yk1;
    *rxy = k * yk1;
    *ryy = k * (k - 1) * x[0] * yk2;
}

static double beale_loss(const problem *pb, const double *x)
{
    (void)pb;
    double s = 0.0, r, dr[2], rxy, ryy;
    for (int k = 1; k <= 3; k++) {
        beale_term(k, x, &r, dr, &rxy, &ryy);
        s += r * r;
    }
    return s;
}

static int beale_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    double r, dr[2], rxy, ryy;
    g[0] = g[1] = 0.0;
    for (int k = 1; k <= 3; k++) {
        beale_term(k, x, &r, dr, &rxy, &ryy);
        g[0] += 2.0 * r * dr[0];
        g[1] += 2.0 * r * dr[1];
    }
    problem_add_gauss_noise(2, b, NULL, ((const beale_data *)pb->data)->s, g);
    return OD_OK;
}

/* H = sum_k 2 (grad r_k grad r_k^T + r_k hess r_k). */
static void beale_hessian(const double *x, double H[3])   /* H = (xx, xy, yy) */
{
    double r, dr[2], rxy, ryy;
    H[0] = H[1] = H[2] = 0.0;
    for (int k = 1; k <= 3; k++) {
        beale_term(k, x, &r, dr, &rxy, &ryy);
        H[0] += 2.0 * dr[0] * dr[0];
        H[1] += 2.0 * (dr[0] * dr[1] + r * rxy);
        H[2] += 2.0 * (dr[1] * dr[1] + r * ryy);
    }
}

static int beale_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    (void)pb;
    double H[3];
    beale_hessian(x, H);
    hv[0] = H[0] * v[0] + H[1] * v[1];
    hv[1] = H[1] * v[0] + H[2] * v[1];
    return OD_OK;
}

static int beale_hess_diag(const problem *pb, const double *x, double *diag)
{
    (void)pb;
    double H[3];
    beale_hessian(x, H);
    diag[0] = H[0];
    diag[1] = H[2];
    return OD_OK;
}

static const param_spec beale_specs[] = {
    PROBLEM_PARAM_DIM("2", 2, 2),
    PROBLEM_PARAM_NOISE_SCALE(beale_params, "s: isotropic gradient noise s*I/B (0: deterministic)"),
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_beale = {
    .name = "beale",
    .summary = "Beale's function (2-D); minimizer (3, 0.5), default x0 = (1, 1.5)",
    .params = beale_specs,
    .alloc = beale_alloc,
    .free = beale_free,
    .loss = beale_loss,
    .grad = beale_grad,
    .hvp = beale_hvp,
    .hess_diag = beale_hess_diag,
};
