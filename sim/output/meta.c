/* sim/output/meta.c — root and /problem metadata of an output file. Nothing here depends on the run's
 * results, so it can be written before the first step. */
#include "meta.h"
#include "../core/status.h"

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __clang__
#define COMPILER "clang " __clang_version__     /* clang's __VERSION__ says "Clang ..." */
#else
#define COMPILER "gcc " __VERSION__
#endif

#ifndef OPTDYN_VERSION
#define OPTDYN_VERSION "unknown"
#endif
#ifndef OPTDYN_CFLAGS
#define OPTDYN_CFLAGS "unknown"
#endif

static int write_conventions(rec *r)
{
    char buf[4096];
    size_t used = 0;
    for (size_t i = 0; opt_types[i] && used < sizeof buf; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s: %s\n", opt_types[i]->name,
                                 opt_types[i]->rule);
    return rec_attr_str(r, "/", "conventions", buf);
}

static int write_overrides(rec *r, const char *const *sets, size_t nsets)
{
    size_t len = 1;
    for (size_t i = 0; i < nsets; i++)
        len += strlen(sets[i]) + 1;
    char *buf = malloc(len);
    if (!buf)
        return OD_ENOMEM;
    buf[0] = '\0';
    for (size_t i = 0; i < nsets; i++) {
        strcat(buf, sets[i]);
        strcat(buf, "\n");
    }
    int status = rec_attr_str(r, "/", "overrides", buf);
    free(buf);
    return status;
}

int meta_write_root(rec *r, const config *c, const char *const *sets, size_t nsets)
{
    char lib[256];
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(lib, sizeof lib, "HDF5 %u.%u.%u, GSL %s", maj, min, rel, GSL_VERSION);
    rec_attr_str(r, "/", "experiment", c->doc->text);
    rec_attr_str(r, "/", "experiment_file", c->doc->path);
    write_overrides(r, sets, nsets);
    rec_attr_str(r, "/", "program", "optdyn");
    rec_attr_str(r, "/", "version", OPTDYN_VERSION);
    rec_attr_int(r, "/", "seed", c->exp.seed);
    rec_attr_str(r, "/", "kind", config_kind_name(c));
    rec_attr_str(r, "/", "compiler", COMPILER);
    rec_attr_str(r, "/", "cflags", OPTDYN_CFLAGS);
    rec_attr_str(r, "/", "libraries", lib);
    return write_conventions(r);
}

int meta_write_params(rec *r, const char *obj, const param_spec *specs, const void *base,
                      const char *skip)
{
    for (const param_spec *s = specs; s->key; s++) {
        if (skip && !strcmp(s->key, skip))
            continue;
        const char *p = (const char *)base + s->offset;
        switch (s->kind) {
        case PARAM_REAL:
            rec_attr_num(r, obj, s->key, *(const double *)p);
            break;
        case PARAM_INT:
            rec_attr_int(r, obj, s->key, *(const long *)p);
            break;
        case PARAM_CHOICE:
            rec_attr_str(r, obj, s->key, s->choices[*(const int *)p]);
            break;
        case PARAM_STRING:
            rec_attr_str(r, obj, s->key, p);
            break;
        case PARAM_LIST:
        case PARAM_GRID:
            if (((const param_list *)p)->n)
                rec_attr_vec(r, obj, s->key, ((const param_list *)p)->n, ((const param_list *)p)->v);
            break;
        }
    }
    return rec_status(r);
}

int meta_write_train(rec *r, const char *obj, const opt_params *p)
{
    if (!opt_train_active(&p->train))
        return rec_status(r);
    rec_attr_int(r, obj, "schedule_length", p->train.T);
    return meta_write_params(r, obj, opt_train_specs, &p->train, NULL);
}

/* Problems with a block layout: per coordinate of x its block's name and its row and column in
 * the block (a vector block: row i, column 0), on the axis /problem/coordinate; x0 and xstar
 * name them as auxiliary coordinates (CF `coordinates`, which xarray decodes). */
static void write_block_labels(rec *r, const problem *pb)
{
    size_t n = pb->n;
    const char **name = malloc(n * sizeof *name);
    double *row = malloc(n * sizeof *row), *col = malloc(n * sizeof *col);
    if (!name || !row || !col) {
        free(name), free(row), free(col);
        return;
    }
    for (size_t i = 0; i < problem_block_count(pb); i++) {
        size_t off;
        const problem_block *b = &pb->blocks[i];
        problem_block_at(pb, i, &off);
        for (size_t k = 0; k < problem_block_size(b); k++) {
            name[off + k] = b->name;
            row[off + k] = (double)(b->cols ? k / b->cols : k);
            col[off + k] = (double)(b->cols ? k % b->cols : 0);
        }
    }
    static const char *const axis[] = { "/problem/coordinate" };
    rec_strings(r, "/problem/block", n, name);
    rec_array_int(r, "/problem/block_row", 1, &n, row);
    rec_array_int(r, "/problem/block_col", 1, &n, col);
    rec_dims(r, "/problem/block", 1, axis);
    rec_dims(r, "/problem/block_row", 1, axis);
    rec_dims(r, "/problem/block_col", 1, axis);
    free(name), free(row), free(col);
}

int meta_write_problem(rec *r, const config *c, const problem *pb)
{
    /* indexed by problem_noise */
    static const char *const noise[] = { "none", "gaussian", "minibatch sampling",
                                         "online examples" };
    _Static_assert(sizeof noise / sizeof *noise == PROBLEM_NOISE_STREAM + 1,
                   "a name for every problem_noise");
    size_t n = pb->n;
    rec_group(r, "/problem");
    rec_attr_str(r, "/problem", "type", pb->type->name);
    rec_attr_str(r, "/problem", "summary", pb->type->summary);
    rec_attr_str(r, "/problem", "noise", noise[pb->noise]);
    char blocks[PROBLEM_MAX_BLOCKS * 64];
    problem_blocks_text(pb, blocks, sizeof blocks);
    rec_attr_str(r, "/problem", "blocks", blocks);
    meta_write_params(r, "/problem", pb->type->params, &c->problem, NULL);
    static const char *const coordinate[] = { "coordinate" }, *const mode[] = { "mode" };
    rec_array(r, "/problem/x0", 1, &n, pb->x0, NULL);
    rec_dims(r, "/problem/x0", 1, coordinate);
    if (pb->xstar) {
        rec_array(r, "/problem/xstar", 1, &n, pb->xstar, NULL);
        rec_dims(r, "/problem/xstar", 1, coordinate);
    }
    if (!isnan(pb->fstar))
        rec_attr_num(r, "/problem", "fstar", pb->fstar);
    if (pb->blocks) {
        write_block_labels(r, pb);
        rec_attr_str(r, "/problem/x0", "coordinates", "block block_row block_col");
        if (pb->xstar)
            rec_attr_str(r, "/problem/xstar", "coordinates", "block block_row block_col");
    }
    if (pb->spectrum) {        /* eigenvalues ascending: axis `mode`, not a coordinate */
        rec_array(r, "/problem/spectrum", 1, &n, pb->spectrum, NULL);
        rec_dims(r, "/problem/spectrum", 1, mode);
    }
    return rec_status(r);
}
