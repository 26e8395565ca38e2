/* sim/theory/fit.c — nonlinear least squares of log y on the laws' log models with GSL's
 * trust-region solver (Levenberg-Marquardt, finite-difference Jacobian); the covariance
 * s^2 (J^T J)^-1, s^2 = rss/(n - p), gives t-distribution 95% intervals, mapped through exp for
 * parameters fitted as logs. Starting points come from the data (no tuning per data set). */
#include "fit.h"
#include "../core/status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>

static double linear_m(const double *p, double B) { return p[0] + log(B); }
static double sqrt_m(const double *p, double B) { return p[0] + 0.5 * log(B); }
static double power_m(const double *p, double B) { return p[0] + p[1] * log(B); }
static double saturating_m(const double *p, double B) { return p[0] - log1p(exp(p[1]) / B); }
static double hyperbola_m(const double *p, double B) { return p[0] + log1p(exp(p[1]) / B); }
static double surge_m(const double *p, double B)
{
    double r = sqrt(exp(p[1]) / B);
    return p[0] - log(0.5 * (r + 1.0 / r));
}

const fit_law fit_laws_lr[] = {
    { "linear", "lr = a B", 1, { "a" }, linear_m, { 1 } },
    { "sqrt", "lr = a sqrt(B)", 1, { "a" }, sqrt_m, { 1 } },
    { "power", "lr = a B^alpha", 2, { "a", "alpha" }, power_m, { 1, 0 } },
    { "saturating", "lr = lr_max / (1 + B_noise/B)", 2, { "lr_max", "B_noise" }, saturating_m,
      { 1, 1 } },
    { "surge", "lr = lr_peak / (1/2 (sqrt(B_peak/B) + sqrt(B/B_peak)))", 2,
      { "lr_peak", "B_peak" }, surge_m, { 1, 1 } },
    { NULL, NULL, 0, { NULL }, NULL, { 0 } },
};

const fit_law fit_law_hyperbola = {
    "hyperbola", "S = S_min (1 + B_crit/B), i.e. (S/S_min - 1)(E/E_min - 1) = 1, E = B S, "
    "E_min = S_min B_crit", 2, { "S_min", "B_crit" }, hyperbola_m, { 1, 1 },
};

typedef struct fit_data {
    const fit_law *law;
    size_t n;
    const double *B, *ly;
} fit_data;

static int residuals(const gsl_vector *p, void *data, gsl_vector *f)
{
    const fit_data *d = data;
    for (size_t i = 0; i < d->n; i++) {
        double r = d->law->log_model(p->data, d->B[i]) - d->ly[i];
        gsl_vector_set(f, i, isfinite(r) ? r : 1e10);
    }
    return GSL_SUCCESS;
}

/* Data-driven start. The level p[0] enters every law additively in log space, so for a given
 * p[1] its best value is the mean residual; p[1] (a batch scale, or alpha) is scanned over the
 * data's range and the best pair starts the solver (no tuning per data set). */
static void start(const fit_law *law, const fit_data *d, double *p)
{
    double lo = log(d->B[0]), hi = log(d->B[d->n - 1]), best = INFINITY, q[2] = { 0.0, 0.0 };
    int scans = law->np > 1 ? 401 : 1;
    for (int k = 0; k < scans; k++) {
        q[0] = 0.0;
        q[1] = law->log_model == power_m ? -2.0 + 4.0 * k / (scans - 1.0)
                                         : lo - 3.0 + (hi - lo + 6.0) * k / (scans - 1.0);
        double mean = 0.0, rss = 0.0;
        for (size_t i = 0; i < d->n; i++)
            mean += d->ly[i] - law->log_model(q, d->B[i]);
        mean /= (double)d->n;
        for (size_t i = 0; i < d->n; i++) {
            double r = d->ly[i] - law->log_model(q, d->B[i]) - mean;
            rss += r * r;
        }
        if (rss < best) {
            best = rss;
            p[0] = mean;
            if (law->np > 1)
                p[1] = q[1];
        }
    }
}

void fit_run(const fit_law *law, size_t m, const double *B, const double *y, fit_result *out)
{
    double *Bs = malloc(m * sizeof *Bs), *ly = malloc(m * sizeof *ly);
    size_t n = 0;
    for (size_t i = 0; Bs && ly && i < m; i++)
        if (isfinite(B[i]) && B[i] > 0 && isfinite(y[i]) && y[i] > 0) {
            Bs[n] = B[i];
            ly[n++] = log(y[i]);
        }
    for (size_t k = 0; k < FIT_PARAMS_MAX; k++)
        out->value[k] = out->lo[k] = out->hi[k] = out->se[k] = NAN;
    out->rss = out->rms = out->cov01 = out->t = NAN;
    out->n = n;
    out->status = !Bs || !ly ? OD_ENOMEM : n <= law->np ? OD_EDOM : OD_OK;
    if (out->status != OD_OK) {
        free(Bs), free(ly);
        return;
    }
    fit_data d = { law, n, Bs, ly };
    gsl_multifit_nlinear_fdf fdf = { residuals, NULL, NULL, n, law->np, &d, 0, 0, 0 };
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, law->np);
    double p0[FIT_PARAMS_MAX];
    start(law, &d, p0);
    gsl_vector_view x0 = gsl_vector_view_array(p0, law->np);
    int info, s = w ? gsl_multifit_nlinear_init(&x0.vector, &fdf, w) : GSL_ENOMEM;
    if (s == GSL_SUCCESS)
        s = gsl_multifit_nlinear_driver(500, 1e-10, 1e-10, 0.0, NULL, NULL, &info, w);
    /* one parameter: the start (the mean residual) is the least-squares solution already, and
     * the trust region may shrink forever around it without an accepted step */
    if (law->np == 1 && (s == GSL_ENOPROG || s == GSL_EMAXITER))
        s = GSL_SUCCESS;
    if (s == GSL_SUCCESS) {
        gsl_matrix *J = gsl_multifit_nlinear_jac(w), *cov = gsl_matrix_alloc(law->np, law->np);
        gsl_vector *f = gsl_multifit_nlinear_residual(w), *p = gsl_multifit_nlinear_position(w);
        double rss;
        gsl_blas_ddot(f, f, &rss);
        size_t dof = n - law->np;
        double s2 = dof ? rss / (double)dof : NAN, t = dof ? gsl_cdf_tdist_Pinv(0.975, (double)dof) : NAN;
        if (cov && gsl_multifit_nlinear_covar(J, 0.0, cov) == GSL_SUCCESS) {
            for (size_t k = 0; k < law->np; k++) {
                double v = gsl_vector_get(p, k), se = sqrt(s2 * gsl_matrix_get(cov, k, k));
                out->se[k] = se;
                out->value[k] = law->log_param[k] ? exp(v) : v;
                out->lo[k] = law->log_param[k] ? exp(v - t * se) : v - t * se;
                out->hi[k] = law->log_param[k] ? exp(v + t * se) : v + t * se;
            }
            out->cov01 = law->np == 2 ? s2 * gsl_matrix_get(cov, 0, 1) : NAN;
            out->t = t;
            out->rss = rss;
            out->rms = sqrt(rss / (double)n);
        } else {
            out->status = OD_EDOM;
        }
        gsl_matrix_free(cov);
    } else {
        out->status = OD_EDOM;
    }
    gsl_multifit_nlinear_free(w);
    free(Bs), free(ly);
}
