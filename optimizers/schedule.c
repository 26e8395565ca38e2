/* optimizers/schedule.c — the learning-rate schedules and the checks of the training-practice
 * keys (schedule.h). With t = 1, 2, ... the step, W the warmup, T the schedule length, f the
 * final fraction, lr_t = lr * s(t) where
 *   warmup     t <= W:  s = t/W                   (W = 0: none; W = 1: s(1) = 1)
 *   and for t > W, with u = min(1, (t - W)/(T - W)) the progress after the warmup:
 *   constant            s = 1
 *   cosine              s = f + (1 - f) (1 + cos(pi u))/2
 *   linear              s = 1 - (1 - f) u
 *   wsd                 s = 1 for t <= T - D, else with v = min(1, (t - (T - D))/D) the
 *                       cooldown progress: linear 1 - (1 - f) v, cosine f + (1 - f)(1 + cos(pi v))/2,
 *                       sqrt f + (1 - f)(1 - sqrt(v));  D = decay_steps or round(decay_fraction*T)
 *   step                s = step_factor^floor((t - W - 1)/step_every)
 *   rsqrt               s = sqrt(max(W, 1)/t)      (continuous at t = W: s = 1)
 * The peak lr_t = lr is reached at t = W (t = 1 without warmup); past T the value stays s(T). */
#include "schedule.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

static const double PI = 3.14159265358979323846;

const char *const opt_schedule_names[] = { "constant", "cosine", "linear", "wsd", "step", "rsqrt",
                                           NULL };
const char *const opt_decay_shape_names[] = { "linear", "cosine", "sqrt", NULL };

#define TR(f) offsetof(opt_train, f)
const param_spec opt_train_specs[] = {
    { "schedule", PARAM_CHOICE, TR(schedule), "constant", 0, 0, 0, opt_schedule_names,
      "lr schedule lr_t = lr*s(t), lr the peak (docs/config.md: formulas)" },
    { "warmup", PARAM_INT, TR(warmup), "0", 0, 1e15, 0, NULL,
      "steps W of linear warmup s = t/W before the schedule (0: none)" },
    { "schedule_steps", PARAM_INT, TR(length), "0", 0, 1e15, 0, NULL,
      "schedule length T in steps (0: the run's budget, [run] steps or [sweep] max_steps)" },
    { "final_fraction", PARAM_REAL, TR(final_fraction), "0", 0, 1, 0, NULL,
      "cosine, linear, wsd: s(T) = final_fraction" },
    { "decay_fraction", PARAM_REAL, TR(decay_fraction), "0.2", 0, 1, PARAM_LO_OPEN, NULL,
      "wsd: cooldown over the last round(decay_fraction*T) steps" },
    { "decay_steps", PARAM_INT, TR(decay_steps), "0", 0, 1e15, 0, NULL,
      "wsd: cooldown over the last decay_steps steps (0: decay_fraction)" },
    { "decay_shape", PARAM_CHOICE, TR(decay_shape), "linear", 0, 0, 0, opt_decay_shape_names,
      "wsd: shape of the cooldown" },
    { "step_every", PARAM_INT, TR(step_every), "0", 0, 1e15, 0, NULL,
      "step: multiply lr by step_factor every step_every steps (required with schedule = step)" },
    { "step_factor", PARAM_REAL, TR(step_factor), "0.1", 0, 1, PARAM_LO_OPEN, NULL,
      "step: factor per step_every steps" },
    { "weight_decay", PARAM_REAL, TR(weight_decay), "0", 0, 1e300, 0, NULL,
      "decoupled weight decay wd: x <- x*(1 - lr_t*wd) + dx (torch AdamW convention)" },
    { "l2", PARAM_REAL, TR(l2), "0", 0, 1e300, 0, NULL,
      "coupled L2: every gradient the rule evaluates gets + l2*x (after clipping)" },
    { "clip_norm", PARAM_REAL, TR(clip_norm), "0", 0, 1e300, 0, NULL,
      "clip every gradient the rule evaluates to norm <= clip_norm (0: off)" },
    { "clip_per_block", PARAM_CHOICE, TR(clip_per_block), "no", 0, 0, 0, param_yes_no,
      "clip_norm applies to each parameter block of the problem separately" },
    { "lr_ratio", PARAM_REAL, TR(lr_ratio), "1", 0, 1e300, PARAM_LO_OPEN, NULL,
      "per-block lr: the problem's parameter blocks lr_ratio_from, ... step with lr*lr_ratio "
      "(their update dx and weight decay are scaled; LoRA+: lr_B/lr_A)" },
    { "lr_ratio_from", PARAM_INT, TR(lr_ratio_from), "1", 0, 7, 0, NULL,
      "first block (0-based, in the problem's layout order) that lr_ratio scales" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

int opt_train_scheduled(const opt_train *tr)
{
    return tr->schedule != SCHED_CONSTANT || tr->warmup > 0;
}

int opt_train_grad_wrapped(const opt_train *tr)
{
    return tr->l2 > 0 || tr->clip_norm > 0;
}

int opt_train_block_lr(const opt_train *tr)
{
    return tr->lr_ratio > 0.0 && tr->lr_ratio != 1.0;   /* 0: a zeroed block, no key read */
}

int opt_train_active(const opt_train *tr)
{
    return opt_train_scheduled(tr) || opt_train_grad_wrapped(tr) || tr->weight_decay > 0 ||
           opt_train_block_lr(tr);
}

long opt_schedule_cooldown(const opt_train *tr)
{
    return tr->decay_steps > 0 ? tr->decay_steps : lround(tr->decay_fraction * (double)tr->T);
}

const char *opt_train_resolve(opt_train *tr, long budget, char *why, size_t len)
{
    tr->T = tr->length > 0 ? tr->length : budget;
    int needs_T = tr->schedule == SCHED_COSINE || tr->schedule == SCHED_LINEAR ||
                  tr->schedule == SCHED_WSD;
    if (needs_T && tr->T <= 0) {
        snprintf(why, len, "schedule = %s needs a length: this kind has no step budget, so set "
                 "schedule_steps > 0", opt_schedule_names[tr->schedule]);
        return "schedule_steps";
    }
    if (needs_T && tr->T <= tr->warmup) {
        snprintf(why, len, "expected warmup < the schedule length T = %ld, got %ld", tr->T,
                 tr->warmup);
        return "warmup";
    }
    if (tr->schedule == SCHED_WSD) {
        long D = opt_schedule_cooldown(tr);
        if (D < 1 || D > tr->T - tr->warmup) {
            snprintf(why, len, "wsd: expected a cooldown of 1 to T - warmup = %ld steps, got %ld",
                     tr->T - tr->warmup, D);
            return tr->decay_steps > 0 ? "decay_steps" : "decay_fraction";
        }
    }
    if (tr->schedule == SCHED_STEP && tr->step_every < 1) {
        snprintf(why, len, "schedule = step needs step_every >= 1");
        return "step_every";
    }
    return NULL;
}

/* Value of a decay from 1 at progress 0 to f at progress 1. */
static double decay(int shape, double f, double u)
{
    switch (shape) {
    case SHAPE_COSINE:
        return f + (1.0 - f) * 0.5 * (1.0 + cos(PI * u));
    case SHAPE_SQRT:
        return f + (1.0 - f) * (1.0 - sqrt(u));
    default:
        return 1.0 - (1.0 - f) * u;
    }
}

double opt_schedule_factor(const opt_train *tr, long t)
{
    long W = tr->warmup, T = tr->T;
    if (t < 1)
        t = 1;
    if (t <= W)
        return (double)t / (double)W;
    double u = fmin(1.0, (double)(t - W) / (double)(T - W));
    switch (tr->schedule) {
    case SCHED_COSINE:
        return decay(SHAPE_COSINE, tr->final_fraction, u);
    case SCHED_LINEAR:
        return decay(SHAPE_LINEAR, tr->final_fraction, u);
    case SCHED_WSD: {
        long D = opt_schedule_cooldown(tr), S = T - D;
        if (t <= S)
            return 1.0;
        return decay(tr->decay_shape, tr->final_fraction, fmin(1.0, (double)(t - S) / (double)D));
    }
    case SCHED_STEP:
        return pow(tr->step_factor, (double)((t - W - 1) / tr->step_every));
    case SCHED_RSQRT:
        return sqrt((double)(W > 1 ? W : 1) / (double)t);
    default:
        return 1.0;
    }
}
