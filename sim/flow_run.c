/* sim/flow_run.c — kind = flow: for every optimizer and each of its continuous limits, the
 * error at time T over the lr ladder with the fitted order, and, at the smallest lr, both
 * trajectories at `points` matched times. Layout: docs/hdf5-schema.md (/flow). */
#include "flow.h"
#include "meta.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Matched trajectories at the smallest lr: steps k_j = round(j K / (P-1)), times k_j dt. */
static int record_trajectory(rec *r, const char *group, const config *c, const problem *pb,
                             const cfg_optimizer *o, const opt_flow *f, double lr, char *err,
                             size_t len)
{
    const flow_params *fp = &c->flow;
    size_t P = (size_t)fp->points, n = pb->n;
    opt_params p = o->p;
    p.lr = lr;
    double dt = f->time_step(&p);
    long K = lround(fp->time / dt), *ks = malloc(P * sizeof *ks);
    double *t = malloc(P * sizeof *t), *step = malloc(P * sizeof *step);
    double *xd = malloc(P * n * sizeof *xd), *xc = malloc(P * n * sizeof *xc);
    double *ld = malloc(P * sizeof *ld), *lc = malloc(P * sizeof *lc), *e = malloc(P * sizeof *e);
    int status = ks && t && step && xd && xc && ld && lc && e ? OD_OK : OD_ENOMEM;
    for (size_t j = 0; status == OD_OK && j < P; j++) {
        ks[j] = lround((double)j * (double)K / (double)(P - 1));
        step[j] = (double)ks[j];
        t[j] = (double)ks[j] * dt;
    }
    if (status == OD_OK)
        status = flow_discrete(o, pb, (uint64_t)c->exp.seed, lr, P, ks, xd);
    if (status == OD_OK)
        status = flow_solve(f, &p, pb, pb->x0, fp->tol, P, t, xc, err, len);
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
        const char *names[] = { "t", "step", "loss_discrete", "loss_continuous", "error" };
        const double *data[] = { t, step, ld, lc, e };
        for (int k = 0; k < 5; k++) {
            snprintf(path, sizeof path, "%s/%s", group, names[k]);
            if (k == 1)
                rec_array_int(r, path, 1, &P, data[k]);
            else
                rec_array(r, path, 1, &P, data[k], NULL);
        }
        snprintf(path, sizeof path, "%s/x_discrete", group);
        rec_array(r, path, 2, dims, xd, NULL);
        snprintf(path, sizeof path, "%s/x_continuous", group);
        rec_array(r, path, 2, dims, xc, NULL);
        const char *scaled[] = { "step", "loss_discrete", "loss_continuous", "error",
                                 "x_discrete", "x_continuous" };
        char tpath[400];
        snprintf(tpath, sizeof tpath, "%s/t", group);
        for (int k = 0; k < 6; k++) {
            snprintf(path, sizeof path, "%s/%s", group, scaled[k]);
            rec_attach_scale(r, path, 0, tpath);
        }
        rec_attr_num(r, group, "trajectory_lr", lr);
    }
    free(ks), free(t), free(step), free(xd), free(xc), free(ld), free(lc), free(e);
    return status;
}

static int one_limit(rec *r, const config *c, const problem *pb, const cfg_optimizer *o,
                     const opt_flow *f, char *err, size_t len)
{
    const flow_params *fp = &c->flow;
    size_t m = fp->lr.n;
    char group[256], path[300];
    snprintf(group, sizeof group, "/flow/%s/%s", o->name, f->name);
    rec_group(r, group);
    rec_attr_str(r, group, "equation", f->equation);
    rec_attr_str(r, group, "time_map", f->time_map);
    rec_attr_str(r, group, "type", o->type->name);
    rec_attr_str(r, group, "rule", o->type->rule);
    meta_write_params(r, group, o->type->params, &o->p, "lr");
    double *err_v = malloc(m * sizeof *err_v), *steps = malloc(m * sizeof *steps), smallest = INFINITY;
    int status = err_v && steps ? OD_OK : OD_ENOMEM;
    for (size_t i = 0; status == OD_OK && i < m; i++) {
        long k;
        status = flow_error(o, f, pb, (uint64_t)c->exp.seed, fp->lr.v[i], fp->time, fp->tol, &k,
                            &err_v[i], err, len);
        steps[i] = (double)k;
        smallest = fmin(smallest, fp->lr.v[i]);
    }
    double slope = NAN, se = NAN;
    if (status == OD_OK && flow_order(m, fp->lr.v, err_v, &slope, &se) != OD_OK)
        slope = se = NAN;
    if (status == OD_OK) {
        snprintf(path, sizeof path, "%s/order/lr", group);
        rec_array(r, path, 1, &m, fp->lr.v, NULL);
        snprintf(path, sizeof path, "%s/order/steps", group);
        rec_array_int(r, path, 1, &m, steps);
        snprintf(path, sizeof path, "%s/order/error", group);
        rec_array(r, path, 1, &m, err_v, NULL);
        char scale[300];
        snprintf(scale, sizeof scale, "%s/order/lr", group);
        rec_attach_scale(r, path, 0, scale);
        snprintf(path, sizeof path, "%s/order/steps", group);
        rec_attach_scale(r, path, 0, scale);
        snprintf(path, sizeof path, "%s/order", group);
        rec_attr_num(r, path, "slope", slope);
        rec_attr_num(r, path, "slope_se", se);
        rec_attr_num(r, path, "time", fp->time);
        rec_attr_str(r, path, "description", "error = |x_K - X(K dt)| at K = round(time/dt) "
                     "steps; slope: least-squares fit of log error on log lr, with its "
                     "standard error");
        status = record_trajectory(r, group, c, pb, o, f, smallest, err, len);
    }
    free(err_v), free(steps);
    return status != OD_OK ? status : rec_status(r);
}

int sim_run_flow(const config *c, const problem *pb, rec *r, char *err, size_t len)
{
    rec_group(r, "/flow");
    rec_attr_num(r, "/flow", "time", c->flow.time);
    rec_attr_num(r, "/flow", "tol", c->flow.tol);
    rec_attr_str(r, "/flow", "integrator", "GSL gsl_odeiv2 rk8pd (explicit Runge-Kutta "
                 "Prince-Dormand 8/9), absolute and relative tolerance tol");
    for (size_t i = 0; i < c->nopt; i++)
        for (size_t k = 0; c->opt[i].type->flows && c->opt[i].type->flows[k]; k++) {
            int status = one_limit(r, c, pb, &c->opt[i], c->opt[i].type->flows[k], err, len);
            if (status != OD_OK) {
                if (status != OD_EDOM)
                    snprintf(err, len, "%s", od_strerror(status));
                return status;
            }
        }
    return rec_status(r);
}
