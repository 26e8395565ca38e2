/* sim/input/config.h — an experiment, fully validated: every key known, typed, in range, consistent.
 * Built from an INI file plus --set overrides; everything downstream trusts it. */
#ifndef OPTDYN_CONFIG_H
#define OPTDYN_CONFIG_H

#include <stddef.h>

#include "../../optimizers/opt.h"
#include "ini_read.h"
#include "param.h"
#include "../core/problem.h"

typedef enum { KIND_TRAJECTORY, KIND_SWEEP, KIND_FLOW, KIND_ONESTEP } experiment_kind;
extern const char *const experiment_kind_names[];

typedef struct experiment_params {
    int kind;
    long seed;
    char output[PARAM_STRING_MAX];
} experiment_params;

typedef struct run_params {
    long steps;
    double batch;            /* INFINITY: full batch / no noise */
    long record_every;
    double diverge_factor;   /* diverged when loss > diverge_factor * |initial loss| */
    int record_x;
    param_list landscape;    /* 2-D problems: xmin, xmax, ymin, ymax of the loss grid */
    long landscape_points;
    long noise_scale_every;          /* probe the gradient noise scale every k steps (0: never) */
    param_list noise_scale_batches;  /* small and big batch of the two-batch estimator */
    double noise_scale_ema;          /* EMA coefficient per probe */
    int noise_scale_exact;           /* also the exact B_simple, B_noise (N or n gradients) */
} run_params;

enum { SWEEP_MONTECARLO, SWEEP_EXACT };
enum { REFINE_NONE, REFINE_GOLDEN };

typedef struct sweep_params {
    param_list batch;        /* batch sizes (inf allowed) */
    param_list lr;           /* learning rates */
    param_list momentum;     /* momentum grid (optional): momentum optimizers become variants */
    long seeds;              /* Monte Carlo replicates */
    param_list target;       /* target losses */
    long max_steps;          /* give up (steps = -1) beyond this */
    int mode;                /* SWEEP_MONTECARLO or SWEEP_EXACT */
    int refine;              /* how lr_opt is refined around the grid optimum */
    long eval_every;         /* Monte Carlo: loss checked every k steps */
    double diverge_factor;
} sweep_params;

typedef struct flow_params {
    param_list lr;           /* the learning-rate ladder */
    double time;             /* continuous time T at which errors are measured */
    long points;             /* matched points of the recorded trajectories */
    param_list trajectory_lr;    /* whose trajectories are recorded (empty: smallest lr) */
    double tol;              /* ODE integrator tolerance (absolute and relative) */
    int integrator;          /* FLOW_RK8PD or FLOW_MSBDF (sim/flow.h) */
    double batch;            /* SDE part: batch size (inf: none) */
    long paths;              /* SDE part: Monte Carlo pairs per lr */
    long substeps;           /* SDE part: Euler-Maruyama steps per optimizer step */
    char limits[PARAM_STRING_MAX];   /* comma-separated limit names to run ("": all) */
    param_list landscape;    /* 2-D problems: as in run_params */
    long landscape_points;
} flow_params;

typedef struct onestep_params {
    param_list batch;        /* batch sizes */
    long samples;            /* Monte Carlo draws per batch size */
    int point;               /* ONESTEP_INIT or ONESTEP_MINIMIZER */
    long steady_steps;       /* frozen-gradient steps before steady-state sampling */
} onestep_params;

enum { ONESTEP_INIT, ONESTEP_MINIMIZER };

typedef struct cfg_optimizer {
    char name[96];           /* [optimizer NAME]'s NAME (variants: NAME@mu=...): HDF5 group, label */
    char section[64];        /* the NAME of its [optimizer NAME] section */
    const opt_type *type;
    opt_params p;
} cfg_optimizer;

typedef struct config {
    ini_doc *doc;            /* path, verbatim text, entries (with --set applied) */
    experiment_params exp;
    problem_params problem;
    run_params run;          /* kind = trajectory */
    sweep_params sweep;      /* kind = sweep */
    flow_params flow;        /* kind = flow */
    onestep_params onestep;  /* kind = onestep */
    cfg_optimizer *opt;      /* in file order */
    size_t nopt;
} config;

extern const param_spec experiment_specs[], run_specs[], sweep_specs[], flow_specs[],
    onestep_specs[];

/* With a [sweep] momentum grid, replace each optimizer that has a momentum key by one variant
 * per grid value (named NAME@mu=VALUE). */
int sweep_expand_momentum(config *c);

/* Checks of a sweep against the problem and optimizers: the key at fault, or NULL. */
const char *sweep_config_check(const config *c, char *section, size_t slen, char *why, size_t len);

/* Load, override and validate. On failure returns OD_EINPUT (message in err: file, line, key,
 * what was expected) or OD_ENOMEM, and *out = NULL. */
int config_load(const char *path, const char *const *sets, size_t nsets, config **out,
                char *err, size_t errlen);
/* The same from text in memory (text NULL: read path); path names it in messages. */
int config_load_from(const char *path, const char *text, const char *const *sets, size_t nsets,
                     config **out, char *err, size_t errlen);
void config_free(config *c);

#endif
