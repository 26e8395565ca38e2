/* sim/cli/cmd_merge.c — `optdyn merge OUT.h5 SHARD.h5...`: combine the shard files of one sweep
 * (`optdyn run --shard i/n`) into the file the unsharded run would have written. Shards of
 * another experiment (file, --set, seed or program version) are refused; missing cells are
 * reported and nothing is written. */
#include "../core/rng.h"
#include "../core/status.h"
#include "../input/config.h"
#include "../kinds/kind.h"
#include "../output/h5read.h"
#include "../output/meta.h"
#include "../output/rec.h"
#include "cli.h"

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

int cmd_merge(int argc, char **argv)
{
    int code;
    if (!cli_simple_args(argc, argv, "merge", usage, help, 2, 1 << 20, &code))
        return code;
    const char *out = argv[optind], *const *shards = (const char *const *)argv + optind + 1;
    size_t nshards = (size_t)(argc - optind - 1);
    char err[4096], *text = NULL, *file = NULL, *over = NULL, *sets[1024];
    config *c = NULL;
    problem *pb = NULL;
    rec *r = NULL;
    int status = OD_EINPUT;
    hid_t f = h5r_open(shards[0], err, sizeof err);
    if (f < 0) {
        code = cli_status_error(status, "merge", "%s", err);
        goto done;
    }
    text = h5r_attr_dup(f, "/", "experiment");
    file = h5r_attr_dup(f, "/", "experiment_file");
    over = h5r_attr_dup(f, "/", "overrides");
    H5Fclose(f);
    if (!text || !file) {
        code = cli_status_error(status, "merge", "not a readable optdyn file: %s: no "
                                "experiment or experiment_file attribute", shards[0]);
        goto done;
    }
    size_t nsets = over ? split_lines(over, sets, 1024) : 0;
    status = config_load_from(file, text, (const char *const *)sets, nsets, &c, err, sizeof err);
    if (status != OD_OK) {
        code = cli_status_error(status, "merge", "%s: recorded experiment: %s", shards[0], err);
        goto done;
    }
    if (!c->kind->merge) {
        code = cli_status_error(OD_EINPUT, "merge", "%s: kind = %s has no shards to merge",
                                shards[0], c->kind->name);
        goto done;
    }
    if (!(r = rec_create(out, &status, err, sizeof err))) {
        code = cli_status_error(status, "merge", "output '%s': %s", out, err);
        goto done;
    }
    rng_set_generator((rng_gen)c->exp.rng);     /* before any draw or thread */
    if (!(pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status))) {
        code = cli_status_error(status, "merge", "building the problem: %s", od_strerror(status));
        goto done;
    }
    meta_write_root(r, c, (const char *const *)sets, nsets);
    meta_write_problem(r, c, pb);
    sim_ctx x = { .c = c, .pb = pb, .r = r, .threads = 1, .nshards = 1, .err = err,
                  .errlen = sizeof err };
    if ((status = c->kind->merge(&x, shards, nshards)) != OD_OK) {
        code = cli_status_error(status, "merge", "%s", err);
        goto done;
    }
    status = rec_commit(r, err, sizeof err);
    r = NULL;
    code = status == OD_OK ? EXIT_OK : cli_status_error(OD_EIO, "merge", "%s", err);
done:
    rec_abort(r);
    problem_free(pb);
    config_free(c);
    free(text), free(file), free(over);
    return code;
}
