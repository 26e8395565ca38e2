/* sim/kinds/flow.c — discrete iterates vs continuous limits. The ODE is integrated by GSL's explicit
 * Runge-Kutta-Prince-Dormand (8,9) or, for stiff limits, its implicit multistep BDF (msbdf) with
 * the limit's analytic Jacobian, at absolute and relative tolerance `tol`; failures (non-finite
 * right-hand side, step size underflow, too many steps) are reported with the time reached. */
#include "flow.h"
#include "../core/replicate.h"
#include "../core/status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ode_ctx {
    const opt_flow *f;
    const opt_params *p;
    const problem *pb;
    double *work;          /* 4n + f->work(n) for the limit */
    double *fm;            /* dim: the Jacobian's second time derivative evaluation */
} ode_ctx;

static int ode_rhs(double t, const double y[], double dydt[], void *params)
{
    const ode_ctx *o = params;
    size_t n = o->pb->n, m = o->f->dim(n);
    if (o->f->rhs(t, y, dydt, n, o->p, o->pb, o->work) != OD_OK)
        return GSL_EBADFUNC;
    for (size_t i = 0; i < m; i++)
        if (!isfinite(dydt[i]))
            return GSL_EBADFUNC;
    return GSL_SUCCESS;
}

/* df/dy from the limit; df/dt by a central difference (zero for the autonomous limits). */
static int ode_jac(double t, const double y[], double *dfdy, double dfdt[], void *params)
{
    const ode_ctx *o = params;
    size_t n = o->pb->n, m = o->f->dim(n);
    double h = 1e-6 * fmax(fabs(t), 1e-3), *fm = o->fm;
    if (o->f->jac(t, y, dfdy, n, o->p, o->pb, o->work) != OD_OK ||
        ode_rhs(t + h, y, dfdt, params) != GSL_SUCCESS ||
        ode_rhs(t - h, y, fm, params) != GSL_SUCCESS)
        return GSL_EBADFUNC;
    for (size_t i = 0; i < m; i++)
        dfdt[i] = (dfdt[i] - fm[i]) / (2.0 * h);
    return GSL_SUCCESS;
}

#define FLOW_MAX_STEPS 2000000
#define TEXT_OF(x) #x
#define TEXT(x) TEXT_OF(x)        /* the macro's value as a string literal */

const char *const flow_integrator_names[] = { "rk8pd", "msbdf", NULL };

int flow_integrator_used(const opt_flow *f, int integrator)
{
    return integrator == FLOW_MSBDF && f->jac ? FLOW_MSBDF : FLOW_RK8PD;
}

size_t flow_work_size(const opt_flow *f, size_t n)
{
    return 4 * n + (f->work ? f->work(n) : 0);
}

int flow_solve(const opt_flow *f, const opt_params *p, const problem *pb, const double *x0,
               int integrator, double tol, size_t m, const double *t, double *xs, char *err,
               size_t len)
{
    size_t n = pb->n, dim = f->dim(n);
    int implicit = flow_integrator_used(f, integrator) == FLOW_MSBDF;
    size_t wn = flow_work_size(f, n);
    double *y = malloc(dim * sizeof *y), *work = calloc(wn + dim, sizeof *work);
    ode_ctx ctx = { f, p, pb, work, work + wn };
    gsl_odeiv2_system sys = { ode_rhs, implicit ? ode_jac : NULL, dim, &ctx };
    const gsl_odeiv2_step_type *stepper = implicit ? gsl_odeiv2_step_msbdf : gsl_odeiv2_step_rk8pd;
    gsl_odeiv2_driver *d = y && work ? gsl_odeiv2_driver_alloc_y_new(&sys, stepper, 1e-6, tol, tol)
                                     : NULL;
    int status = d ? OD_OK : OD_ENOMEM;
    double now = 0.0;
    if (d) {
        gsl_odeiv2_driver_set_nmax(d, FLOW_MAX_STEPS);
        now = f->start(x0, n, p, pb, y, work);
    }
    for (size_t j = 0; status == OD_OK && j < m; j++) {
        int s = t[j] > now ? gsl_odeiv2_driver_apply(d, &now, t[j], y) : GSL_SUCCESS;
        if (s != GSL_SUCCESS) {
            snprintf(err, len, "ODE integration of the %s flow (%s) failed at t = %.6g of %.6g: "
                     "%s", f->name, flow_integrator_names[implicit], now, t[m - 1],
                     s == GSL_EBADFUNC  ? "non-finite right-hand side"
                     : s == GSL_EMAXITER ? "more than " TEXT(FLOW_MAX_STEPS) " steps (stiff? "
                                           "try integrator = msbdf)"
                                         : gsl_strerror(s));
            status = OD_EDOM;
            break;
        }
        if (t[j] <= 0.0 && now > 0.0)   /* a series start at t0 > 0: X(0) = x0 */
            memcpy(xs + j * n, x0, n * sizeof *x0);
        else                            /* 0 < t_j < t0: the series start; t_j = 0: X(0) */
            memcpy(xs + j * n, y, n * sizeof *y);
    }
    if (d)
        gsl_odeiv2_driver_free(d);
    free(y);
    free(work);
    return status;
}

int flow_params_at(const cfg_optimizer *o, const opt_flow *f, double lr, opt_params *p,
                   char *err, size_t len)
{
    *p = o->p;
    p->lr = lr;
    p->ema = 0.0;
    if (f->couple && f->couple(p) != OD_OK) {
        snprintf(err, len, "optimizer %s, limit %s: lr = %g is too large for the tie \"%s\"",
                 o->name, f->name, lr, f->time_map);
        return OD_EDOM;
    }
    return OD_OK;
}

int flow_discrete(const opt_type *type, const opt_params *p, const problem *pb, uint64_t seed,
                  size_t m, const long *ks, double *xs)
{
    replicate r;
    int status = replicate_init(&r, pb, type, p, INFINITY, seed, 0);   /* starts at x0 */
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
               double lr, const flow_params *fp, long *steps, double *error, double *floor,
               char *err, size_t len)
{
    opt_params p;
    int status = flow_params_at(o, f, lr, &p, err, len);
    long K = 0;
    double tk = 0.0, *xd = malloc(pb->n * sizeof *xd), *xc = malloc(pb->n * sizeof *xc);
    if (status == OD_OK)
        status = flow_clock_steps(f, &p, fp->time, &K, err, len);
    if (status == OD_OK)
        flow_clock_at(f, &p, 1, &K, &tk);
    if (status == OD_OK)
        status = xd && xc ? flow_discrete(o->type, &p, pb, seed, 1, &K, xd) : OD_ENOMEM;
    if (status == OD_OK)
        status = flow_solve(f, &p, pb, pb->x0, fp->integrator, fp->tol, 1, &tk, xc, err, len);
    *steps = K;
    *error = status == OD_OK ? distance(pb->n, xd, xc) : NAN;
    if (floor) {        /* the integrator's and K steps' round-off, relative to |X(T)| */
        double *zero = status == OD_OK ? calloc(pb->n, sizeof *zero) : NULL;
        double scale = 1.0 + (zero ? distance(pb->n, xc, zero) : 0.0);
        *floor = (FLOW_FLOOR_TOL * fp->tol + FLOW_FLOOR_EPS * (double)K * DBL_EPSILON) * scale;
        free(zero);
    }
    free(xd);
    free(xc);
    return status;
}
