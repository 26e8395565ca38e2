/* sim/kinds/sweep.c — cells of a sweep: exact expected-loss cells (sim/theory/exact.h) or Monte Carlo runs,
 * scheduled dynamically over threads (cells differ a lot in cost), journaled as they finish.
 * A cell's result depends only on (experiment, cell index): replicate s draws its start and its
 * noise from streams keyed by s, shared by every optimizer, batch size and lr (common numbers). */
#include "sweep.h"
#include "../core/par.h"
#include "../core/replicate.h"
#include "sweep_internal.h"
#include "journal.h"
#include "../theory/exact.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OPTDYN_VERSION
#define OPTDYN_VERSION "unknown"
#endif

int sweep_result_alloc(sweep_result *res, const config *c)
{
    memset(res, 0, sizeof *res);
    const sweep_params *sp = sweep_params_of(c);
    res->O = c->nopt;
    res->NB = sp->batch.n;
    res->NL = sp->lr.n;
    res->S = (size_t)sp->seeds;
    res->T = sp->target.n;
    res->cells = res->O * res->NB * res->NL * res->S;
    size_t nbest = res->O * res->NB * res->T;
    res->steps = malloc(res->cells * res->T * sizeof *res->steps);
    res->final_loss = malloc(res->cells * sizeof *res->final_loss);
    res->diverged_at = malloc(res->cells * sizeof *res->diverged_at);
    res->done = calloc(res->cells, 1);
    size_t nq = res->O * res->NB * res->NL * res->T;
    res->steps_median = malloc(nq * sizeof *res->steps_median);
    res->steps_q1 = malloc(nq * sizeof *res->steps_q1);
    res->steps_q3 = malloc(nq * sizeof *res->steps_q3);
    res->lr_grid = malloc(nbest * sizeof *res->lr_grid);
    res->lr_opt = malloc(nbest * sizeof *res->lr_opt);
    res->best_steps = malloc(nbest * sizeof *res->best_steps);
    res->examples = malloc(nbest * sizeof *res->examples);
    if (sp->mode == SWEEP_EXACT &&
        !(res->stationary = malloc(res->O * res->NB * res->NL * sizeof *res->stationary)))
        goto nomem;
    if (!res->steps || !res->final_loss || !res->diverged_at || !res->done || !res->lr_grid ||
        !res->steps_median || !res->steps_q1 || !res->steps_q3 ||
        !res->lr_opt || !res->best_steps || !res->examples)
        goto nomem;
    if (!sp->momentum.n && !sp->values.n)
        return OD_OK;
    sweep_keys k;
    sweep_keys_of(sp, &k);
    res->NK = k.n;
    if (!(res->section_of = malloc(res->O * sizeof *res->section_of)))
        goto nomem;
    for (size_t o = 0; o < res->O; o++) {          /* variants of a section are adjacent */
        if (o == 0 || strcmp(c->opt[o].section, c->opt[o - 1].section) != 0)
            res->NS++;
        res->section_of[o] = res->NS - 1;
    }
    size_t ntuned = res->NS * res->NB * res->T;
    res->tuned_lr = malloc(ntuned * sizeof *res->tuned_lr);
    res->tuned_steps = malloc(ntuned * sizeof *res->tuned_steps);
    res->tuned_examples = malloc(ntuned * sizeof *res->tuned_examples);
    int ok = res->tuned_lr && res->tuned_steps && res->tuned_examples;
    for (size_t j = 0; j < res->NK; j++)
        ok &= (res->tuned_key[j] = malloc(ntuned * sizeof *res->tuned_key[j])) != NULL;
    if (ok)
        return OD_OK;
nomem:
    sweep_result_free(res);
    return OD_ENOMEM;
}

void sweep_result_free(sweep_result *res)
{
    free(res->steps);
    free(res->final_loss);
    free(res->diverged_at);
    free(res->done);
    free(res->steps_median);
    free(res->steps_q1);
    free(res->steps_q3);
    free(res->lr_grid);
    free(res->lr_opt);
    free(res->best_steps);
    free(res->examples);
    free(res->stationary);
    free(res->section_of);
    free(res->tuned_lr);
    for (size_t j = 0; j < SWEEP_KEYS_MAX; j++)
        free(res->tuned_key[j]);
    free(res->tuned_steps);
    free(res->tuned_examples);
    memset(res, 0, sizeof *res);
}

uint64_t sweep_fingerprint(const config *c)
{
    uint64_t h = journal_hash(JOURNAL_FNV_START, OPTDYN_VERSION, strlen(OPTDYN_VERSION));
    for (size_t i = 0; i < c->doc->ne; i++) {
        const ini_entry *e = &c->doc->e[i];
        h = journal_hash(h, e->section, strlen(e->section) + 1);
        h = journal_hash(h, e->key, strlen(e->key) + 1);
        h = journal_hash(h, e->value, strlen(e->value) + 1);
    }
    return h;
}

sweep_cell_index sweep_split(const sweep_result *r, size_t cell)
{
    sweep_cell_index k;
    k.s = cell % r->S;
    cell /= r->S;
    k.l = cell % r->NL;
    cell /= r->NL;
    k.b = cell % r->NB;
    k.o = cell / r->NB;
    return k;
}

size_t sweep_cell_of(const sweep_result *r, size_t o, size_t b, size_t l, size_t s)
{
    return ((o * r->NB + b) * r->NL + l) * r->S + s;
}

static int exact_cell(const config *c, const problem *pb, const double *s0, const opt_type *type,
                      const opt_params *p, double B, double *steps, double *final_loss,
                      double *diverged_at)
{
    const sweep_params *sp = sweep_params_of(c);
    exact e;
    int status = exact_init(&e, pb, type, p, B, s0);
    if (status != OD_OK)
        return status;
    if (e.engine->scan) {                   /* engines that step: one pass for everything */
        long d;
        e.engine->scan(e.state, sp->target.n, sp->target.v, sp->diverge_factor, sp->max_steps,
                       steps, &d, final_loss);
        *diverged_at = (double)d;
        exact_free(&e);
        return OD_OK;
    }
    long div = e.engine->diverged_at(e.state, sp->diverge_factor, sp->max_steps), stop = 0;
    int all = 1;
    for (size_t t = 0; t < sp->target.n; t++) {
        double frac;
        long k = e.engine->steps(e.state, sp->target.v[t], div >= 0 ? div : sp->max_steps, &frac);
        steps[t] = (double)k;
        all = all && k >= 0;
        stop = k > stop ? k : stop;
    }
    stop = div >= 0 ? div : all ? stop : sp->max_steps;
    *diverged_at = (double)div;
    *final_loss = e.engine->loss(e.state, (double)stop);
    exact_free(&e);
    return OD_OK;
}

/* The value a Monte Carlo run is judged by at its current point (the iterate average with
 * ema > 0): its training loss `loss`, or the test accuracy there. */
static int judged_value(const sweep_params *sp, const replicate *r, double loss, double *v)
{
    double test_loss;
    *v = loss;
    if (sp->target_metric != TARGET_TEST_ACCURACY)
        return OD_OK;
    return r->pb->type->test_eval(r->pb, r->xbar ? r->xbar : r->x, &test_loss, v);
}

/* Is target t reached by the judged value v? (loss: v <= target; accuracy: v >= target) */
static int reached(const sweep_params *sp, double v, size_t t)
{
    return sp->target_metric == TARGET_TEST_ACCURACY ? v >= sp->target.v[t] : v <= sp->target.v[t];
}

/* Monte Carlo cell: run replicate `stream` until every target is reached (judged at the iterate
 * average when ema > 0; by the test accuracy with target_metric = test_accuracy), the run
 * diverges (raw training loss), or max_steps. final_loss: the training loss judged there. */
static int montecarlo_cell(const config *c, const problem *pb, const opt_type *type,
                           const opt_params *p, double B, size_t stream, double *steps,
                           double *final_loss, double *diverged_at)
{
    const sweep_params *sp = sweep_params_of(c);
    size_t T = sp->target.n, left = T;
    replicate r;
    int status = replicate_init(&r, pb, type, p, B, (uint64_t)c->exp.seed, stream);
    if (status != OD_OK)
        return status;
    double raw = replicate_loss(&r), loss = replicate_judged_loss(&r), v;
    double limit = sp->diverge_factor * (raw != 0 ? fabs(raw) : 1);
    *diverged_at = isfinite(raw) ? -1.0 : 0.0;
    status = judged_value(sp, &r, loss, &v);
    for (size_t t = 0; t < T; t++) {
        steps[t] = reached(sp, v, t) ? 0.0 : -1.0;
        left -= steps[t] == 0.0;
    }
    for (long k = 1; status == OD_OK && k <= sp->max_steps && left > 0 && *diverged_at < 0; k++) {
        if ((status = replicate_step(&r)) != OD_OK)
            break;
        if (k % sp->eval_every != 0 && k != sp->max_steps)
            continue;
        raw = replicate_loss(&r);
        loss = r.xbar ? replicate_judged_loss(&r) : raw;
        if (!isfinite(raw) || fabs(raw) > limit) {
            *diverged_at = (double)k;
            break;
        }
        if ((status = judged_value(sp, &r, loss, &v)) != OD_OK)
            break;
        for (size_t t = 0; t < T; t++)
            if (steps[t] < 0 && reached(sp, v, t)) {
                steps[t] = (double)k;
                left--;
            }
    }
    *final_loss = loss;
    replicate_free(&r);
    return status;
}

double sweep_cell_work(const config *c, const problem *pb, const sweep_result *shape, size_t cell)
{
    const sweep_params *sp = sweep_params_of(c);
    sweep_cell_index k = sweep_split(shape, cell);
    double steps = (double)sp->max_steps, B = sp->batch.v[k.b];
    if (sp->mode == SWEEP_EXACT) {
        const exact_engine *e = exact_engine_for(pb->type, &c->opt[k.o].p);
        if (e && e->scan)
            return (double)pb->n * steps;
        return (double)pb->n * (double)sp->target.n * log2(steps + 1.0);
    }
    return steps * (work_of_step(pb, B) + work_of_loss(pb) / (double)sp->eval_every);
}

int sweep_cell(const config *c, const problem *pb, const double *s0, size_t cell,
               const sweep_result *shape, double *steps, double *final_loss, double *diverged_at)
{
    sweep_cell_index k = sweep_split(shape, cell);
    const cfg_optimizer *o = &c->opt[k.o];
    opt_params p = o->p;
    p.lr = sweep_params_of(c)->lr.v[k.l];
    double B = sweep_params_of(c)->batch.v[k.b];
    if (sweep_params_of(c)->mode == SWEEP_EXACT)
        return exact_cell(c, pb, s0, o->type, &p, B, steps, final_loss, diverged_at);
    return montecarlo_cell(c, pb, o->type, &p, B, k.s, steps, final_loss, diverged_at);
}

/* The cell visited m-th: optimizers, then learning rates, then batch sizes, then seeds, so that
 * consecutive cells share (optimizer, lr) and the exact engines' per-thread memos of what depends
 * on lr only (sim/theory/thread_memo.h) serve every batch size. */
static size_t visit_order(const sweep_result *r, size_t m)
{
    size_t s = m % r->S, b = (m / r->S) % r->NB, l = (m / (r->S * r->NB)) % r->NL;
    return sweep_cell_of(r, m / (r->S * r->NB * r->NL), b, l, s);
}

/* Keep the first failure in *status (shared by the threads of a parallel loop). */
static void keep_failure(int *status, int s)
{
#pragma omp critical(sweep_status)
    if (s != OD_OK && *status == OD_OK) {
#pragma omp atomic write
        *status = s;
    }
}

static int failed_yet(const int *status)
{
    int s;
#pragma omp atomic read
    s = *status;
    return s != OD_OK;
}

int sweep_stationary(const config *c, const problem *pb, int threads, sweep_result *res)
{
    const sweep_params *sp = sweep_params_of(c);
    double *s0 = exact_start_moments(pb);
    int status = s0 ? OD_OK : OD_ENOMEM;
    const size_t n = res->O * res->NB * res->NL;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t m = 0; m < n; m++) {
        if (failed_yet(&status))
            continue;
        size_t o = m / (res->NB * res->NL), l = (m / res->NB) % res->NL, b = m % res->NB;
        opt_params p = c->opt[o].p;
        p.lr = sp->lr.v[l];
        int s = exact_stationary(pb, c->opt[o].type, &p, sp->batch.v[b], s0,
                                 &res->stationary[(o * res->NB + b) * res->NL + l]);
        keep_failure(&status, s);
    }
    free(s0);
    return status;
}

void sweep_store(sweep_result *res, size_t cell, const double *v)
{
    memcpy(res->steps + cell * res->T, v, res->T * sizeof *v);
    res->final_loss[cell] = v[res->T];
    res->diverged_at[cell] = v[res->T + 1];
    res->done[cell] = 1;
}

static void replayed(void *user, uint64_t cell, const double *values)
{
    sweep_result *res = user;
    if (cell < res->cells && !res->done[cell]) {
        sweep_store(res, (size_t)cell, values);
        res->replayed++;
    }
}

int sweep_owns(size_t cell, size_t shard, size_t nshards)
{
    return nshards <= 1 || cell % nshards == shard;
}

int sim_sweep(const config *c, const problem *pb, const sweep_run_opts *opt, sweep_result *res,
              char *err, size_t len)
{
    /* only rank 0 (every process, without MPI) keeps the journal */
    int jstatus = OD_OK;
    journal *j = par_rank() == 0 ? journal_open(opt->journal, sweep_fingerprint(c), res->T + 2,
                                                opt->resume, replayed, res, &jstatus, err, len)
                                 : NULL;
    if (!j && par_size() == 1)
        return jstatus;
    size_t *todo = malloc(res->cells * sizeof *todo), ntodo = 0, finished = 0, owned = 0;
    double work = 0.0, work_finished = 0.0;
    double *s0 = sweep_params_of(c)->mode == SWEEP_EXACT ? exact_start_moments(pb) : NULL;
    int status = (!todo || (sweep_params_of(c)->mode == SWEEP_EXACT && !s0)) ? OD_ENOMEM
                 : (!j && par_rank() == 0)                         ? jstatus
                                                                   : OD_OK;
    for (size_t m = 0; todo && m < res->cells; m++) {
        size_t cell = visit_order(res, m);
        if (!sweep_owns(cell, opt->shard, opt->nshards))
            continue;
        double w = sweep_cell_work(c, pb, res, cell);
        owned++;
        work += w;
        if (res->done[cell]) {
            finished++;
            work_finished += w;
        } else {
            todo[ntodo++] = cell;
        }
    }
    work_meter wm;
    work_meter_init(&wm, status == OD_OK && par_rank() == 0 ? opt->progress : NULL, opt->user,
                    "cells", owned, work);
#ifdef OPTDYN_MPI
    if (par_size() > 1) {
        work_meter_add(&wm, finished, work_finished);
        int s = sweep_mpi(c, pb, opt, res, j, todo, ntodo, s0, &wm, status);
        if (s != OD_OK && status == OD_OK)
            snprintf(err, len, "sweep cell failed: %s", od_strerror(s));
        journal_close(j, 0);
        free(todo);
        free(s0);
        return s;
    }
#endif
    work_meter_add(&wm, finished, work_finished);
#pragma omp parallel for schedule(dynamic, 1) num_threads(opt->threads)
    for (size_t i = 0; i < ntodo; i++) {
        if (failed_yet(&status))
            continue;
        double *v = malloc((res->T + 2) * sizeof *v);
        int s = v ? sweep_cell(c, pb, s0, todo[i], res, v, v + res->T, v + res->T + 1) : OD_ENOMEM;
        if (s == OD_OK)
            s = journal_append(j, todo[i], v);
        if (s == OD_OK)
            sweep_store(res, todo[i], v);
        free(v);
        if (s == OD_OK)
            work_meter_add(&wm, 1, sweep_cell_work(c, pb, res, todo[i]));
        keep_failure(&status, s);
    }
    if (status != OD_OK && !journal_error(j, err, len))
        snprintf(err, len, "sweep cell failed: %s", od_strerror(status));
    journal_close(j, 0);
    free(todo);
    free(s0);
    return status;
}
