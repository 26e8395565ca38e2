/* sim/kinds/sweep_kind.c — kind = sweep as a kind_type: its keys' rules in [optimizer] sections,
 * its checks, the run (cells, then the finishing) and the merge of shard files. */
#include "../core/par.h"
#include "../core/limits.h"
#include "../core/status.h"
#include "../output/h5read.h"
#include "../theory/exact.h"
#include "../theory/fit.h"
#include "kind.h"
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Optimizer keys that a [sweep] grid of the same name sweeps, and what to tell a user who
 * writes one anyway. */
static const struct { const char *key, *why; } sweep_axes[] = {
    { "lr", "the learning rate is swept: set it in [sweep] lr, not here" },
    { "momentum", "momentum is swept by [sweep] momentum: remove it here" },
};

/* A key is the sweep's, not the optimizer's, where its [sweep] grid is given (lr: always). */
static const char *sweep_reserved_key(const config *c, const char *key)
{
    for (size_t i = 0; i < sizeof sweep_axes / sizeof sweep_axes[0]; i++)
        if (!strcmp(key, sweep_axes[i].key)) {
            const param_spec *s = param_find(sweep_specs, key);
            const param_list *grid = (const void *)((const char *)c->kp + s->offset);
            return grid->n ? sweep_axes[i].why : NULL;
        }
    if (sweep_axis_lists(sweep_params_of(c), key))
        return "this key is swept by [sweep] axis and values: remove it here";
    return NULL;
}

static const char *sweep_check(const config *c, char *section, size_t slen, char *why,
                               size_t len)
{
    const param_list *bs = &sweep_params_of(c)->batch;
    if (config_batches_misfit(c, bs->n, bs->v, why, len)) {
        snprintf(section, slen, "sweep");
        return "batch";
    }
    return sweep_config_check(c, section, slen, why, len);
}

/* After the variants: cells = optimizers x batch sizes x lr x seeds, each holding targets
 * steps and, with the per-cell quantiles and bests, at most 4 x targets + 3 words. */
static int sweep_expand(config *c, char *section, size_t slen, char *key, size_t klen,
                        char *why, size_t len)
{
    const sweep_params *sp = sweep_params_of(c);
    const char *bad = sweep_keys_check(sp, why, len);
    int status = OD_OK;
    snprintf(section, slen, "sweep");
    if (bad) {
        snprintf(key, klen, "%s", bad);
        return OD_EINPUT;
    }
    if ((sp->momentum.n || sp->values.n) &&
        (status = sweep_expand_variants(c, why, len, &bad)) == OD_EINPUT)
        snprintf(key, klen, "%s", bad);
    double cells = (double)c->nopt * (double)sp->batch.n * (double)sp->lr.n * (double)sp->seeds;
    if (status == OD_OK && limits_bytes_misfit(cells, 8.0 * (4.0 * (double)sp->target.n + 3.0),
                                               "the sweep's cells (optimizers x batch x lr x "
                                               "seeds, 4 x targets + 3 words each)", why, len)) {
        snprintf(key, klen, "lr");
        status = OD_EINPUT;
    }
    return status;
}

int sweep_finish(rec *r, const config *c, const problem *pb, int threads, sweep_result *res)
{
    int status = sim_sweep_best(c, pb, threads, res);
    if (status == OD_OK && res->stationary)
        status = sweep_stationary(c, pb, threads, res);
    if (status == OD_OK)
        status = sweep_write(r, c, res, 0);
    if (status == OD_OK)
        status = sweep_fit_write(r, c, res);
    return status;
}

/* The experiment's fingerprint as the text recorded in /fingerprint (17 bytes). */
static void fingerprint_text(const config *c, char fp[32])
{
    snprintf(fp, 32, "%016llx", (unsigned long long)sweep_fingerprint(c));
}

/* target_metric = test_accuracy on a problem built without test examples (an accuracy of NAN
 * at x0): OD_EINPUT before any cell. */
static int sweep_test_set_check(const config *c, const problem *pb, char *err, size_t len)
{
    double loss, accuracy;
    if (sweep_params_of(c)->target_metric != TARGET_TEST_ACCURACY)
        return OD_OK;
    int status = pb->type->test_eval(pb, pb->x0, &loss, &accuracy);
    if (status == OD_OK && isnan(accuracy)) {
        snprintf(err, len, "[sweep] target_metric: test_accuracy needs test examples, and the "
                 "problem has none (set [problem] test_examples > 0)");
        status = OD_EINPUT;
    }
    return status;
}

/* Exact mode: what each of the -j threads keeps for the engines' cells (their per-thread memos
 * and one cell's set-up, exact_engine.thread_bytes) fits the memory cap: OD_EINPUT before any
 * cell rather than a failed allocation in the middle of the run. */
static int sweep_memory_check(const config *c, const problem *pb, int threads, char *err,
                              size_t len)
{
    double most = 0.0;
    for (size_t o = 0; sweep_params_of(c)->mode == SWEEP_EXACT && o < c->nopt; o++) {
        const exact_engine *e = exact_engine_for(pb->type, &c->opt[o].p);
        if (e && e->thread_bytes && e->supports(pb->type, c->opt[o].type, &c->opt[o].p))
            most = fmax(most, e->thread_bytes(pb->n));
    }
    char why[512];
    if (!limits_bytes_misfit((double)threads, most, "the exact engines' per-thread state (threads "
                             "x memos and one cell's set-up)", why, sizeof why))
        return OD_OK;
    snprintf(err, len, "[problem] dim: %s; lower dim or -j", why);
    return OD_EINPUT;
}

/* Cells (journaled, resumable), then the finishing; a shard writes only its cells. */
static int sweep_run(sim_ctx *x)
{
    const config *c = x->c;
    sweep_result res;
    int status = sweep_result_alloc(&res, c);
    if (status != OD_OK) {
        snprintf(x->err, x->errlen, "%s", od_strerror(status));
        return status;
    }
    if ((status = sweep_test_set_check(c, x->pb, x->err, x->errlen)) != OD_OK ||
        (status = sweep_memory_check(c, x->pb, x->threads, x->err, x->errlen)) != OD_OK) {
        sweep_result_free(&res);
        return status;
    }
    sweep_run_opts o = { x->threads, x->journal, x->resume, x->shard, x->nshards, x->progress,
                         x->user };
    status = sim_sweep(c, x->pb, &o, &res, x->err, x->errlen);
    if (par_rank() != 0) {           /* MPI workers: their cells went to rank 0 */
        sweep_result_free(&res);
        return status;
    }
    char fp[32];
    fingerprint_text(c, fp);
    rec_attr_str(x->r, "/", "fingerprint", fp);
    if (status == OD_OK && x->resume)
        snprintf(x->note, sizeof x->note, "resumed: %zu of %zu cells taken from %s",
                 res.replayed, res.cells, x->journal);
    if (status == OD_OK && x->nshards > 1) {
        char shard[64];
        snprintf(shard, sizeof shard, "%zu/%zu", x->shard, x->nshards);
        rec_attr_str(x->r, "/", "shard", shard);
        if ((status = sweep_write(x->r, c, &res, 1)) != OD_OK)
            snprintf(x->err, x->errlen, "writing the sweep: %s", od_strerror(status));
    } else if (status == OD_OK &&
               (status = sweep_finish(x->r, c, x->pb, x->threads, &res)) != OD_OK) {
        snprintf(x->err, x->errlen, "finishing the sweep: %s", od_strerror(status));
    }
    sweep_result_free(&res);
    return status;
}

/* Dataset name of f holds exactly n values (any shape): read them into v as doubles. */
static int read_cells(hid_t f, const char *name, size_t n, double *v)
{
    int rank;
    hsize_t dims[H5S_MAX_RANK], total = 1;
    if (H5LTget_dataset_ndims(f, name, &rank) < 0 || rank < 1 || rank > H5S_MAX_RANK ||
        H5LTget_dataset_info(f, name, dims, NULL, NULL) < 0)
        return 0;
    for (int k = 0; k < rank; k++) {
        if (dims[k] != 0 && total > n / dims[k])     /* total * dims[k] > n */
            return 0;
        total *= dims[k];
    }
    return total == n && H5LTread_dataset_double(f, name, v) >= 0;
}

/* Copy the cells shard `path` holds into res; OD_EINPUT when it is not a shard of this sweep. */
static int take_cells(hid_t f, const char *path, sweep_result *res, char *err, size_t len)
{
    size_t nd = res->cells, ns = res->cells * res->T;
    double *done = malloc(nd * sizeof *done), *steps = malloc(ns * sizeof *steps);
    double *fl = malloc(nd * sizeof *fl), *div = malloc(nd * sizeof *div);
    int status = OD_EINPUT;
    if (!done || !steps || !fl || !div) {
        status = OD_ENOMEM;
        goto done;
    }
    int ok = read_cells(f, "/sweep/done", nd, done) &&
             read_cells(f, "/sweep/steps_to_target", ns, steps) &&
             read_cells(f, "/sweep/final_loss", nd, fl) &&
             read_cells(f, "/sweep/diverged_at", nd, div);
    if (!ok) {
        snprintf(err, len, "%s: not a shard file of this sweep (no /sweep/done of %zu cells)",
                 path, nd);
        goto done;
    }
    for (size_t k = 0; k < nd; k++)
        if (done[k] != 0 && !res->done[k]) {
            memcpy(res->steps + k * res->T, steps + k * res->T, res->T * sizeof *steps);
            res->final_loss[k] = fl[k];
            res->diverged_at[k] = div[k];
            res->done[k] = 1;
        }
    status = OD_OK;
done:
    free(done), free(steps), free(fl), free(div);
    return status;
}

/* "N of M cells missing, e.g. optimizer sgd, batch 4, lr 0.1, replicate 0" when some are. */
static int report_missing(const config *c, const sweep_result *res, char *msg, size_t len)
{
    size_t missing = 0, first = 0;
    for (size_t k = res->cells; k-- > 0;)
        if (!res->done[k]) {
            missing++;
            first = k;
        }
    if (!missing)
        return 0;
    sweep_cell_index k = sweep_split(res, first);
    snprintf(msg, len, "%zu of %zu cells missing (first: cell %zu = optimizer %s, batch %g, "
             "lr %g, replicate %zu); merge all shards i/n, i = 0..n-1", missing, res->cells, first,
             c->opt[k.o].name, sweep_params_of(c)->batch.v[k.b], sweep_params_of(c)->lr.v[k.l],
             k.s);
    return 1;
}

/* Every shard must carry this experiment's fingerprint; together they hold every cell. */
static int sweep_merge(sim_ctx *x, const char *const *shards, size_t nshards)
{
    const config *c = x->c;
    char fp[32];
    fingerprint_text(c, fp);
    sweep_result res;
    int status = sweep_result_alloc(&res, c);
    for (size_t i = 0; status == OD_OK && i < nshards; i++) {
        hid_t f = h5r_open(shards[i], x->err, x->errlen);
        if (f < 0) {
            status = OD_EINPUT;
            break;
        }
        char *fpi = h5r_attr_dup(f, "/", "fingerprint");
        if (!fpi || strcmp(fpi, fp) != 0) {
            if (i == 0)         /* the experiment was read from it: another version wrote it */
                snprintf(x->err, x->errlen, "%s: written by another optdyn version (fingerprint "
                         "%s, this program computes %s)", shards[i], fpi ? fpi : "none", fp);
            else
                snprintf(x->err, x->errlen, "%s: belongs to a different experiment than %s "
                         "(experiment file, --set, seed or version differ)", shards[i], shards[0]);
            status = OD_EINPUT;
        } else {
            status = take_cells(f, shards[i], &res, x->err, x->errlen);
        }
        free(fpi);
        H5Fclose(f);
    }
    if (status == OD_OK && report_missing(c, &res, x->err, x->errlen))
        status = OD_EINPUT;
    if (status == OD_OK) {
        rec_attr_str(x->r, "/", "fingerprint", fp);
        if ((status = sweep_finish(x->r, c, x->pb, x->threads, &res)) != OD_OK)
            snprintf(x->err, x->errlen, "finishing the sweep: %s", od_strerror(status));
    } else if (status == OD_ENOMEM) {
        snprintf(x->err, x->errlen, "%s", od_strerror(status));
    }
    sweep_result_free(&res);
    return status;
}

static long sweep_budget(const config *c)
{
    return sweep_params_of(c)->max_steps;
}

const kind_type kind_sweep = {
    .name = "sweep",
    .summary = "batch x lr x seeds x optimizers to target losses, best lr per batch, fits",
    .section = "sweep",
    .specs = sweep_specs,
    .params_size = sizeof(sweep_params),
    .flags = KIND_CELLS,
    .reserved_key = sweep_reserved_key,
    .check = sweep_check,
    .expand = sweep_expand,
    .budget = sweep_budget,
    .run = sweep_run,
    .merge = sweep_merge,
};
