/* sim/kinds/run.c — the trajectory run loop: step the replicate -> finite? -> record.
 * Step 0, every record_every-th step and the last step (or the divergence step) are recorded;
 * with [run] noise_scale_every = k, the noise scale is probed at step 0 and every k-th step. */
#include "run.h"
#include "update_sv.h"
#include "../core/replicate.h"
#include "landscape.h"
#include "weight_gap.h"
#include "sharpness.h"
#include "../output/meta.h"
#include "../theory/exact.h"
#include "../theory/noise_scale.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row_state {
    double step, loss, gnorm, lr, loss_ema, loss_exp, test_loss, test_acc, gap;
    exact *ex;            /* the expected-loss engine of this run, or NULL */
    weight_gap *wg;       /* [run] reference: the weight gap's reference rows, or NULL */
    int is_ref;           /* this run is the reference */
    size_t row;           /* recorded rows so far */
} row_state;

/* The loss at x_t into rs, with the exact gradient's norm when the step is recorded (one pass
 * where the problem has loss_gnorm: nothing the row needs is computed twice). */
static int measure(const replicate *r, double *g, row_state *rs, int recorded)
{
    int status = OD_OK;
    rs->loss = recorded ? problem_loss_gnorm(r->pb, r->x, g, &rs->gnorm, &status) : replicate_loss(r);
    return status;
}

/* Append the row of step t (loss and gradient norm from measure); the columns are those
 * open_table opened, in its order. */
static int record(rec_table *tab, const config *c, const replicate *r, row_state *rs)
{
    int status = OD_OK;
    rs->step = (double)r->t;
    rs->lr = replicate_lr(r, r->t);
    if (r->xbar)
        rs->loss_ema = replicate_judged_loss(r);
    const double *row[10] = { &rs->step, &rs->loss, &rs->gnorm, &rs->lr };
    int k = 4;
    if (r->xbar)
        row[k++] = &rs->loss_ema;
    if (rs->ex) {
        rs->loss_exp = rs->ex->engine->loss(rs->ex->state, (double)r->t);
        row[k++] = &rs->loss_exp;
    }
    if (r->pb->type->test_eval && status == OD_OK) {
        status = r->pb->type->test_eval(r->pb, r->x, &rs->test_loss, &rs->test_acc);
        row[k++] = &rs->test_loss;
        row[k++] = &rs->test_acc;
    }
    if (rs->wg) {
        rs->gap = weight_gap_at(rs->wg, r->pb, r->x, rs->row, rs->is_ref);
        row[k++] = &rs->gap;
    }
    rs->row++;
    if (run_params_of(c)->record_x)
        row[k++] = r->x;
    if (run_params_of(c)->record_x && r->xbar)
        row[k++] = r->xbar;
    return status != OD_OK ? status : rec_table_append(tab, row);
}

static void grow_box(run_box *box, const double *x)
{
    for (int k = 0; k < 2; k++) {
        box->lo[k] = fmin(box->lo[k], x[k]);
        box->hi[k] = fmax(box->hi[k], x[k]);
    }
}

static rec_table *open_table(const config *c, const problem *pb, const cfg_optimizer *o, rec *r,
                             int expected, int gap)
{
    char group[128];
    snprintf(group, sizeof group, "/trajectory/%s", o->name);
    rec_column cols[10] = {
        { "step", 1, 1, NULL, "optimizer step t (0 = initial point)" },
        { "loss", 1, 0, NULL, "full-data loss L(x_t)" },
        { "grad_norm", 1, 0, NULL, "norm of the exact full gradient at x_t" },
        { "lr", 1, 0, NULL, "learning rate used at step t" },
    };
    size_t k = 4;
    int ema = o->p.ema > 0;
    if (ema)
        cols[k++] = (rec_column){ "loss_ema", 1, 0, NULL, "loss at the iterate average xbar_t" };
    if (expected)
        cols[k++] = (rec_column){ "loss_expected", 1, 0, NULL, "expected loss E[L] over the "
                                  "gradient noise (and a random x0) at step t, without sampling "
                                  "(the problem's exact engine; at the average with ema)" };
    if (pb->type->test_eval) {
        cols[k++] = (rec_column){ "test_loss", 1, 0, NULL, "loss at x_t on the problem's held-out "
                                  "test examples (without penalties)" };
        cols[k++] = (rec_column){ "test_accuracy", 1, 0, NULL, "fraction of the held-out test "
                                  "examples classified right at x_t" };
    }
    if (gap)
        cols[k++] = (rec_column){ "weight_gap", 1, 0, NULL, "|W(x_t) - W(x_t^ref)|_F, the "
                                  "distance of the weight matrix to that of the [run] reference "
                                  "optimizer at the same step (NaN past its last row)" };
    if (run_params_of(c)->record_x)
        cols[k++] = (rec_column){ "x", pb->n, 0, NULL, "iterate x_t" };
    if (run_params_of(c)->record_x && ema)
        cols[k++] = (rec_column){ "x_ema", pb->n, 0, NULL,
                                  "iterate average xbar_t = ema*xbar_(t-1) + (1-ema)*x_t" };
    rec_table *tab = rec_table_open(r, group, k, cols);
    if (!tab)
        return NULL;
    rec_attr_str(r, group, "type", o->type->name);
    rec_attr_str(r, group, "rule", o->type->rule);
    meta_write_params(r, group, o->type->params, &o->p, NULL);
    meta_write_train(r, group, &o->p);
    rec_attr_int(r, group, "state_doubles", (long)opt_state_doubles(o->type, &o->p, pb));
    if (run_params_of(c)->full[0])
        rec_attr_int(r, group, "full", run_name_listed(run_params_of(c)->full, o->name));
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

/* The noise-scale probe of one optimizer's run: table NULL when [run] asks for none. */
typedef struct run_probe {
    noise_probe p;
    rec_table *tab;
} run_probe;

static int probe_open(const config *c, const problem *pb, const cfg_optimizer *o, rec *r,
                      run_probe *rp)
{
    const run_params *p = run_params_of(c);
    rp->tab = NULL;
    if (p->noise_scale_every <= 0)
        return OD_OK;
    int status = noise_probe_init(&rp->p, pb, p->noise_scale_batches.v[0],
                                  p->noise_scale_batches.v[1], p->noise_scale_ema,
                                  p->noise_scale_exact, (uint64_t)c->exp.seed);
    if (status != OD_OK)
        return status;
    char group[128];
    snprintf(group, sizeof group, "/trajectory/%s", o->name);
    if (!(rp->tab = noise_probe_table_open(r, group, &rp->p))) {
        noise_probe_free(&rp->p);
        return rec_status(r);
    }
    return OD_OK;
}

/* Probe at step t if it is due (iterates of non-finite loss are not probed). */
static int probe_step(const config *c, run_probe *rp, const replicate *rep, double loss)
{
    if (!rp->tab || rep->t % run_params_of(c)->noise_scale_every != 0 || !isfinite(loss))
        return OD_OK;
    noise_probe_row row;
    int status = noise_probe_at(&rp->p, rep->x, rep->t, &row);
    return status != OD_OK ? status : noise_probe_table_append(rp->tab, rep->t, &row);
}

static int probe_close(run_probe *rp)
{
    if (!rp->tab)
        return OD_OK;
    noise_probe_free(&rp->p);
    return rec_table_close(rp->tab);
}

/* The sharpness probe at step t if due (iterates of non-finite loss are not probed). */
static int sharp_step(const config *c, sharp_probe *sp, const replicate *rep, double loss)
{
    long every = run_params_of(c)->sharpness_every;
    if (!sp->tab || rep->t % every != 0 || !isfinite(loss))
        return OD_OK;
    return sharp_probe_at(sp, rep);
}

int sim_run_optimizer(const config *c, const problem *pb, const cfg_optimizer *o, rec *r,
                      work_meter *wm, run_outcome *out, run_box *box, weight_gap *wg)
{
    const run_params *rp = run_params_of(c);
    double step_work = work_of_step(pb, rp->batch);
    long reported = 0;                    /* steps reported to wm */
    if (wm)
        work_meter_unit(wm, o->name, (size_t)rp->steps);
    *out = (run_outcome){ 0, -1, NAN };
    replicate rep;
    double *g = malloc(pb->n * sizeof *g);
    rec_table *tab = NULL;
    run_probe probe = { .tab = NULL };
    update_sv usv;
    sharp_probe sharp = { .tab = NULL };
    exact ex = { NULL, NULL };
    int status = replicate_init(&rep, pb, o->type, &o->p, rp->batch, (uint64_t)c->exp.seed, 0);
    if (status != OD_OK) {
        free(g);
        return status;
    }
    int us = update_sv_open(&usv, pb, rp->update_sv_every, rp->steps);
    if (us != OD_OK)
        status = us;
    if (!g)
        status = OD_ENOMEM;
    if (status == OD_OK && rp->expected && exact_engine_of(pb->type)) {
        double *s0 = exact_start_moments(pb);
        int es = s0 ? exact_init(&ex, pb, o->type, &o->p, rp->batch, s0) : OD_ENOMEM;
        free(s0);
        if (es != OD_OK && es != OD_ENOTSUP)
            status = es;
    }
    if (status != OD_OK || !(tab = open_table(c, pb, o, r, ex.state != NULL, wg != NULL)) ||
        (status = probe_open(c, pb, o, r, &probe)) != OD_OK)
        goto done;
    if (rp->sharpness_every > 0) {
        char group[128];
        snprintf(group, sizeof group, "/trajectory/%s", o->name);
        if ((status = sharp_probe_open(&sharp, pb, o->type, &o->p, (size_t)rp->sharpness_k,
                                       (size_t)rp->sharpness_iters, rp->sharpness_tol, r,
                                       group)) != OD_OK)
            goto done;
    }
    row_state rs = { 0.0, 0.0, 0.0, o->p.lr, 0.0, 0.0, 0.0, 0.0, 0.0,
                     ex.state ? &ex : NULL, wg, wg && strcmp(o->name, rp->reference) == 0, 0 };
    if ((status = measure(&rep, g, &rs, 1)) != OD_OK)
        goto done;
    double loss0 = rs.loss, limit = rp->diverge_factor * (loss0 != 0.0 ? fabs(loss0) : 1.0);
    *out = (run_outcome){ 0, isfinite(loss0) ? -1 : 0, loss0 };
    if ((status = record(tab, c, &rep, &rs)) != OD_OK ||
        (status = probe_step(c, &probe, &rep, rs.loss)) != OD_OK ||
        (status = sharp_step(c, &sharp, &rep, rs.loss)) != OD_OK || out->diverged_at == 0)
        goto done;
    /* Finite-data problems: the loss costs all N examples (a step B of them), so with
     * record_every > 1 it is evaluated at recorded and probed steps only; a non-finite iterate is
     * still caught at every step (docs/config.md, record_every). */
    int sparse_loss = pb->examples > 0 && rp->record_every > 1;
    for (long t = 1; t <= rp->steps; t++) {
        if ((status = replicate_step(&rep)) != OD_OK)
            goto done;
        if (rp->update_sv_every > 0 && t % rp->update_sv_every == 0 &&
            (status = update_sv_take(&usv, pb, t, rep.dx)) != OD_OK)
            goto done;
        out->steps_done = t;
        if (wm && (t & 1023) == 0) {
            work_meter_add(wm, (size_t)(t - reported), (double)(t - reported) * step_work);
            reported = t;
        }
        int due = t % rp->record_every == 0 || t == rp->steps;
        if (sparse_loss && !due &&
            !(rp->noise_scale_every > 0 && t % rp->noise_scale_every == 0) &&
            !(rp->sharpness_every > 0 && t % rp->sharpness_every == 0)) {
            int finite = 1;
            for (size_t i = 0; i < pb->n && finite; i++)
                finite = isfinite(rep.x[i]);
            if (finite)
                continue;
            rs.loss = NAN;
        } else if ((status = measure(&rep, g, &rs, due)) != OD_OK) {
            goto done;
        }
        out->final_loss = rs.loss;
        int diverged = !isfinite(rs.loss) || fabs(rs.loss) > limit;
        if (diverged)
            out->diverged_at = t;
        if (pb->n == 2 && box && rs.loss <= 4.0 * fabs(loss0))
            grow_box(box, rep.x);
        if (diverged && !due && (status = measure(&rep, g, &rs, 1)) != OD_OK)
            goto done;
        if (diverged || due)
            if ((status = record(tab, c, &rep, &rs)) != OD_OK)
                goto done;
        if ((status = probe_step(c, &probe, &rep, rs.loss)) != OD_OK ||
            (status = sharp_step(c, &sharp, &rep, rs.loss)) != OD_OK)
            goto done;
        if (diverged)
            break;
    }
done:
    if (wm && status == OD_OK) {         /* the last steps run, and those a divergence skipped */
        work_meter_skip(wm, (size_t)(rp->steps - out->steps_done),
                        (double)(rp->steps - out->steps_done) * step_work);
        work_meter_add(wm, (size_t)(out->steps_done - reported),
                       (double)(out->steps_done - reported) * step_work);
    }
    if (sharp.work) {
        int s = sharp_probe_close(&sharp, r);
        status = status != OD_OK ? status : s;
    }
    if (probe.tab) {
        int s = probe_close(&probe);
        status = status != OD_OK ? status : s;
    }
    if (tab) {
        int s = rec_table_close(tab);
        status = status != OD_OK ? status : s;
    }
    if (status == OD_OK) {
        char group[160];
        snprintf(group, sizeof group, "/trajectory/%s", o->name);
        write_outcome(r, o, out);
        status = update_sv_write(&usv, r, group, pb);
    }
    update_sv_free(&usv);
    replicate_free(&rep);
    exact_free(&ex);
    free(g);
    return status != OD_OK ? status : rec_status(r);
}

int run_name_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        p += strspn(p, ", \t");
        size_t w = strcspn(p, ", \t");
        if (w == n && strncmp(p, name, n) == 0)
            return 1;
        p += w;
    }
    return 0;
}

/* The problem optimizer o runs on: the unfactorized companion when [run] full lists it. */
static const problem *problem_of(const config *c, const cfg_optimizer *o, const problem *pb,
                                 const problem *full)
{
    return full && run_name_listed(run_params_of(c)->full, o->name) ? full : pb;
}

/* The companion of pb with the weight itself as the parameter, from the same seed. */
static problem *full_problem(const config *c, int *status)
{
    problem_params *pp = malloc(sizeof *pp);
    *status = OD_ENOMEM;
    if (!pp)
        return NULL;
    *pp = c->problem;
    problem_types[pp->type]->unfactorized(pp);
    problem_params_resolve(pp);
    problem *full = problem_alloc(pp, (uint64_t)c->exp.seed, status);
    free(pp);
    return full;
}

int sim_run_trajectory(const config *c, const problem *pb, rec *r, sim_progress_fn progress,
                       void *user)
{
    const run_params *rp = run_params_of(c);
    run_box box = { { pb->x0[0], pb->x0[pb->n > 1] }, { pb->x0[0], pb->x0[pb->n > 1] } };
    if (pb->n == 2 && pb->xstar)
        grow_box(&box, pb->xstar);
    rec_group(r, "/trajectory");
    rec_attr_num(r, "/problem", "batch", rp->batch);   /* the trajectories' B */
    rec_attr_num(r, "/trajectory", "batch", rp->batch);
    rec_attr_int(r, "/trajectory", "steps", rp->steps);
    int status = OD_OK;
    problem *full = rp->full[0] ? full_problem(c, &status) : NULL;
    weight_gap wg = { .ref = NULL }, *wgp = NULL;
    size_t first = 0;
    if (status == OD_OK && rp->reference[0]) {
        rec_attr_str(r, "/trajectory", "reference", rp->reference);
        status = weight_gap_init(&wg, pb, (size_t)(rp->steps / rp->record_every) + 2);
        wgp = &wg;
        while (first < c->nopt && strcmp(c->opt[first].name, rp->reference) != 0)
            first++;
    }
    work_meter wm;
    double total = 0.0;
    for (size_t i = 0; status == OD_OK && i < c->nopt; i++)
        total += (double)rp->steps * work_of_step(problem_of(c, &c->opt[i], pb, full), rp->batch);
    work_meter_init(&wm, progress, user, c->nopt ? c->opt[0].name : "", (size_t)rp->steps, total);
    work_meter_add(&wm, 0, 0.0);
    /* the reference runs first, then the others in file order */
    for (size_t k = 0; status == OD_OK && k < c->nopt; k++) {
        size_t i = !wgp ? k : k == 0 ? first : k <= first ? k - 1 : k;
        run_outcome out;
        status = sim_run_optimizer(c, problem_of(c, &c->opt[i], pb, full), &c->opt[i], r, &wm, &out,
                                   &box, wgp);
    }
    weight_gap_free(&wg);
    problem_free(full);
    if (status != OD_OK)
        return status;
    if (pb->n == 2)
        return landscape_write(r, &rp->landscape, rp->landscape_points, pb, &box);
    return rec_status(r);
}
