/* sim/kinds/sweep_config.c — the [sweep] section: its keys, and the checks a sweep needs across
 * sections (exact mode exists for the NQM with sgd, momentum and precond only). */
#include "sweep.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const mode_names[] = { "montecarlo", "exact", NULL };
static const char *const refine_names[] = { "none", "golden", NULL };

const param_spec sweep_specs[] = {
    { "batch", PARAM_GRID, offsetof(sweep_params, batch), NULL, 1, INFINITY, PARAM_ALLOW_INF, NULL,
      "batch sizes (required), e.g. pow2(0,21), inf" },
    { "lr", PARAM_GRID, offsetof(sweep_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "learning rates (required), e.g. logspace(-5,0.5,100); overrides each optimizer's lr" },
    { "momentum", PARAM_GRID, offsetof(sweep_params, momentum), NULL, 0, 1, PARAM_HI_OPEN |
      PARAM_OPTIONAL, NULL, "momentum grid, e.g. 1 - logspace(-3,0,10): each momentum optimizer "
      "runs once per value (variants NAME@mu=VALUE), and best_tuned takes the best over them" },
    { "target", PARAM_GRID, offsetof(sweep_params, target), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "target losses (required); steps-to-target is recorded for each" },
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

int sweep_expand_momentum(config *c)
{
    const param_list *mu = &sweep_params_of(c)->momentum;
    size_t total = 0, with = 0;
    for (size_t i = 0; i < c->nopt; i++) {
        int has = param_find(c->opt[i].type->params, "momentum") != NULL;
        total += has ? mu->n : 1;
        with += has;
    }
    if (!with)
        return OD_EINPUT;
    cfg_optimizer *v = calloc(total, sizeof *v);
    if (!v)
        return OD_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < c->nopt; i++) {
        if (!param_find(c->opt[i].type->params, "momentum")) {
            v[k++] = c->opt[i];
            continue;
        }
        for (size_t j = 0; j < mu->n; j++, k++) {
            v[k] = c->opt[i];
            v[k].p.mu = mu->v[j];
            snprintf(v[k].name, sizeof v[k].name, "%s@mu=%.6g", c->opt[i].section, mu->v[j]);
        }
    }
    free(c->opt);
    c->opt = v;
    c->nopt = total;
    return OD_OK;
}

const char *sweep_config_check(const config *c, char *section, size_t slen, char *why, size_t len)
{
    const sweep_params *sp = sweep_params_of(c);
    snprintf(section, slen, "sweep");
    if (sp->mode != SWEEP_EXACT)
        return NULL;
    if (strcmp(problem_types[c->problem.type]->name, "nqm") != 0) {
        snprintf(section, slen, "problem");
        snprintf(why, len, "mode = exact needs type = nqm (expected-loss recursions), got '%s'",
                 problem_types[c->problem.type]->name);
        return "type";
    }
    if (sp->seeds != 1) {
        snprintf(why, len, "mode = exact has no randomness: expected 1, got %ld", sp->seeds);
        return "seeds";
    }
    for (size_t i = 0; i < c->nopt; i++) {
        const char *t = c->opt[i].type->name;
        if (strcmp(t, "sgd") && strcmp(t, "momentum") && strcmp(t, "precond")) {
            snprintf(section, slen, "optimizer %s", c->opt[i].name);
            snprintf(why, len, "mode = exact supports sgd, momentum and precond, got '%s'", t);
            return "type";
        }
        if (!strcmp(t, "momentum") && c->opt[i].p.ema > 0) {
            snprintf(section, slen, "optimizer %s", c->opt[i].name);
            snprintf(why, len, "mode = exact supports iterate averaging with sgd and precond only");
            return "ema";
        }
    }
    return NULL;
}
