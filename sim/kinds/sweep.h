/* sim/kinds/sweep.h — the sweep driver (kind = sweep): every cell (optimizer, batch, lr, replicate) is
 * a run to one or several target losses, computed in parallel, journaled as it finishes, then
 * reduced to the best learning rate per batch size. Results never depend on the thread count. */
#ifndef OPTDYN_SWEEP_H
#define OPTDYN_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "../input/config.h"
#include "../core/problem.h"
#include "../output/rec.h"
#include "progress.h"

enum { SWEEP_MONTECARLO, SWEEP_EXACT };
enum { REFINE_NONE, REFINE_GOLDEN };
enum { TARGET_TRAIN_LOSS, TARGET_TEST_ACCURACY };

typedef struct sweep_params {
    param_list batch;        /* batch sizes (inf allowed) */
    param_list lr;           /* learning rates */
    param_list momentum;     /* momentum grid (optional): momentum optimizers become variants */
    char axis[PARAM_STRING_MAX];   /* other optimizer keys swept like momentum: "K1, K2, ..." */
    param_list values;       /* the grid of axis's first key */
    param_list values2, values3;   /* of its second and third (a product grid) */
    long seeds;              /* Monte Carlo replicates */
    param_list target;       /* target losses (or test accuracies) */
    int target_metric;       /* TARGET_TRAIN_LOSS: loss <= target; TARGET_TEST_ACCURACY: >= */
    long max_steps;          /* give up (steps = -1) beyond this */
    int mode;                /* SWEEP_MONTECARLO or SWEEP_EXACT */
    int refine;              /* how lr_opt is refined around the grid optimum */
    long eval_every;         /* Monte Carlo: loss checked every k steps */
    double diverge_factor;
} sweep_params;

extern const param_spec sweep_specs[];          /* [sweep] keys */
/* The [sweep] keys of an experiment of this kind. */
static inline const sweep_params *sweep_params_of(const config *c) { return c->kp; }

#define SWEEP_AXES_MAX 3      /* keys in [sweep] axis: values, values2, values3 */
#define SWEEP_KEYS_MAX 4      /* swept keys: momentum and the axis keys */
#define SWEEP_KEY_LEN 64      /* longest key name + 1 */

/* The swept optimizer keys of a sweep: momentum (its grid given) first, then axis's keys in
 * order, each with its grid. Variants run over their product, the last key fastest. */
typedef struct sweep_keys {
    size_t n;                                 /* 0: no variant grid */
    char key[SWEEP_KEYS_MAX][SWEEP_KEY_LEN];  /* optimizer key names */
    const param_list *grid[SWEEP_KEYS_MAX];   /* into the sweep_params */
} sweep_keys;

/* The swept keys of sp (after sweep_keys_check: as valid). */
void sweep_keys_of(const sweep_params *sp, sweep_keys *k);
/* Is key one of axis's keys with its grid given? */
int sweep_axis_lists(const sweep_params *sp, const char *key);
/* The [sweep] keys alone: axis well formed (at most SWEEP_AXES_MAX distinct keys, none of them
 * a [sweep] key), each key with its grid (values, values2, values3) and no grid without one, no
 * two values of a grid alike in a variant name (%.6g). The [sweep] key at fault, or NULL. */
const char *sweep_keys_check(const sweep_params *sp, char *why, size_t len);
/* With a variant grid (momentum and/or axis with its values), replace each optimizer that has
 * some of the swept keys by one variant per point of the product of their grids, named
 * NAME@mu=V (momentum), NAME@K1=V1,K2=V2 (keys it has, in sweep_keys order); optimizers
 * without any swept key stay. OD_EINPUT: a key that no optimizer has, a value out of its key's
 * range, a name beyond cfg_optimizer's name (why says which; *bad: the [sweep] key at fault). */
int sweep_expand_variants(config *c, char *why, size_t len, const char **bad);
/* The value of key in optimizer o (its type's keys, then the shared training keys). */
double sweep_opt_key(const cfg_optimizer *o, const char *key);

/* Checks of a sweep against the problem and optimizers: the key at fault, or NULL. */
const char *sweep_config_check(const config *c, char *section, size_t slen, char *why, size_t len);

/* One cell's coordinates; cell = ((o*NB + b)*NL + l)*S + s (sweep_result below). */
typedef struct sweep_cell_index {
    size_t o, b, l, s;
} sweep_cell_index;

typedef struct sweep_result {
    size_t O, NB, NL, S, T, cells;      /* cells = O*NB*NL*S, index ((o*NB + b)*NL + l)*S + s */
    double *steps;                      /* [cells][T] first step below each target, -1 if never */
    double *final_loss;                 /* [cells] loss where the cell stopped */
    double *diverged_at;                /* [cells] step of divergence, -1 if none */
    unsigned char *done;                /* [cells] computed (or replayed from the journal) */
    double *steps_median, *steps_q1, *steps_q3;   /* [O][NB][NL][T] over replicates, -1: inf */
    double *lr_grid, *lr_opt;           /* [O][NB][T] best grid lr, refined lr */
    double *best_steps, *examples;      /* [O][NB][T] steps at the optimum, batch*steps */
    double *stationary;                 /* exact mode: [O][NB][NL] lim E[L(x_k)], inf unstable */
    size_t replayed;                    /* cells taken from the journal */
    /* with a variant grid: the best over every variant of a section, [NS][NB][T] */
    size_t NS;                          /* sections (0 without a variant grid) */
    size_t NK;                          /* swept keys (sweep_keys) */
    size_t *section_of;                 /* [O] section index of each optimizer variant */
    double *tuned_lr, *tuned_steps, *tuned_examples;
    double *tuned_key[SWEEP_KEYS_MAX];  /* [NK]: the chosen value of each swept key */
} sweep_result;

int sweep_result_alloc(sweep_result *res, const config *c);
void sweep_result_free(sweep_result *res);

/* Fingerprint of the effective experiment (every key after --set, version, shape). */
uint64_t sweep_fingerprint(const config *c);

typedef struct sweep_run_opts {
    int threads;                 /* worker threads */
    const char *journal;         /* journal path */
    int resume;                  /* replay the journal first */
    size_t shard, nshards;       /* compute only cells with cell % nshards == shard (1: all) */
    sim_progress_fn progress;    /* may be NULL: "cells" done of owned, after each (serialized) */
    void *user;
} sweep_run_opts;

/* Expected work of a cell, for the progress's estimate of the time left. Monte Carlo: max_steps
 * x (work_of_step(B) + work_of_loss / eval_every); exact mode: an engine that steps (scan),
 * n max_steps; a closed-form engine, n x targets x log2(max_steps + 1) (the bisections). Cells
 * that stop early cost less, which this prior cannot know. */
double sweep_cell_work(const config *c, const problem *pb, const sweep_result *shape, size_t cell);

/* Compute every owned cell that is not done, appending each to the journal. */
int sim_sweep(const config *c, const problem *pb, const sweep_run_opts *opt, sweep_result *res,
              char *err, size_t len);

/* The coordinates of a cell, and a cell from its coordinates. */
sweep_cell_index sweep_split(const sweep_result *res, size_t cell);
size_t sweep_cell_of(const sweep_result *res, size_t o, size_t b, size_t l, size_t s);

/* Exact mode: the stationary risk of every (optimizer, batch, lr) into res->stationary, on
 * `threads` threads (the same values for any number). */
int sweep_stationary(const config *c, const problem *pb, int threads, sweep_result *res);

/* After every cell is known: best lr per batch (threads), the stationary risks (exact mode),
 * then /sweep and /fit into r. */
int sweep_finish(rec *r, const config *c, const problem *pb, int threads, sweep_result *res);

/* Is cell owned by shard `shard` of `nshards`? (Round robin: neighbours differ in cost.) */
int sweep_owns(size_t cell, size_t shard, size_t nshards);

/* Best lr per (optimizer, batch, target): minimum steps (median over replicates) on the grid,
 * then refined as [sweep] refine says; in parallel over up to threads threads. */
int sim_sweep_best(const config *c, const problem *pb, int threads, sweep_result *res);

/* /sweep/... datasets, axes and attributes (docs/hdf5-schema.md). partial: a shard's file, with
 * the cells it holds marked in /sweep/done and no best-lr reduction. */
int sweep_write(rec *r, const config *c, const sweep_result *res, int partial);

/* One cell, exposed for tests: fills steps[T], *final_loss, *diverged_at. */
int sweep_cell(const config *c, const problem *pb, const double *s0, size_t cell,
               const sweep_result *shape, double *steps, double *final_loss, double *diverged_at);

#endif
