/* sim/theory/fit.h — least-squares fits of scaling laws in log space (gsl_multifit_nlinear), with
 * parameter covariances turned into 95% confidence intervals: lr*(B) as linear, square-root,
 * power law, saturating and surge forms; steps S(B) as the hyperbola S_min (1 + B_crit/B). */
#ifndef OPTDYN_FIT_H
#define OPTDYN_FIT_H

#include <stddef.h>

#define FIT_PARAMS_MAX 2

typedef struct fit_law {
    const char *name;           /* "linear", "sqrt", "power", "saturating", "surge", "hyperbola" */
    const char *formula;        /* in ASCII math, recorded with the fit */
    size_t np;
    const char *param_names[FIT_PARAMS_MAX];
    /* log of the law at B for parameters p (the positive ones as logs, see log_param) */
    double (*log_model)(const double *p, double B);
    int log_param[FIT_PARAMS_MAX];   /* 1: p[k] is the log of the reported parameter */
} fit_law;

extern const fit_law fit_laws_lr[];       /* the five lr*(B) laws, NULL-name terminated */
extern const fit_law fit_law_hyperbola;   /* S(B) = S_min (1 + B_crit/B) */

typedef struct fit_result {
    int status;                 /* OD_OK, or why no fit (too few points, no convergence) */
    double value[FIT_PARAMS_MAX], lo[FIT_PARAMS_MAX], hi[FIT_PARAMS_MAX], se[FIT_PARAMS_MAX];
    double cov01;               /* covariance of the two fitted parameters (np = 2) */
    double t;                   /* the t quantile used for the intervals */
    double rss;                 /* residual sum of squares of log(y) */
    double rms;                 /* sqrt(rss / n), a typical factor exp(rms) off */
    size_t n;                   /* points used (finite, > 0) */
} fit_result;

/* Fit log y = law(B) over the points with finite B > 0 and y > 0. value/lo/hi are reported in
 * natural units (exp of the log parameters); se is on the fitted scale. */
void fit_run(const fit_law *law, size_t m, const double *B, const double *y, fit_result *out);

/* /fit/<optimizer>/<j>/<law> for every optimizer and target j of a finished sweep: each lr*(B)
 * law fitted to /sweep/best/lr_opt and the hyperbola to /sweep/best/steps (with E_min). */
#include "../input/config.h"
#include "../output/rec.h"
#include "../kinds/sweep.h"
int sweep_fit_write(rec *r, const config *c, const sweep_result *res);

#endif
