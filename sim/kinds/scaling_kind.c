/* sim/kinds/scaling_kind.c — kind = scaling as a kind_type: the [scaling] keys, their checks (integer
 * multipliers that divide the largest, a budget the largest batch divides) and the run. */
#include "../core/status.h"
#include "kind.h"
#include "scaling.h"
#include "scaling_rule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const param_spec scaling_specs[] = {
    { "base_batch", PARAM_REAL, offsetof(scaling_params, base_batch), "1", 1, 1e12, 0, NULL,
      "batch size B at kappa = 1" },
    { "kappa", PARAM_GRID, offsetof(scaling_params, kappa), "1, 4, 16, 64", 1, 1e12, 0, NULL,
      "batch multipliers, integers that divide the largest" },
    { "examples", PARAM_INT, offsetof(scaling_params, examples), "65536", 1, 1e15, 0, NULL,
      "examples each run sees, a multiple of base_batch * max(kappa)" },
    { "points", PARAM_INT, offsetof(scaling_params, points), "64", 1, 1e6, 0, NULL,
      "at most this many checkpoints along the examples axis (evenly spaced)" },
    { "seeds", PARAM_INT, offsetof(scaling_params, seeds), "100", 2, 1e7, 0, NULL,
      "Monte Carlo replicates per curve" },
    { "rules", PARAM_STRING, offsetof(scaling_params, rules), "sqrt, linear, halflife", 0, 0, 0,
      NULL, "comma-separated scaling rules: sqrt, linear, halflife, fixed (the batch alone)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

size_t scaling_rules_parse(const char *rules, int *r, char *why, size_t len)
{
    char buf[PARAM_STRING_MAX], *save = NULL;
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", rules);
    for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
        int k = scaling_rule_lookup(w);
        if (k < 0 || n == SCALING_RULES) {
            snprintf(why, len, k < 0 ? "expected rules among sqrt, linear, halflife, fixed, got "
                     "'%s'" : "expected each rule once, got '%s' again", w);
            return 0;
        }
        for (size_t i = 0; i < n; i++)
            if (r[i] == k) {
                snprintf(why, len, "expected each rule once, got '%s' twice", w);
                return 0;
            }
        r[n++] = k;
    }
    if (n == 0)
        snprintf(why, len, "expected at least one rule (sqrt, linear, halflife, fixed)");
    return n;
}

static const char *scaling_check(const config *c, char *section, size_t slen, char *why,
                                 size_t len)
{
    const scaling_params *sp = scaling_params_of(c);
    double kmax = 0.0;
    snprintf(section, slen, "scaling");
    for (size_t i = 0; i < sp->kappa.n; i++)
        kmax = fmax(kmax, sp->kappa.v[i]);
    for (size_t i = 0; i < sp->kappa.n; i++)
        if (sp->kappa.v[i] != floor(sp->kappa.v[i]) || fmod(kmax, sp->kappa.v[i]) != 0.0) {
            snprintf(why, len, "expected integers that divide the largest (%g), got %g", kmax,
                     sp->kappa.v[i]);
            return "kappa";
        }
    int r[SCALING_RULES];
    if (!scaling_rules_parse(sp->rules, r, why, len))
        return "rules";
    double unit = sp->base_batch * kmax;
    if (fmod((double)sp->examples, unit) != 0.0) {
        snprintf(why, len, "expected a multiple of base_batch * max(kappa) = %g, got %ld", unit,
                 sp->examples);
        return "examples";
    }
    for (size_t i = 0; i < sp->kappa.n; i++) {
        double B = sp->base_batch * sp->kappa.v[i];
        if (config_batches_misfit(c, 1, &B, why, len))
            return "base_batch";
    }
    return NULL;
}

static int scaling_run_kind(sim_ctx *x)
{
    return scaling_run(x->c, x->pb, x->threads, x->progress, x->user, x->r, x->err, x->errlen);
}

const kind_type kind_scaling = {
    .name = "scaling",
    .summary = "batch-size scaling rules (square-root, linear, half-life) tested by Monte Carlo: "
               "loss vs examples per kappa",
    .section = "scaling",
    .specs = scaling_specs,
    .params_size = sizeof(scaling_params),
    .check = scaling_check,
    .run = scaling_run_kind,
};
