/* sim/kinds/trajectory_kind.c — kind = trajectory as a kind_type: the [run] keys, their checks
 * against the problem, and the run (sim/kinds/run.c) with progress per optimizer. */
#include "../core/status.h"
#include "kind.h"
#include "../core/limits.h"
#include "landscape.h"
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const param_spec run_specs[] = {
    { "steps", PARAM_INT, offsetof(run_params, steps), NULL, 1, 1e15, 0, NULL,
      "number of optimizer steps (required)" },
    { "batch", PARAM_REAL, offsetof(run_params, batch), "inf", 1, INFINITY, PARAM_ALLOW_INF, NULL,
      "batch size B (inf: exact full gradient; finite-data problems: an integer <= examples)" },
    { "record_every", PARAM_INT, offsetof(run_params, record_every), "1", 1, 1e15, 0, NULL,
      "record every k-th step (step 0 and the last step are always recorded)" },
    { "diverge_factor", PARAM_REAL, offsetof(run_params, diverge_factor), "1e6", 1, 1e300,
      PARAM_LO_OPEN, NULL, "a run diverges when loss > diverge_factor * |initial loss| or not finite" },
    { "expected", PARAM_CHOICE, offsetof(run_params, expected), "yes", 0, 0, 0, param_yes_no,
      "also record loss_expected, E[L(x_t)] over the noise without sampling, where the problem "
      "has an exact engine (nqm, quadratic, gaussreg) covering the optimizer" },
    { "record_x", PARAM_CHOICE, offsetof(run_params, record_x), "yes", 0, 0, 0, param_yes_no,
      "record the iterates x (no: only scalars, for large dim)" },
    LANDSCAPE_SPECS(run_params),
    { "noise_scale_every", PARAM_INT, offsetof(run_params, noise_scale_every), "0", 0, 1e15, 0,
      NULL, "probe the gradient noise scale at step 0 and every k-th step (0: never); "
      "recorded in /trajectory/<opt>/noise_scale" },
    { "noise_scale_batches", PARAM_LIST, offsetof(run_params, noise_scale_batches), "8, 64", 1,
      1e15, 0, NULL, "small and big batch size Bs < Bb of the two-batch estimator (McCandlish "
      "et al. 2018, App. A); the small batch is nested in the big one" },
    { "noise_scale_ema", PARAM_REAL, offsetof(run_params, noise_scale_ema), "0.9", 0, 1,
      PARAM_HI_OPEN, NULL, "smoothing of the estimates of |g|^2 and tr(Sigma): EMA coefficient "
      "per probe (0: none)" },
    { "noise_scale_exact", PARAM_CHOICE, offsetof(run_params, noise_scale_exact), "yes", 0, 0, 0,
      param_yes_no, "also record the exact B_simple and B_noise (costs N or n gradients and Hessian "
      "products per probe)" },
    { "update_sv_every", PARAM_INT, offsetof(run_params, update_sv_every), "0", 0, 1e15, 0, NULL,
      "record the singular values of each matrix block of the update dx every k-th step (0: "
      "never); /trajectory/<opt>/update_sv/<block>" },
    { "full", PARAM_STRING, offsetof(run_params, full), "", 0, 0, 0, NULL,
      "optimizer names (comma-separated) that run on the unfactorized problem, the weight W "
      "itself from the same start (lora: factorized = no), with the same data and minibatches" },
    { "reference", PARAM_STRING, offsetof(run_params, reference), "", 0, 0, 0, NULL,
      "optimizer name: every trajectory records weight_gap = |W(x_t) - W(x_t^ref)|_F to its "
      "weight matrix at the same step (problems with a weight matrix: lora)" },
    { "sharpness_every", PARAM_INT, offsetof(run_params, sharpness_every), "0", 0, 1e15, 0, NULL,
      "record the top Hessian eigenvalues (and, for optimizers with a diagonal preconditioner P, "
      "those of P^-1 H) at step 0 and every k-th step (0: never); /trajectory/<opt>/sharpness" },
    { "sharpness_k", PARAM_INT, offsetof(run_params, sharpness_k), "1", 1, 64, 0, NULL,
      "number of top eigenvalues per probe" },
    { "sharpness_iters", PARAM_INT, offsetof(run_params, sharpness_iters), "100", 1, 10000, 0,
      NULL, "most Lanczos iterations (Hessian-vector products) per probe (capped at dim)" },
    { "sharpness_tol", PARAM_REAL, offsetof(run_params, sharpness_tol), "1e-10", 0, 1,
      PARAM_LO_OPEN, NULL, "Lanczos stops when every Ritz residual |H u - S u| <= tol * S_1" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

/* Most doubles the reference's recorded weight matrices may take: 2^25 (256 MiB). */
#define WEIGHT_GAP_MAX 33554432.0

/* [run] full and reference name optimizers, on a problem that has the hooks they need. */
static const char *compare_check(const config *c, char *why, size_t len)
{
    const run_params *rp = run_params_of(c);
    const problem_type *t = problem_types[c->problem.type];
    char buf[PARAM_STRING_MAX], *save = NULL;
    snprintf(buf, sizeof buf, "%s", rp->full);
    if (rp->full[0] && !t->unfactorized) {
        snprintf(why, len, "problem %s has no unfactorized companion (expected type = lora)",
                 t->name);
        return "full";
    }
    for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
        size_t i = 0;
        while (i < c->nopt && strcmp(c->opt[i].name, w) != 0)
            i++;
        if (i == c->nopt) {
            snprintf(why, len, "expected names of [optimizer NAME] sections, got '%s'", w);
            return "full";
        }
    }
    if (!rp->reference[0])
        return NULL;
    size_t i = 0;
    while (i < c->nopt && strcmp(c->opt[i].name, rp->reference) != 0)
        i++;
    if (i == c->nopt) {
        snprintf(why, len, "expected the name of an [optimizer NAME] section, got '%s'",
                 rp->reference);
        return "reference";
    }
    if (!t->weight) {
        snprintf(why, len, "problem %s has no weight matrix to compare (expected type = lora)",
                 t->name);
        return "reference";
    }
    /* W is m x k: the first block's rows by the last block's columns (A m x r, B r x k; or W) */
    problem_block b[PROBLEM_MAX_BLOCKS];
    size_t nb = t->layout(&c->problem, b);
    double rows = (double)rp->steps / (double)rp->record_every + 2.0,
           need = rows * (double)b[0].rows * (double)(b[nb - 1].cols ? b[nb - 1].cols : 1);
    if (need > WEIGHT_GAP_MAX) {
        snprintf(why, len, "the reference's weight at every recorded step takes %g doubles, "
                 "expected at most %g (raise record_every)", need, WEIGHT_GAP_MAX);
        return "reference";
    }
    return NULL;
}

/* Batch sizes must fit the data; the noise-scale probe needs Bs < Bb; a landscape, 2-D. */
static const char *trajectory_check(const config *c, char *section, size_t slen, char *why,
                                    size_t len)
{
    const run_params *rp = run_params_of(c);
    const param_list *nsb = &rp->noise_scale_batches;
    long N = c->problem.examples;
    snprintf(section, slen, "run");
    if (config_batches_misfit(c, 1, &rp->batch, why, len))
        return "batch";
    if (rp->noise_scale_every > 0 &&
        (nsb->n != 2 || !(nsb->v[0] < nsb->v[1]) || config_batch_misfits(c, nsb->v[0]) ||
         config_batch_misfits(c, nsb->v[1]))) {
        char most[64] = "";
        if (config_finite_data(c))
            snprintf(most, sizeof most, ", integers <= examples = %ld", N);
        snprintf(why, len, "expected two batch sizes Bs < Bb%s, got %zu value%s", most, nsb->n,
                 nsb->n == 1 ? "" : "s");
        if (nsb->n == 2)
            snprintf(why + strlen(why), len - strlen(why), " (%g, %g)", nsb->v[0], nsb->v[1]);
        return "noise_scale_batches";
    }
    if (rp->update_sv_every > 0 &&      /* at most dim singular values per sample */
        limits_bytes_misfit((double)(rp->steps / rp->update_sv_every) * (double)c->problem.dim,
                            8.0, "the update singular values (steps/update_sv_every x dim "
                            "doubles)", why, len))
        return "update_sv_every";
    if (rp->sharpness_every > 0 && !problem_types[c->problem.type]->hvp) {
        snprintf(why, len, "problem '%s' has no Hessian-vector product, which the sharpness "
                 "probe needs (0: off)", problem_types[c->problem.type]->name);
        return "sharpness_every";
    }
    const char *bad = compare_check(c, why, len);
    if (bad)
        return bad;
    return landscape_misfits(&rp->landscape, c->problem.dim, why, len) ? "landscape" : NULL;
}

static int trajectory_run(sim_ctx *x)
{
    int status = sim_run_trajectory(x->c, x->pb, x->r, x->progress, x->user);
    if (status != OD_OK)
        snprintf(x->err, x->errlen, "%s", od_strerror(status));
    return status;
}

static long trajectory_budget(const config *c)
{
    return run_params_of(c)->steps;
}

const kind_type kind_trajectory = {
    .name = "trajectory",
    .summary = "every optimizer from the same x0 with the same noise, recorded step by step",
    .section = "run",
    .specs = run_specs,
    .params_size = sizeof(run_params),
    .check = trajectory_check,
    .budget = trajectory_budget,
    .run = trajectory_run,
};
