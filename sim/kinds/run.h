/* sim/kinds/run.h — the run loop of kind = trajectory: every optimizer from the same x0, with the same
 * per-step noise (common random numbers), recorded to /trajectory/<name>/. Divergence is data. */
#ifndef OPTDYN_RUN_H
#define OPTDYN_RUN_H

#include "../input/config.h"
#include "../core/problem.h"
#include "../output/rec.h"
#include "progress.h"

typedef struct run_params {
    long steps;
    double batch;            /* INFINITY: full batch / no noise */
    long record_every;
    double diverge_factor;   /* diverged when loss > diverge_factor * |initial loss| */
    int record_x;
    int expected;                    /* also E[L(x_t)] where the problem has an exact engine */
    param_list landscape;    /* 2-D problems: xmin, xmax, ymin, ymax of the loss grid */
    long landscape_points;
    long noise_scale_every;          /* probe the gradient noise scale every k steps (0: never) */
    param_list noise_scale_batches;  /* small and big batch of the two-batch estimator */
    double noise_scale_ema;          /* EMA coefficient per probe */
    int noise_scale_exact;           /* also the exact B_simple, B_noise (N or n gradients) */
    long update_sv_every;            /* singular values of the update's matrix blocks (0: never) */
    char full[PARAM_STRING_MAX];     /* optimizers run on the unfactorized problem (W itself) */
    char reference[PARAM_STRING_MAX];   /* optimizer whose W_t the others are compared to */
    long sharpness_every;            /* top-k Hessian eigenvalues every k steps (0: never) */
    long sharpness_k;                /* how many */
    long sharpness_iters;            /* most Lanczos iterations per probe */
    double sharpness_tol;            /* Lanczos residual tolerance, relative */
} run_params;

extern const param_spec run_specs[];          /* [run] keys */
/* The [run] keys of an experiment of this kind. */
static inline const run_params *run_params_of(const config *c) { return c->kp; }

/* Is name among the words of list (separated by commas or blanks)? */
int run_name_listed(const char *list, const char *name);

typedef struct run_outcome {
    long steps_done;       /* last step taken (== steps unless diverged) */
    long diverged_at;      /* step at which the loss left the finite/bounded range, -1 if never */
    double final_loss;
} run_outcome;

/* Axis-aligned box of a 2-D problem's interesting region (for the loss landscape). */
typedef struct run_box {
    double lo[2], hi[2];
} run_box;

/* Run and record one optimizer on pb (the caller picks the problem: [run] full); grows box (2-D
 * problems) by its iterates of bounded loss; wg: the weight gap to the [run] reference (column
 * weight_gap), or NULL. wm (may be NULL): its steps are reported as units `o->name`, each
 * step's work work_of_step(pb, [run] batch); the steps a diverged run skips leave the total. */
struct weight_gap;
int sim_run_optimizer(const config *c, const problem *pb, const cfg_optimizer *o, rec *r,
                      work_meter *wm, run_outcome *out, run_box *box,
                      struct weight_gap *wg);

/* The whole trajectory experiment: every optimizer, then /problem/landscape for 2-D problems;
 * progress (may be NULL) every 1024 steps, of work [run] steps x work_of_step per optimizer. */
int sim_run_trajectory(const config *c, const problem *pb, rec *r, sim_progress_fn progress,
                       void *user);

#endif
