/* optimizers/schedule.h — training practice around any update rule: the learning-rate schedule
 * lr_t = lr * s(t), weight decay (decoupled and coupled L2) and gradient clipping, read from the
 * same keys in every [optimizer NAME] section (opt_train_specs) and applied by sim/core/replicate.c. */
#ifndef OPTDYN_SCHEDULE_H
#define OPTDYN_SCHEDULE_H

#include "../sim/input/param.h"

/* Schedule shapes, in the order of the key's words (opt_schedule_names). */
enum { SCHED_CONSTANT, SCHED_COSINE, SCHED_LINEAR, SCHED_WSD, SCHED_STEP, SCHED_RSQRT };
/* WSD cooldown shapes (opt_decay_shape_names). */
enum { SHAPE_LINEAR, SHAPE_COSINE, SHAPE_SQRT };

typedef struct opt_train {
    int schedule;           /* key schedule */
    long warmup;            /* key warmup: W steps of linear warmup */
    long length;            /* key schedule_steps: T (0: the kind's step budget) */
    double final_fraction;  /* key final_fraction: f, s(T) = f for cosine, linear, wsd */
    double decay_fraction;  /* key decay_fraction: wsd cooldown D = round(decay_fraction*T) */
    long decay_steps;       /* key decay_steps: wsd cooldown D in steps (0: decay_fraction) */
    int decay_shape;        /* key decay_shape: wsd cooldown shape */
    long step_every;        /* key step_every: step schedule period */
    double step_factor;     /* key step_factor: step schedule factor per period */
    double weight_decay;    /* key weight_decay: decoupled, x <- x - lr_t*wd*x */
    double l2;              /* key l2: coupled, g <- g + l2*x */
    double clip_norm;       /* key clip_norm: 0 off, else g <- g*min(1, c/|g|) */
    int clip_per_block;     /* key clip_per_block: clip each parameter block separately */
    double lr_ratio;        /* key lr_ratio: blocks lr_ratio_from, ... step with lr*lr_ratio */
    long lr_ratio_from;     /* key lr_ratio_from: first block (0-based, layout order) scaled */
    long T;                 /* resolved schedule length (opt_train_resolve), not a key */
} opt_train;

/* The keys above, offsets relative to the opt_train; config.c shifts them into opt_params. */
extern const param_spec opt_train_specs[];
extern const char *const opt_schedule_names[];
extern const char *const opt_decay_shape_names[];

/* Does the lr differ between parameter blocks (lr_ratio set and != 1)? */
int opt_train_block_lr(const opt_train *tr);
/* Is anything besides a constant lr set? Is the lr not constant? Does the gradient change? */
int opt_train_active(const opt_train *tr);
int opt_train_scheduled(const opt_train *tr);
int opt_train_grad_wrapped(const opt_train *tr);
/* Resolve T (budget: the kind's step budget, 0 when it has none) and check the keys together;
 * returns the key at fault with why, or NULL. */
const char *opt_train_resolve(opt_train *tr, long budget, char *why, size_t len);
/* The wsd cooldown length D of a resolved train. */
long opt_schedule_cooldown(const opt_train *tr);
/* s(t), the factor of lr at step t = 1, 2, ... (t < 1 is read as t = 1). */
double opt_schedule_factor(const opt_train *tr, long t);

#endif
