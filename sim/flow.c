/* sim/flow.c — discrete iterates vs continuous limits. The ODE is integrated by GSL's explicit
 * Runge-Kutta-Prince-Dormand (8,9) with absolute and relative tolerance `tol`; failures
 * (non-finite right-hand side, step size underflow) are reported with the time reached. */
#include "flow.h"
#include "replicate.h"
#include "status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ode_ctx {
    const opt_flow *f;
    const opt_params *p;
    const problem *pb;
    double *work;
} ode_ctx;

static int ode_rhs(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    const ode_ctx *o = params;
    size_t n = o->pb->n, m = o->f->dim(n);
    if (o->f->rhs(y, dydt, n, o->p, o->pb, o->work) != OD_OK)
        return GSL_EBADFUNC;
    for (size_t i = 0; i < m; i++)
        if (!isfinite(dydt[i]))
            return GSL_EBADFUNC;
    return GSL_SUCCESS;
}

int flow_solve(const opt_flow *f, const opt_params *p, const problem *pb, const double *x0,
               double tol, size_t m, const double *t, double *xs, char *err, size_t len)
{
    size_t n = pb->n, dim = f->dim(n);
    double *y = malloc(dim * sizeof *y), *work = malloc(2 * n * sizeof *work);
    ode_ctx ctx = { f, p, pb, work };
    gsl_odeiv2_system sys = { ode_rhs, NULL, dim, &ctx };
    gsl_odeiv2_driver *d = y && work ? gsl_odeiv2_driver_alloc_y_new(
                                           &sys, gsl_odeiv2_step_rk8pd, 1e-6, tol, tol)
                                     : NULL;
    int status = d ? OD_OK : OD_ENOMEM;
    if (d) {
        gsl_odeiv2_driver_set_nmax(d, 100000000);
        f->start(x0, n, p, y);
    }
    double now = 0.0;
    for (size_t j = 0; status == OD_OK && j < m; j++) {
        int s = t[j] > now ? gsl_odeiv2_driver_apply(d, &now, t[j], y) : GSL_SUCCESS;
        if (s != GSL_SUCCESS) {
            snprintf(err, len, "ODE integration of the %s flow failed at t = %.6g of %.6g: %s",
                     f->name, now, t[m - 1], s == GSL_EBADFUNC ? "non-finite right-hand side"
                                                              : gsl_strerror(s));
            status = OD_EDOM;
            break;
        }
        memcpy(xs + j * n, y, n * sizeof *y);
    }
    if (d)
        gsl_odeiv2_driver_free(d);
    free(y);
    free(work);
    return status;
}

int flow_discrete(const cfg_optimizer *o, const problem *pb, uint64_t seed, double lr, size_t m,
                    const long *ks, double *xs)
{
    opt_params p = o->p;
    p.lr = lr;
    p.ema = 0.0;
    replicate r;
    int status = replicate_init(&r, pb, o->type, &p, INFINITY, seed, 0);   /* starts at x0 */
    for (size_t j = 0; status == OD_OK && j < m; j++) {
        while (status == OD_OK && r.t < ks[j])
            status = replicate_step(&r);
        memcpy(xs + j * pb->n, r.x, pb->n * sizeof *r.x);
    }
    replicate_free(&r);            /* safe after a failed init too */
    return status;
}

static double distance(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

int flow_error(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
               double lr, double T, double tol, long *steps, double *error, char *err, size_t len)
{
    opt_params p = o->p;
    p.lr = lr;
    double dt = f->time_step(&p);
    long K = lround(T / dt);
    double tk = (double)K * dt, *xd = malloc(pb->n * sizeof *xd), *xc = malloc(pb->n * sizeof *xc);
    int status = xd && xc ? flow_discrete(o, pb, seed, lr, 1, &K, xd) : OD_ENOMEM;
    if (status == OD_OK)
        status = flow_solve(f, &p, pb, pb->x0, tol, 1, &tk, xc, err, len);
    *steps = K;
    *error = status == OD_OK ? distance(pb->n, xd, xc) : NAN;
    free(xd);
    free(xc);
    return status;
}

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
