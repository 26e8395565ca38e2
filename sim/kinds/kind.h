/* sim/kinds/kind.h — the experiment-kind vtable and the run context handed to a kind. A kind is a
 * const kind_type (its section, keys, checks, run and merge); kinds/registry.c lists them all. */
#ifndef OPTDYN_KIND_H
#define OPTDYN_KIND_H

#include <stddef.h>
#include <stdio.h>

#include "../core/problem.h"
#include "../input/config.h"
#include "../input/param.h"
#include "../output/rec.h"
#include "progress.h"

/* Everything a kind's run needs, built once by the caller (the CLI, a test): the validated
 * experiment, the built problem, the output file and how to run. */
typedef struct sim_ctx {
    const config *c;          /* the experiment: optimizers (c->opt), seed, kind keys (c->kp) */
    const problem *pb;        /* built from c->problem with the experiment's seed */
    rec *r;                   /* output file; NULL on MPI ranks other than 0 */
    int threads;              /* worker threads (results never depend on it) */
    /* Kinds with KIND_CELLS only: */
    const char *journal;      /* journal of finished cells (OUT.h5.journal) */
    int resume;               /* replay the journal first */
    size_t shard, nshards;    /* compute only cells with index % nshards == shard (1: all) */
    sim_progress_fn progress; /* may be NULL; every kind reports through it (progress.h) */
    void *user;
    /* Filled by the kind: why it failed, and a line worth telling the user on success. */
    char *err;
    size_t errlen;
    char note[256];
} sim_ctx;

enum {
    KIND_CELLS = 1u << 0,     /* independent cells: --resume, --shard, MPI ranks, merge */
    /* No budget, but a learning-rate schedule (no weight decay, l2 or clipping) whose length the
     * kind ties to each run's own step count (kind = flow: a schedule is a change of time). */
    KIND_SCHEDULE_PER_RUN = 1u << 1
};

typedef struct kind_type {
    const char *name;         /* [experiment] kind = name */
    const char *summary;      /* one line for `optdyn list` */
    const char *section;      /* the kind's own section, e.g. "sweep" */
    const param_spec *specs;  /* its keys; they point into a block of params_size bytes */
    size_t params_size;
    unsigned flags;           /* KIND_* */
    /* Optional: why [optimizer NAME] `key` may not be written under this kind (it is an axis
     * of the kind or fixed by it), else NULL. A reserved lr is not required. */
    const char *(*reserved_key)(const config *c, const char *key);
    /* Optional: values the kind fixes in each optimizer before its section is read. */
    void (*prepare_optimizer)(cfg_optimizer *o);
    /* Optional: checks across sections once everything is read; returns the key at fault (with
     * its section and why it is wrong), or NULL when consistent. */
    const char *(*check)(const config *c, char *section, size_t slen, char *why, size_t len);
    /* Optional: rewrites the optimizer list before check and the optimizers' checks, so these
     * see every variant (a sweep's variant grid); OD_EINPUT with section/key/why set when the
     * file asks for the impossible. */
    int (*expand)(config *c, char *section, size_t slen, char *key, size_t klen, char *why,
                  size_t len);
    /* Optional: the step budget of each run (a schedule's default length T); a kind without
     * it runs no schedule, weight decay or clipping (config.c refuses those keys). */
    long (*budget)(const config *c);
    /* Runs the experiment, writing its own groups into x->r. OD_EINPUT: the input cannot be
     * run (x->err says why); other failures OD_E*. */
    int (*run)(sim_ctx *x);
    /* Optional (KIND_CELLS): combine the shard files written by `run --shard i/n` into x->r;
     * OD_EINPUT when the shards do not fit together. */
    int (*merge)(sim_ctx *x, const char *const *shards, size_t nshards);
    /* Optional: closed-form predictions without running (`optdyn theory`), as text on out. */
    int (*theory)(sim_ctx *x, FILE *out);
} kind_type;

extern const kind_type *const kind_types[];    /* NULL-terminated registry */

const kind_type *kind_lookup(const char *name);
/* "trajectory, sweep, ..." into buf. */
void kind_names(char *buf, size_t len, const char *sep);

#endif
