/* sim/kinds/sweep_config.c — the [sweep] section: its keys, and the checks a sweep needs across
 * sections (exact mode needs a problem with an exact engine and optimizers with a quadratic model). */
#include "sweep.h"
#include "../theory/exact.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const mode_names[] = { "montecarlo", "exact", NULL };
static const char *const refine_names[] = { "none", "golden", NULL };
static const char *const metric_names[] = { "train_loss", "test_accuracy", NULL };

const param_spec sweep_specs[] = {
    { "batch", PARAM_GRID, offsetof(sweep_params, batch), NULL, 1, INFINITY, PARAM_ALLOW_INF, NULL,
      "batch sizes (required), e.g. pow2(0,21), inf" },
    { "lr", PARAM_GRID, offsetof(sweep_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "learning rates (required), e.g. logspace(-5,0.5,100); overrides each optimizer's lr" },
    { "momentum", PARAM_GRID, offsetof(sweep_params, momentum), NULL, 0, 1, PARAM_HI_OPEN |
      PARAM_OPTIONAL, NULL, "momentum grid, e.g. 1 - logspace(-3,0,10): each momentum optimizer "
      "runs once per value (variants NAME@mu=VALUE), and best_tuned takes the best over them" },
    { "axis", PARAM_STRING, offsetof(sweep_params, axis), "", 0, 0, 0, NULL,
      "other optimizer keys (e.g. lr_ratio, beta2, eps; up to 3, separated by commas) swept like "
      "momentum over `values` (first key), `values2`, `values3`: variants NAME@K1=V1,K2=V2 over "
      "the product grid, best_tuned takes the best over them" },
    { "values", PARAM_GRID, offsetof(sweep_params, values), NULL, -1e300, 1e300, PARAM_OPTIONAL,
      NULL, "the grid of `axis`'s first key (each value checked against the key's range)" },
    { "values2", PARAM_GRID, offsetof(sweep_params, values2), NULL, -1e300, 1e300,
      PARAM_OPTIONAL, NULL, "the grid of `axis`'s second key" },
    { "values3", PARAM_GRID, offsetof(sweep_params, values3), NULL, -1e300, 1e300,
      PARAM_OPTIONAL, NULL, "the grid of `axis`'s third key" },
    { "target", PARAM_GRID, offsetof(sweep_params, target), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "target losses (required; test accuracies with target_metric = test_accuracy); "
      "steps-to-target is recorded for each" },
    { "target_metric", PARAM_CHOICE, offsetof(sweep_params, target_metric), "train_loss", 0, 0, 0,
      metric_names, "what a target is: train_loss (reached when the training loss <= target) or "
      "test_accuracy (Monte Carlo on a problem with a test set: reached when the test accuracy "
      ">= target, a fraction in (0, 1])" },
    { "seeds", PARAM_INT, offsetof(sweep_params, seeds), "1", 1, 1e6, 0, NULL,
      "Monte Carlo replicates per cell (exact mode: 1)" },
    { "max_steps", PARAM_INT, offsetof(sweep_params, max_steps), "1e6", 1, 1e15, 0, NULL,
      "a target not reached by this step counts as not reached (-1)" },
    { "mode", PARAM_CHOICE, offsetof(sweep_params, mode), "montecarlo", 0, 0, 0, mode_names,
      "montecarlo (simulate every cell) or exact (expected-loss recursions, nqm only)" },
    { "refine", PARAM_CHOICE, offsetof(sweep_params, refine), "golden", 0, 0, 0, refine_names,
      "lr_opt between grid points: golden (exact: golden-section search on log lr; montecarlo: "
      "parabola through the grid optimum and its neighbours) or none" },
    { "eval_every", PARAM_INT, offsetof(sweep_params, eval_every), "1", 1, 1e9, 0, NULL,
      "Monte Carlo: check the loss against the targets every k steps" },
    { "diverge_factor", PARAM_REAL, offsetof(sweep_params, diverge_factor), "1e6", 1, 1e300,
      PARAM_LO_OPEN, NULL, "a cell diverges when loss > diverge_factor * |initial loss| or not finite" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

/* Has optimizer type t quadratic model `model` (-1: any model but none)? */
static int quad_is(const opt_type *t, int model)
{
    return t->quadratic != OPT_QUAD_NONE && (model < 0 || (int)t->quadratic == model);
}

/* "a, b and c": the names of the optimizer types with quadratic model `model`. */
static void quad_names(int model, char *buf, size_t len)
{
    size_t n = 0, k = 0, used = 0;
    for (size_t i = 0; opt_types[i]; i++)
        n += (size_t)quad_is(opt_types[i], model);
    buf[0] = '\0';
    for (size_t i = 0; opt_types[i] && used < len; i++)
        if (quad_is(opt_types[i], model)) {
            k++;
            used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                     k == 1 ? "" : k == n ? " and " : ", ", opt_types[i]->name);
        }
}

/* target_metric = test_accuracy: Monte Carlo, a problem with a test set, targets in (0, 1]. */
static const char *sweep_metric_check(const config *c, char *why, size_t len)
{
    const sweep_params *sp = sweep_params_of(c);
    const problem_type *pt = problem_types[c->problem.type];
    if (sp->target_metric != TARGET_TEST_ACCURACY)
        return NULL;
    if (sp->mode == SWEEP_EXACT) {
        snprintf(why, len, "test_accuracy needs mode = montecarlo (exact mode follows the "
                 "expected training loss), got mode = exact");
        return "target_metric";
    }
    if (!pt->test_eval) {
        size_t used = 0;
        char names[256] = "";
        for (size_t i = 0; problem_types[i] && used < sizeof names; i++)
            if (problem_types[i]->test_eval)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         used ? " or " : "", problem_types[i]->name);
        snprintf(why, len, "test_accuracy needs a problem with a test set (%s), got '%s'; use "
                 "train_loss", names, pt->name);
        return "target_metric";
    }
    for (size_t t = 0; t < sp->target.n; t++)
        if (sp->target.v[t] > 1.0) {
            snprintf(why, len, "with target_metric = test_accuracy, expected accuracies in (0, 1], "
                     "got %g", sp->target.v[t]);
            return "target";
        }
    return NULL;
}

/* mode = exact: what keeps optimizer o from an exact recursion on pt (the key), or NULL. */
static const char *exact_opt_check(const problem_type *pt, const exact_engine *engine,
                                   const cfg_optimizer *o, char *why, size_t len)
{
    char names[512];
    const opt_type *t = o->type;
    if (t->quadratic == OPT_QUAD_NONE) {
        quad_names(-1, names, sizeof names);
        snprintf(why, len, "mode = exact supports %s, got '%s'", names, t->name);
        return "type";
    }
    const opt_train *tr = &o->p.train;
    const exact_engine *with = exact_engine_for(pt, &o->p);
    if (opt_train_active(tr) && (!with || !with->supports(pt, t, &o->p))) {
        if (tr->clip_norm > 0)
            snprintf(why, len, "mode = exact has no recursion with clipping (use mode = "
                     "montecarlo)");
        else
            snprintf(why, len, "mode = exact has no recursion with these keys on problem %s "
                     "(schedules: nqm, quadratic and gaussreg; weight decay and l2: nqm and "
                     "quadratic; else use mode = montecarlo)", pt->name);
        return tr->clip_norm > 0 ? "clip_norm" : tr->schedule ? "schedule"
               : tr->warmup > 0 ? "warmup" : tr->weight_decay > 0 ? "weight_decay"
               : tr->l2 > 0 ? "l2" : "lr_ratio";
    }
    if (!opt_train_active(tr) && !engine->supports(pt, t, &o->p)) {
        quad_names(OPT_QUAD_PRECOND, names, sizeof names);
        snprintf(why, len, "mode = exact supports iterate averaging with %s only", names);
        return "ema";
    }
    return NULL;
}

const char *sweep_config_check(const config *c, char *section, size_t slen, char *why, size_t len)
{
    const sweep_params *sp = sweep_params_of(c);
    const problem_type *pt = problem_types[c->problem.type];
    char names[512];
    snprintf(section, slen, "sweep");
    const char *bad = sweep_metric_check(c, why, len);
    if (bad || sp->mode != SWEEP_EXACT)
        return bad;
    const exact_engine *engine = exact_engine_of(pt);
    if (!engine) {
        size_t used = 0;
        names[0] = '\0';
        for (size_t i = 0; problem_types[i] && used < sizeof names; i++)
            if (exact_engine_of(problem_types[i]))
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         used ? " or " : "", problem_types[i]->name);
        snprintf(section, slen, "problem");
        snprintf(why, len, "mode = exact needs type = %s (expected-loss recursions), got '%s'",
                 names, pt->name);
        return "type";
    }
    if (sp->seeds != 1) {
        snprintf(why, len, "mode = exact has no randomness: expected 1, got %ld", sp->seeds);
        return "seeds";
    }
    for (size_t i = 0; i < c->nopt; i++) {
        const cfg_optimizer *o = &c->opt[i];
        bad = exact_opt_check(pt, engine, o, why, len);
        if (bad) {
            size_t used = strlen(why);
            snprintf(section, slen, "optimizer %s", o->section);
            if (strcmp(o->name, o->section) != 0 && used < len)
                snprintf(why + used, len - used, " (in its variant %s of the [sweep] grid)",
                         o->name);
            return bad;
        }
    }
    return NULL;
}
