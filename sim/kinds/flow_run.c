/* sim/kinds/flow_run.c — kind = flow: for every optimizer and each of its continuous limits, the
 * error at time T over the lr ladder with the fitted order, matched trajectories at the chosen
 * learning rates, and for limits with a stochastic version (SME) the weak errors when [flow]
 * batch is finite. Layout: docs/hdf5-schema.md (/flow). */
#include "flow.h"
#include "landscape.h"
#include "../output/meta.h"
#include "sme.h"
#include "sharpness.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rec_vector(rec *r, const char *group, const char *name, size_t m, const double *v,
                       const char *scale)
{
    char path[400], spath[400];
    snprintf(path, sizeof path, "%s/%s", group, name);
    rec_array(r, path, 1, &m, v, NULL);
    if (scale) {
        snprintf(spath, sizeof spath, "%s/%s", group, scale);
        rec_attach_scale(r, path, 0, spath);
    }
}

/* f(x) - f* along a trajectory and the limit's bound on it, where x* is known. */
static void record_gap(rec *r, const char *group, const problem *pb, const opt_flow *f,
                       size_t P, const double *t, const double *ld, const double *lc, double *buf)
{
    if (!pb->xstar || !isfinite(pb->fstar))
        return;
    double r0sq = 0.0;
    for (size_t i = 0; i < pb->n; i++)
        r0sq += (pb->x0[i] - pb->xstar[i]) * (pb->x0[i] - pb->xstar[i]);
    for (size_t j = 0; j < P; j++)
        buf[j] = ld[j] - pb->fstar;
    rec_vector(r, group, "gap_discrete", P, buf, "t");
    for (size_t j = 0; j < P; j++)
        buf[j] = lc[j] - pb->fstar;
    rec_vector(r, group, "gap_continuous", P, buf, "t");
    if (f->gap_bound) {
        for (size_t j = 0; j < P; j++)
            buf[j] = f->gap_bound(t[j], r0sq);
        rec_vector(r, group, "gap_bound", P, buf, "t");
    }
}

/* The limit's extras (opt_flow extras) along xc, and with [flow] sharpness = yes S_1 at the
 * discrete and continuous points, as vectors over t in group. */
static int record_extras(rec *r, const char *group, const config *c, const problem *pb,
                         const opt_flow *f, const opt_params *p, size_t P, const double *xd,
                         const double *xc)
{
    size_t n = pb->n, ne = 0;
    while (f->extras && f->extra && f->extras[ne])
        ne++;
    int status = OD_OK, sharp = flow_params_of(c)->sharpness;
    double *work = ne ? calloc(flow_work_size(f, n), sizeof *work) : NULL;
    double *v = malloc((ne + 2) * P * sizeof *v), out[16];
    if (!v || (ne && !work) || ne > 16)
        status = OD_ENOMEM;
    for (size_t j = 0; status == OD_OK && j < P; j++) {
        if (ne && (status = f->extra(xc + j * n, n, p, pb, work, out)) == OD_OK)
            for (size_t e = 0; e < ne; e++)
                v[e * P + j] = out[e];
        if (status == OD_OK && sharp)
            status = sharpness_at(pb, xd + j * n, &v[ne * P + j]);
        if (status == OD_OK && sharp)       /* (unused when the limit records it) */
            status = sharpness_at(pb, xc + j * n, &v[(ne + 1) * P + j]);
    }
    char name[128];
    for (size_t e = 0; status == OD_OK && e < ne; e++) {
        snprintf(name, sizeof name, "%s_continuous", f->extras[e]);
        rec_vector(r, group, name, P, v + e * P, "t");
    }
    int own = 0;            /* the limit records S_1 itself (extra "sharpness") */
    for (size_t e = 0; e < ne; e++)
        own |= strcmp(f->extras[e], "sharpness") == 0;
    if (status == OD_OK && sharp) {
        rec_vector(r, group, "sharpness_discrete", P, v + ne * P, "t");
        if (!own)
            rec_vector(r, group, "sharpness_continuous", P, v + (ne + 1) * P, "t");
    }
    free(work), free(v);
    return status;
}

/* Matched trajectories at lr into group: steps k_j = round(j K / (P-1)), times k_j dt, with
 * P = min(points, K + 1) so that the steps are distinct. */
static int record_trajectory(rec *r, const char *group, const config *c, const problem *pb,
                             const cfg_optimizer *o, const opt_flow *f, double lr, char *err,
                             size_t len)
{
    const flow_params *fp = flow_params_of(c);
    size_t n = pb->n;
    opt_params p;
    int status = flow_params_at(o, f, lr, &p, err, len);
    long K = 0;
    if (status == OD_OK)
        status = flow_clock_steps(f, &p, fp->time, &K, err, len);
    size_t P = K + 1 < fp->points ? (size_t)K + 1 : (size_t)fp->points;
    if (P < 2)
        P = 2;
    long *ks = malloc(P * sizeof *ks);
    double *t = malloc(P * sizeof *t), *step = malloc(P * sizeof *step);
    double *xd = malloc(P * n * sizeof *xd), *xc = malloc(P * n * sizeof *xc);
    double *ld = malloc(P * sizeof *ld), *lc = malloc(P * sizeof *lc), *e = malloc(P * sizeof *e);
    if (status == OD_OK && !(ks && t && step && xd && xc && ld && lc && e))
        status = OD_ENOMEM;
    for (size_t j = 0; status == OD_OK && j < P; j++) {
        ks[j] = lround((double)j * (double)K / (double)(P - 1));
        step[j] = (double)ks[j];
    }
    if (status == OD_OK)
        flow_clock_at(f, &p, P, ks, t);
    if (status == OD_OK)
        status = flow_discrete(o->type, &p, pb, (uint64_t)c->exp.seed, P, ks, xd);
    if (status == OD_OK)
        status = flow_solve(f, &p, pb, pb->x0, fp->integrator, fp->tol, P, t, xc, err, len);
    if (status == OD_OK) {
        for (size_t j = 0; j < P; j++) {
            ld[j] = pb->type->loss(pb, xd + j * n);
            lc[j] = pb->type->loss(pb, xc + j * n);
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += (xd[j * n + i] - xc[j * n + i]) * (xd[j * n + i] - xc[j * n + i]);
            e[j] = sqrt(s);
        }
        char path[400];
        size_t dims[2] = { P, n };
        rec_group(r, group);
        rec_attr_num(r, group, "lr", lr);
        rec_vector(r, group, "t", P, t, NULL);
        snprintf(path, sizeof path, "%s/step", group);
        rec_array_int(r, path, 1, &P, step);
        rec_vector(r, group, "loss_discrete", P, ld, "t");
        rec_vector(r, group, "loss_continuous", P, lc, "t");
        rec_vector(r, group, "error", P, e, "t");
        if (opt_train_scheduled(&p.train)) {     /* lr_k of the step reaching each point */
            for (size_t j = 0; j < P; j++)
                e[j] = lr * opt_schedule_factor(&p.train, ks[j]);
            rec_vector(r, group, "lr_step", P, e, "t");
            rec_attr_num(r, group, "schedule_steps", (double)p.train.T);
        }
        const char *xs[] = { "x_discrete", "x_continuous" };
        const double *xv[] = { xd, xc };
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/%s", group, xs[k]);
            rec_array(r, path, 2, dims, xv[k], NULL);
        }
        const char *scaled[] = { "step", "x_discrete", "x_continuous" };
        static const char *const axes[] = { "t", "coordinate" };
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "%s/%s", group, scaled[k]);
            rec_dims(r, path, k ? 2 : 1, axes);
        }
        record_gap(r, group, pb, f, P, t, ld, lc, e);
        status = record_extras(r, group, c, pb, f, &p, P, xd, xc);
    }
    free(ks), free(t), free(step), free(xd), free(xc), free(ld), free(lc), free(e);
    return status;
}

/* The order table at group/order: lr, steps, error (+ error_se) with the fitted order and its
 * quality (flow_fit_order; floor: per-lr accuracy floors, named `what`). */
static void record_order(rec *r, const char *group, size_t m, const double *lr,
                         const double *steps, const double *error, const double *error_se,
                         const double *floor, const char *what, const char *description)
{
    char og[320], path[400];
    snprintf(og, sizeof og, "%s/order", group);
    rec_group(r, og);
    rec_vector(r, og, "lr", m, lr, NULL);
    snprintf(path, sizeof path, "%s/steps", og);
    rec_array_int(r, path, 1, &m, steps);
    snprintf(path, sizeof path, "%s/lr", og);
    char steps_path[400];
    snprintf(steps_path, sizeof steps_path, "%s/steps", og);
    rec_attach_scale(r, steps_path, 0, path);
    rec_vector(r, og, "error", m, error, "lr");
    if (error_se)
        rec_vector(r, og, "error_se", m, error_se, "lr");
    rec_vector(r, og, "error_floor", m, floor, "lr");
    flow_fit fit;
    flow_fit_order(m, lr, error, floor, what, &fit);
    rec_attr_num(r, og, "slope", fit.slope);
    rec_attr_num(r, og, "slope_se", fit.slope_se);
    rec_attr_str(r, og, "order_reason", fit.reason);
    rec_attr_num(r, og, "fit_slope", fit.fit_slope);
    rec_attr_num(r, og, "fit_slope_se", fit.fit_slope_se);
    rec_attr_num(r, og, "fit_rms", fit.rms);
    rec_attr_num(r, og, "local_slope_min", fit.local_min);
    rec_attr_num(r, og, "local_slope_max", fit.local_max);
    rec_attr_str(r, og, "description", description);
}

double flow_lr_work(const flow_params *fp, const problem *pb, double lr, int sde)
{
    double steps = fp->time / lr, n = (double)pb->n;
    return sde ? (double)fp->paths * steps * n * (1.0 + (double)fp->substeps) : steps * n;
}

static int one_limit(rec *r, const config *c, const problem *pb, const cfg_optimizer *o,
                     const opt_flow *f, work_meter *wm, char *err, size_t len)
{
    const flow_params *fp = flow_params_of(c);
    size_t m = fp->lr.n;
    char group[256];
    snprintf(group, sizeof group, "/flow/%s/%s", o->name, f->name);
    rec_group(r, group);
    rec_attr_str(r, group, "equation", f->equation);
    rec_attr_str(r, group, "time_map", f->time_map);
    rec_attr_str(r, group, "type", o->type->name);
    rec_attr_str(r, group, "rule", o->type->rule);
    rec_attr_str(r, group, "integrator",
                 flow_integrator_names[flow_integrator_used(f, fp->integrator)]);
    meta_write_params(r, group, o->type->params, &o->p, "lr");
    if (opt_train_scheduled(&o->p.train))
        rec_attr_str(r, group, "clock", "a schedule as a change of time: t_k = sum_{j<=k} "
                     "dt(lr_j), lr_j = lr s(j); K = the step count whose clock is nearest to "
                     "time (the schedule's length tied to K unless schedule_steps fixes it); "
                     "errors at t_K");
    double *err_v = malloc(m * sizeof *err_v), *steps = malloc(m * sizeof *steps);
    double *floor = malloc(m * sizeof *floor);
    int status = err_v && steps && floor ? OD_OK : OD_ENOMEM;
    for (size_t i = 0; status == OD_OK && i < m; i++) {
        long k;
        status = flow_error(o, f, pb, (uint64_t)c->exp.seed, fp->lr.v[i], fp, &k, &err_v[i],
                            &floor[i], err, len);
        steps[i] = (double)k;
        if (status == OD_OK)
            work_meter_add(wm, 1, flow_lr_work(fp, pb, fp->lr.v[i], 0));
    }
    if (status == OD_OK)
        record_order(r, group, m, fp->lr.v, steps, err_v, NULL, floor, "accuracy floor",
                     "error = |x_K - X(K dt)| at K = round(time/dt) steps; error_floor: "
                     "(100 tol + 10 K eps)(1 + |X(T)|); slope: least-squares fit of log error on "
                     "log lr with its standard error when it is an order, else NaN (order_reason)");
    free(err_v), free(steps), free(floor);
    const param_list *tl = &fp->trajectory_lr;
    double smallest = INFINITY;
    for (size_t i = 0; i < m; i++)
        smallest = fmin(smallest, fp->lr.v[i]);
    size_t nt = tl->n ? tl->n : 1;
    for (size_t j = 0; status == OD_OK && j < nt; j++) {
        char tg[300];
        snprintf(tg, sizeof tg, "%s/trajectory/%zu", group, j);
        status = record_trajectory(r, tg, c, pb, o, f, tl->n ? tl->v[j] : smallest, err, len);
    }
    return status != OD_OK ? status : rec_status(r);
}

/* Weak errors of SGD against the SME with drift f, over the lr ladder, into /flow/O/<f->sde>. */
static int one_sde(rec *r, const config *c, const problem *pb, const cfg_optimizer *o,
                   const opt_flow *f, int threads, work_meter *wm, char *err, size_t len)
{
    const flow_params *fp = flow_params_of(c);
    size_t m = fp->lr.n;
    char group[256];
    snprintf(group, sizeof group, "/flow/%s/%s", o->name, f->sde);
    enum { NCOL = 13 };
    double *col[NCOL];
    int status = OD_OK, exact = 1;
    for (int k = 0; k < NCOL; k++)
        if (!(col[k] = malloc(m * sizeof(double))))
            status = OD_ENOMEM;
    for (size_t i = 0; status == OD_OK && i < m; i++) {
        sme_result s;
        status = sme_weak_error(o, f, pb, (uint64_t)c->exp.seed, fp->lr.v[i], fp, threads, &s);
        double v[NCOL] = { (double)s.steps, s.error, s.error_se, s.sq_error, s.sq_error_se,
                           s.loss_sgd, s.loss_sgd_se, s.loss_sde, s.loss_sde_se, s.sq_sgd,
                           s.bias, s.bias_se, 3.0 * s.error_se };
        for (int k = 0; status == OD_OK && k < NCOL; k++)
            col[k][i] = v[k];
        exact &= s.exact;
        if (status == OD_OK)
            work_meter_add(wm, 1, flow_lr_work(fp, pb, fp->lr.v[i], 1));
    }
    if (status == OD_ENOTSUP)
        snprintf(err, len, "optimizer %s: the %s equation needs a problem with Gaussian gradient "
                 "noise of constant covariance (nqm, quadratic, rosenbrock, beale with noise)",
                 o->name, f->sde);
    if (status == OD_EDOM)
        snprintf(err, len, "optimizer %s: the %s equation could not be set up (a learning rate "
                 "too large for the limit's ties, an odd [flow] substeps, or an eigensolver "
                 "failure)", o->name, f->sde);
    if (status == OD_OK) {
        char eq[512], sch[256];
        snprintf(eq, sizeof eq, "dX = f(X) dt + sqrt(lr/B) Sigma^(1/2) dW, drift f: %s",
                 f->equation);
        snprintf(sch, sizeof sch, "stochastic Heun, weak order 2 (additive noise), %ld substeps "
                 "per step; bias estimated against %ld substeps", fp->substeps, fp->substeps / 2);
        rec_group(r, group);
        rec_attr_str(r, group, "equation", eq);
        rec_attr_str(r, group, "time_map", "t = k*lr; SGD step k takes W((k+1/2)lr) - "
                     "W((k-1/2)lr); two SDE paths per SGD path (mirrored Brownian bridges)");
        rec_attr_str(r, group, "scheme", exact ? "exact Ornstein-Uhlenbeck transition (linear "
                     "SDE): no integrator bias" : sch);
        rec_attr_str(r, group, "drift", f->name);
        rec_attr_num(r, group, "batch", fp->batch);
        rec_attr_num(r, group, "paths", (double)fp->paths);
        if (!exact)
            rec_attr_num(r, group, "substeps", (double)fp->substeps);
        record_order(r, group, m, fp->lr.v, col[0], col[1], col[2], col[12],
                     "Monte Carlo floor (3 standard errors)",
                     "weak error = E[L(x_K)] - E[L(X_T)] at T = K*lr over paths sharing their "
                     "Brownian motion, with its standard error; error_floor: 3 standard errors; "
                     "slope: fit of log|error| on log lr when it is an order, else NaN "
                     "(order_reason)");
        char og[320];
        snprintf(og, sizeof og, "%s/order", group);
        const char *names[] = { "error_sq", "error_sq_se", "loss_sgd", "loss_sgd_se", "loss_sde",
                                "loss_sde_se", "sq_sgd", "integrator_bias", "integrator_bias_se" };
        for (int k = 0; k < (exact ? 7 : 9); k++)
            rec_vector(r, og, names[k], m, col[3 + k], "lr");
    }
    for (int k = 0; k < NCOL; k++)
        free(col[k]);
    return status != OD_OK ? status : rec_status(r);
}

/* The next item of a comma-separated list into word (spaces around it dropped); returns the
 * rest of the list, or NULL at its end. */
static const char *list_next(const char *p, char *word, size_t len)
{
    while (*p == ' ' || *p == ',')
        p++;
    if (!*p)
        return NULL;
    size_t k = 0;
    for (; *p && *p != ','; p++)
        if (k + 1 < len)
            word[k++] = *p;
    while (k && word[k - 1] == ' ')
        k--;
    word[k] = 0;
    return p;
}

int flow_limit_selected(const flow_params *fp, const opt_flow *f)
{
    char word[128];
    for (const char *p = fp->limits; (p = list_next(p, word, sizeof word));)
        if (strcmp(word, f->name) == 0)
            return 1;
    return !fp->limits[0] && !f->opt_in;
}

const char *flow_limits_check(const config *c, char *why, size_t len)
{
    char word[128];
    for (const char *p = flow_params_of(c)->limits; (p = list_next(p, word, sizeof word));) {
        int found = 0;
        for (size_t i = 0; !found && i < c->nopt; i++)
            found = opt_flow_lookup(c->opt[i].type, word) != NULL;
        if (!found) {
            snprintf(why, len, "no optimizer of this experiment has a limit named '%s' (see "
                     "`optdyn list`)", word);
            return "limits";
        }
    }
    for (size_t i = 0; i < c->nopt; i++) {
        int any = 0;
        for (size_t k = 0; c->opt[i].type->flows && c->opt[i].type->flows[k]; k++)
            any |= flow_limit_selected(flow_params_of(c), c->opt[i].type->flows[k]);
        if (!any) {
            snprintf(why, len, "selects none of the limits of optimizer '%s'", c->opt[i].name);
            return "limits";
        }
    }
    return NULL;
}

/* Does limit f of an optimizer run its SME too? */
static int runs_sde(const config *c, const opt_flow *f)
{
    return f->sde && !isinf(flow_params_of(c)->batch);
}

int sim_run_flow(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                 void *user, rec *r, char *err, size_t len)
{
    const flow_params *fp = flow_params_of(c);
    double total = 0.0;
    for (size_t i = 0; i < c->nopt; i++)
        for (size_t k = 0; c->opt[i].type->flows && c->opt[i].type->flows[k]; k++) {
            const opt_flow *f = c->opt[i].type->flows[k];
            for (size_t l = 0; flow_limit_selected(fp, f) && l < fp->lr.n; l++)
                total += flow_lr_work(fp, pb, fp->lr.v[l], 0) +
                         (runs_sde(c, f) ? flow_lr_work(fp, pb, fp->lr.v[l], 1) : 0.0);
        }
    char what[2][300];
    work_meter wm;
    work_meter_init(&wm, progress, user, "limits", fp->lr.n, total);
    work_meter_add(&wm, 0, 0.0);
    rec_group(r, "/flow");
    rec_attr_num(r, "/flow", "time", flow_params_of(c)->time);
    rec_attr_num(r, "/flow", "tol", flow_params_of(c)->tol);
    rec_attr_str(r, "/flow", "integrator", flow_params_of(c)->integrator == FLOW_MSBDF
                 ? "GSL gsl_odeiv2 msbdf (implicit multistep BDF with the analytic Jacobian; "
                   "rk8pd for limits without one), absolute and relative tolerance tol"
                 : "GSL gsl_odeiv2 rk8pd (explicit Runge-Kutta Prince-Dormand 8/9), absolute "
                   "and relative tolerance tol");
    for (size_t i = 0; i < c->nopt; i++)
        for (size_t k = 0; c->opt[i].type->flows && c->opt[i].type->flows[k]; k++) {
            const opt_flow *f = c->opt[i].type->flows[k];
            if (!flow_limit_selected(flow_params_of(c), f))
                continue;
            snprintf(what[0], sizeof what[0], "%s/%s", c->opt[i].name, f->name);
            work_meter_unit(&wm, what[0], fp->lr.n);
            int status = one_limit(r, c, pb, &c->opt[i], f, &wm, err, len);
            if (status == OD_OK && runs_sde(c, f)) {
                snprintf(what[1], sizeof what[1], "%s/%s", c->opt[i].name, f->sde);
                work_meter_unit(&wm, what[1], fp->lr.n);
                status = one_sde(r, c, pb, &c->opt[i], f, threads, &wm, err, len);
            }
            if (status != OD_OK) {
                if (status != OD_EDOM && status != OD_ENOTSUP)
                    snprintf(err, len, "%s", od_strerror(status));
                return status;
            }
        }
    if (pb->n == 2) {      /* around x0 and the minimizer unless [flow] landscape says */
        run_box box = { { pb->x0[0], pb->x0[1] }, { pb->x0[0], pb->x0[1] } };
        for (int k = 0; pb->xstar && k < 2; k++) {
            box.lo[k] = fmin(box.lo[k], pb->xstar[k]);
            box.hi[k] = fmax(box.hi[k], pb->xstar[k]);
        }
        return landscape_write(r, &flow_params_of(c)->landscape, flow_params_of(c)->landscape_points, pb, &box);
    }
    return rec_status(r);
}
