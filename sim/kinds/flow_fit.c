/* sim/kinds/flow_fit.c — orders of convergence fitted over a learning-rate ladder, and whether
 * they are orders: a slope of log|error| on log lr means one only where every error is above its
 * accuracy floor and the local slopes agree with the fit (docs/theory.md, "Fitted orders"). */
#include "flow.h"
#include "../core/status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int flow_order(size_t m, const double *lr, const double *error, double *slope, double *se)
{
    double *lx = malloc(m * sizeof *lx), *ly = malloc(m * sizeof *ly), c0, c1, v00, v01, v11, ss;
    if (!lx || !ly) {
        free(lx), free(ly);
        return OD_ENOMEM;
    }
    for (size_t i = 0; i < m; i++) {
        lx[i] = log(lr[i]);
        ly[i] = log(error[i]);
    }
    int s = m >= 2 ? gsl_fit_linear(lx, 1, ly, 1, m, &c0, &c1, &v00, &v01, &v11, &ss) : GSL_EINVAL;
    free(lx), free(ly);
    if (s != GSL_SUCCESS)
        return OD_EDOM;
    *slope = c1;
    *se = m > 2 ? sqrt(v11) : NAN;
    return OD_OK;
}

/* RMS residual of log|e| about the line through the centroid with slope p. */
static double residual_rms(size_t m, const double *lr, const double *e, double p)
{
    double mx = 0.0, my = 0.0, q = 0.0;
    for (size_t i = 0; i < m; i++) {
        mx += log(lr[i]) / (double)m;
        my += log(fabs(e[i])) / (double)m;
    }
    for (size_t i = 0; i < m; i++) {
        double r = log(fabs(e[i])) - my - p * (log(lr[i]) - mx);
        q += r * r;
    }
    return sqrt(q / (double)m);
}

/* Slopes between neighbours in ascending lr: min and max. */
static void local_slopes(size_t m, const double *lr, const double *e, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m; i++) {
        size_t next = m;       /* the next larger lr */
        for (size_t j = 0; j < m; j++)
            if (lr[j] > lr[i] && (next == m || lr[j] < lr[next]))
                next = j;
        if (next == m)
            continue;
        double s = log(fabs(e[next]) / fabs(e[i])) / log(lr[next] / lr[i]);
        *lo = fmin(*lo, s);
        *hi = fmax(*hi, s);
    }
}

void flow_fit_order(size_t m, const double *lr, const double *error, const double *floor,
                    const char *what, flow_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    fit->fit_slope = fit->fit_slope_se = fit->slope = fit->slope_se = fit->rms = NAN;
    fit->local_min = fit->local_max = NAN;
    double *a = malloc((m ? m : 1) * sizeof *a);
    for (size_t i = 0; a && i < m; i++)
        a[i] = fabs(error[i]);
    for (size_t i = 0; a && i < m; i++)
        if (!(a[i] > 0.0) || !isfinite(a[i])) {
            snprintf(fit->reason, sizeof fit->reason, "no order: error %g at lr = %g", error[i],
                     lr[i]);
            free(a);
            return;
        }
    if (!a || flow_order(m, lr, a, &fit->fit_slope, &fit->fit_slope_se) != OD_OK) {
        snprintf(fit->reason, sizeof fit->reason, "no order: %s", a ? "fewer than two learning "
                 "rates" : "out of memory");
        free(a);
        return;
    }
    fit->rms = residual_rms(m, lr, a, fit->fit_slope);
    local_slopes(m, lr, a, &fit->local_min, &fit->local_max);
    size_t below = m;
    for (size_t i = 0; floor && i < m; i++)
        if (!(a[i] > floor[i]) && (below == m || lr[i] > lr[below]))
            below = i;
    if (below < m)
        snprintf(fit->reason, sizeof fit->reason, "not an order: |error| %.3g at lr = %g is not "
                 "above its %s %.3g", a[below], lr[below], what, floor[below]);
    else if (m < 3)
        snprintf(fit->reason, sizeof fit->reason, "not an order: two learning rates cannot show "
                 "whether the ladder is asymptotic");
    else if (fit->local_max - fit->local_min > FLOW_FIT_TOL)
        snprintf(fit->reason, sizeof fit->reason, "not an order: the ladder is not asymptotic "
                 "(local slopes range over %.3f .. %.3f, more than %.2f; the fit gives %.3f)",
                 fit->local_min, fit->local_max, FLOW_FIT_TOL, fit->fit_slope);
    else {
        fit->slope = fit->fit_slope;
        fit->slope_se = fit->fit_slope_se;
        snprintf(fit->reason, sizeof fit->reason, "order: every |error| above its %s, local "
                 "slopes %.3f .. %.3f agree within %.2f", what, fit->local_min, fit->local_max,
                 FLOW_FIT_TOL);
    }
    free(a);
}
