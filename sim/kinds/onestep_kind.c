/* sim/kinds/onestep_kind.c — kind = onestep as a kind_type: the [onestep] keys, the optimizers'
 * lr fixed at 1 (the update direction is -dx/lr), and the run (sim/kinds/onestep_run.c). */
#include "../core/limits.h"
#include "../core/status.h"
#include "kind.h"
#include "onestep.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const onestep_points[] = { "init", "minimizer", NULL };

const param_spec onestep_specs[] = {
    { "batch", PARAM_GRID, offsetof(onestep_params, batch), NULL, 1, INFINITY, 0, NULL,
      "batch sizes B (required), e.g. pow2(0, 12)" },
    { "samples", PARAM_INT, offsetof(onestep_params, samples), "2000", 10, 1e9, 0, NULL,
      "Monte Carlo draws of the update direction per batch size" },
    { "point", PARAM_CHOICE, offsetof(onestep_params, point), "init", 0, 0, 0, onestep_points,
      "where the gradient is frozen: init (the problem's x0) or minimizer (pure noise)" },
    { "steady_steps", PARAM_INT, offsetof(onestep_params, steady_steps), "200", 0, 1e7, 0, NULL,
      "frozen-gradient steps before the steady-state direction of stateful optimizers is "
      "sampled (0: first step only)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

static const char *onestep_reserved_key(const config *c, const char *key)
{
    (void)c;
    return strcmp(key, "lr") ? NULL : "kind = onestep measures the optimal lr: do not set it";
}

static void onestep_prepare_optimizer(cfg_optimizer *o)
{
    o->p.lr = 1.0;
}

/* Finite-data and online problems draw whole examples: batch sizes must be integers they fit;
 * the per-cell direction statistics, (optimizers x 2 directions x batch sizes x 2 + batch
 * sizes) vectors of dim doubles, must fit in memory. */
static const char *onestep_check(const config *c, char *section, size_t slen, char *why,
                                 size_t len)
{
    const param_list *bs = &onestep_params_of(c)->batch;
    double nb = (double)bs->n;
    snprintf(section, slen, "onestep");
    if (config_batches_misfit(c, bs->n, bs->v, why, len))
        return "batch";
    return limits_bytes_misfit((4.0 * (double)c->nopt + 1.0) * nb, 8.0 * (double)c->problem.dim,
                               "the direction statistics ((4 x optimizers + 1) x batch sizes "
                               "vectors of dim doubles)", why, len) ? "batch" : NULL;
}

static int onestep_run(sim_ctx *x)
{
    return sim_run_onestep(x->c, x->pb, x->threads, x->progress, x->user, x->r, x->err,
                           x->errlen);
}

const kind_type kind_onestep = {
    .name = "onestep",
    .summary = "one-step optimal lr*(B) with the gradient frozen: Monte Carlo beside the closed "
               "forms",
    .section = "onestep",
    .specs = onestep_specs,
    .params_size = sizeof(onestep_params),
    .reserved_key = onestep_reserved_key,
    .prepare_optimizer = onestep_prepare_optimizer,
    .check = onestep_check,
    .run = onestep_run,
    .theory = onestep_theory,
};
