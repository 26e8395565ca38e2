/* sim/run.c — the trajectory run loop: draw batch -> opt->step -> x += dx -> finite? -> record.
 * Step 0, every record_every-th step and the last step (or the divergence step) are recorded. */
#include "run.h"
#include "draw.h"
#include "landscape.h"
#include "meta.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row_state {
    long t;
    double step, loss, gnorm, lr;
} row_state;

static int record(rec_table *tab, const problem *pb, const double *x, double *g, row_state *rs)
{
    int status = pb->type->grad(pb, x, NULL, g);
    rs->step = (double)rs->t;
    rs->gnorm = sqrt(problem_dot(pb->n, g, g));
    const double *row[] = { &rs->step, &rs->loss, &rs->gnorm, &rs->lr, x };
    return status != OD_OK ? status : rec_table_append(tab, row);
}

static void grow_box(run_box *box, const double *x)
{
    for (int k = 0; k < 2; k++) {
        box->lo[k] = fmin(box->lo[k], x[k]);
        box->hi[k] = fmax(box->hi[k], x[k]);
    }
}

static rec_table *open_table(const config *c, const problem *pb, const cfg_optimizer *o, rec *r)
{
    char group[128];
    snprintf(group, sizeof group, "/trajectory/%s", o->name);
    const rec_column cols[] = {
        { "step", 1, 1, NULL, "optimizer step t (0 = initial point)" },
        { "loss", 1, 0, NULL, "full-data loss L(x_t)" },
        { "grad_norm", 1, 0, NULL, "norm of the exact full gradient at x_t" },
        { "lr", 1, 0, NULL, "learning rate used at step t" },
        { "x", pb->n, 0, NULL, "iterate x_t" },
    };
    rec_table *tab = rec_table_open(r, group, c->run.record_x ? 5 : 4, cols);
    if (!tab)
        return NULL;
    rec_attr_str(r, group, "type", o->type->name);
    rec_attr_str(r, group, "rule", o->type->rule);
    meta_write_params(r, group, o->type->params, &o->p, NULL);
    return tab;
}

static void write_outcome(rec *r, const cfg_optimizer *o, const run_outcome *out)
{
    char group[128];
    snprintf(group, sizeof group, "/trajectory/%s", o->name);
    rec_attr_int(r, group, "steps_done", out->steps_done);
    rec_attr_int(r, group, "diverged_at", out->diverged_at);
    rec_attr_num(r, group, "final_loss", out->final_loss);
}

int sim_run_optimizer(const config *c, const problem *pb, const cfg_optimizer *o, rec *r,
                      run_progress_fn progress, void *user, run_outcome *out, run_box *box)
{
    size_t n = pb->n;
    const run_params *rp = &c->run;
    *out = (run_outcome){ 0, -1, NAN };
    double *x = malloc(n * sizeof *x), *dx = malloc(n * sizeof *dx), *g = malloc(n * sizeof *g);
    double *st = opt_state_alloc(o->type, n, &o->p);
    draw dr;
    int status = draw_init(&dr, pb, rp->batch, (uint64_t)c->exp.seed, 0);
    rec_table *tab = NULL;
    if (status == OD_OK && (!x || !dx || !g || !st))
        status = OD_ENOMEM;
    if (status != OD_OK || !(tab = open_table(c, pb, o, r)))
        goto done;
    memcpy(x, pb->x0, n * sizeof *x);
    row_state rs = { 0, 0.0, pb->type->loss(pb, x), 0.0, o->p.lr };
    double loss0 = rs.loss, limit = rp->diverge_factor * (loss0 != 0.0 ? fabs(loss0) : 1.0);
    *out = (run_outcome){ 0, -1, loss0 };
    if (!isfinite(loss0)) {
        out->diverged_at = 0;
        status = record(tab, pb, x, g, &rs);
        goto done;
    }
    if ((status = record(tab, pb, x, g, &rs)) != OD_OK)
        goto done;
    for (long t = 1; t <= rp->steps; t++) {
        batch b;
        draw_step(&dr, t, &b);
        if ((status = o->type->step(st, n, t, &o->p, x, pb, &b, dx)) != OD_OK)
            goto done;
        for (size_t i = 0; i < n; i++)
            x[i] += dx[i];
        rs.t = t;
        rs.loss = pb->type->loss(pb, x);
        out->steps_done = t;
        out->final_loss = rs.loss;
        int diverged = !isfinite(rs.loss) || fabs(rs.loss) > limit;
        if (diverged)
            out->diverged_at = t;
        if (n == 2 && box && rs.loss <= 4.0 * fabs(loss0))
            grow_box(box, x);
        if (diverged || t % rp->record_every == 0 || t == rp->steps)
            if ((status = record(tab, pb, x, g, &rs)) != OD_OK)
                goto done;
        if (progress && (t & 1023) == 0)
            progress(user, o->name, t, rp->steps);
        if (diverged)
            break;
    }
done:
    if (tab) {
        int s = rec_table_close(tab);
        status = status != OD_OK ? status : s;
    }
    if (status == OD_OK)
        write_outcome(r, o, out);
    draw_free(&dr);
    free(x);
    free(dx);
    free(g);
    free(st);
    return status != OD_OK ? status : rec_status(r);
}

int sim_run_trajectory(const config *c, const problem *pb, rec *r, run_progress_fn progress,
                       void *user)
{
    run_box box = { { pb->x0[0], pb->x0[pb->n > 1] }, { pb->x0[0], pb->x0[pb->n > 1] } };
    if (pb->n == 2 && pb->xstar)
        grow_box(&box, pb->xstar);
    rec_group(r, "/trajectory");
    rec_attr_num(r, "/trajectory", "batch", c->run.batch);
    rec_attr_int(r, "/trajectory", "steps", c->run.steps);
    for (size_t i = 0; i < c->nopt; i++) {
        run_outcome out;
        int status = sim_run_optimizer(c, pb, &c->opt[i], r, progress, user, &out, &box);
        if (status != OD_OK)
            return status;
    }
    if (pb->n == 2)
        return landscape_write(r, c, pb, &box);
    return rec_status(r);
}
