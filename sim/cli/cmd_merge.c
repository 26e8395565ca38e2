/* sim/cli/cmd_merge.c — `optdyn merge OUT.h5 SHARD.h5...`: combine the shard files of one sweep
 * (`optdyn run --shard i/n`) into the file the unsharded run would have written. Shards of
 * another experiment (file, --set, seed or program version) are refused; missing cells are
 * reported and nothing is written. */
#include "../input/config.h"
#include "../theory/fit.h"
#include "../output/meta.h"
#include "../output/rec.h"
#include "../core/status.h"
#include "../kinds/sweep.h"
#include "cli.h"
#include "../output/h5read.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "optdyn merge OUT.h5 SHARD.h5...";
static const char help[] =
    "Usage: optdyn merge OUT.h5 SHARD.h5...\n"
    "Combine the files written by `optdyn run --shard i/n EXP.ini` (one per shard, in any order)\n"
    "into OUT.h5, identical in every dataset to the unsharded run: the cells are copied, then\n"
    "the best learning rates are computed. Every shard must come from the same experiment file,\n"
    "--set overrides, seed and optdyn version; every cell must be present in some shard\n"
    "(missing ones are listed and nothing is written). Exit 2 for such input errors.\n";

/* Split the recorded overrides ("a.b=c\n" lines) in place into sets. */
static size_t split_lines(char *text, char **sets, size_t max)
{
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line && n < max; line = strtok(NULL, "\n"))
        sets[n++] = line;
    return n;
}

/* Copy the cells shard `path` holds into res; 0 on success. */
static int take_cells(hid_t f, const char *path, sweep_result *res, char *err, size_t len)
{
    size_t nd = res->cells, ns = res->cells * res->T;
    double *done = malloc(nd * sizeof *done), *steps = malloc(ns * sizeof *steps);
    double *fl = malloc(nd * sizeof *fl), *div = malloc(nd * sizeof *div);
    int rc = -1;
    hsize_t dims[5];
    int ok = done && steps && fl && div &&
             H5LTget_dataset_info(f, "/sweep/done", dims, NULL, NULL) >= 0 &&
             dims[0] * dims[1] * dims[2] * dims[3] == nd &&
             H5LTread_dataset_double(f, "/sweep/done", done) >= 0 &&
             H5LTread_dataset_double(f, "/sweep/steps_to_target", steps) >= 0 &&
             H5LTread_dataset_double(f, "/sweep/final_loss", fl) >= 0 &&
             H5LTread_dataset_double(f, "/sweep/diverged_at", div) >= 0;
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
    rc = 0;
done:
    free(done), free(steps), free(fl), free(div);
    return rc;
}

/* "N of M cells missing, e.g. optimizer sgd, batch 4, lr 0.1, replicate 0" or NULL. */
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
    size_t s = first % res->S, l = first / res->S % res->NL, b = first / res->S / res->NL % res->NB,
           o = first / res->S / res->NL / res->NB;
    snprintf(msg, len, "%zu of %zu cells missing (first: cell %zu = optimizer %s, batch %g, "
             "lr %g, replicate %zu); merge all shards i/n, i = 0..n-1", missing, res->cells, first,
             c->opt[o].name, c->sweep.batch.v[b], c->sweep.lr.v[l], s);
    return 1;
}

int cmd_merge(int argc, char **argv)
{
    int code;
    if (!cli_simple_args(argc, argv, "merge", usage, help, 2, 1 << 20, &code))
        return code;
    const char *out = argv[optind], **shards = (const char **)argv + optind + 1;
    int nshards = argc - optind - 1;
    char err[4096], *text = NULL, *file = NULL, *over = NULL, *fp0 = NULL, *sets[1024];
    config *c = NULL;
    problem *pb = NULL;
    rec *r = NULL;
    sweep_result res = { 0 };
    code = EXIT_USAGE;
    hid_t f = h5r_open(shards[0], err, sizeof err);
    if (f < 0) {
        cli_error(code, "merge", "%s", err);
        goto done;
    }
    text = h5r_attr_dup(f, "/", "experiment");
    file = h5r_attr_dup(f, "/", "experiment_file");
    over = h5r_attr_dup(f, "/", "overrides");
    fp0 = h5r_attr_dup(f, "/", "fingerprint");
    H5Fclose(f);
    if (!text || !file || !fp0) {
        cli_error(code, "merge", "%s: not an optdyn sweep file (no experiment or fingerprint)",
                  shards[0]);
        goto done;
    }
    size_t nsets = over ? split_lines(over, sets, 1024) : 0;
    if (config_load_from(file, text, (const char *const *)sets, nsets, &c, err, sizeof err) != OD_OK) {
        cli_error(code, "merge", "%s: recorded experiment: %s", shards[0], err);
        goto done;
    }
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)sweep_fingerprint(c));
    if (c->exp.kind != KIND_SWEEP || strcmp(fp, fp0) != 0) {
        cli_error(code, "merge", "%s: written by another optdyn version or not a sweep "
                  "(fingerprint %s, this program computes %s)", shards[0], fp0, fp);
        goto done;
    }
    if (sweep_result_alloc(&res, c) != OD_OK) {
        code = cli_error(EXIT_FAILURE_OTHER, "merge", "out of memory");
        goto done;
    }
    for (int i = 0; i < nshards; i++) {
        if ((f = h5r_open(shards[i], err, sizeof err)) < 0) {
            cli_error(code, "merge", "%s", err);
            goto done;
        }
        char *fpi = h5r_attr_dup(f, "/", "fingerprint");
        int same = fpi && !strcmp(fpi, fp0), rc = same ? take_cells(f, shards[i], &res, err, sizeof err) : 0;
        free(fpi);
        H5Fclose(f);
        if (!same) {
            cli_error(code, "merge", "%s: belongs to a different experiment than %s (experiment "
                      "file, --set, seed or version differ)", shards[i], shards[0]);
            goto done;
        }
        if (rc != 0) {
            cli_error(code, "merge", "%s", err);
            goto done;
        }
    }
    if (report_missing(c, &res, err, sizeof err)) {
        cli_error(code, "merge", "%s", err);
        goto done;
    }
    code = EXIT_FAILURE_OTHER;
    int status;
    if (!(r = rec_create(out, err, sizeof err))) {
        code = cli_error(EXIT_USAGE, "merge", "output '%s': %s", out, err);
        goto done;
    }
    if (!(pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status))) {
        cli_error(code, "merge", "building the problem: %s", od_strerror(status));
        goto done;
    }
    meta_write_root(r, c, (const char *const *)sets, nsets);
    meta_write_problem(r, c, pb);
    rec_attr_str(r, "/", "fingerprint", fp);
    if ((status = sim_sweep_best(c, pb, 1, &res)) != OD_OK ||
        (status = sweep_write(r, c, &res, 0)) != OD_OK ||
        (status = sweep_fit_write(r, c, &res)) != OD_OK) {
        cli_error(code, "merge", "%s", od_strerror(status));
        goto done;
    }
    status = rec_commit(r, err, sizeof err);
    r = NULL;
    if (status != OD_OK) {
        cli_error(code, "merge", "%s", err);
        goto done;
    }
    code = EXIT_OK;
done:
    rec_abort(r);
    problem_free(pb);
    sweep_result_free(&res);
    config_free(c);
    free(text), free(file), free(over), free(fp0);
    return code;
}
