/* sim/kinds/scaling_run.c — kind = scaling: Monte Carlo loss-vs-examples curves per optimizer, rule
 * and kappa, and each curve's gap to the smallest kappa's (docs/hdf5-schema.md, /scaling). */
#include "../core/replicate.h"
#include "../core/status.h"
#include "../output/meta.h"
#include "../theory/exact.h"
#include "scaling.h"
#include "scaling_rule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The examples axis: checkpoints every `every` steps of the largest batch. */
typedef struct axis {
    size_t np;              /* checkpoints */
    double unit;            /* examples per checkpoint */
    double *examples;       /* np */
} axis;

static int axis_make(const scaling_params *sp, axis *a)
{
    double kmax = 0.0;
    for (size_t i = 0; i < sp->kappa.n; i++)
        kmax = fmax(kmax, sp->kappa.v[i]);
    double big = sp->base_batch * kmax, blocks = (double)sp->examples / big;
    double every = ceil(blocks / (double)sp->points);
    a->np = (size_t)floor(blocks / every);
    a->unit = every * big;
    a->examples = malloc(a->np * sizeof *a->examples);
    for (size_t j = 0; a->examples && j < a->np; j++)
        a->examples[j] = (double)(j + 1) * a->unit;
    return a->examples ? OD_OK : OD_ENOMEM;
}

/* One replicate at batch B: its judged loss at every checkpoint (inf once it diverged). */
static int one_replicate(const problem *pb, const opt_type *t, const opt_params *p, double B,
                         const axis *a, uint64_t seed, uint64_t rep, double *loss)
{
    replicate r;
    int status = replicate_init(&r, pb, t, p, B, seed, rep);
    long per = (long)(a->unit / B);
    double L = 0.0;
    for (size_t j = 0; status == OD_OK && j < a->np; j++) {
        for (long s = 0; status == OD_OK && s < per && isfinite(L); s++)
            status = replicate_step(&r);
        L = isfinite(L) ? replicate_judged_loss(&r) : L;
        loss[j] = isfinite(L) ? L : INFINITY;
    }
    replicate_free(&r);
    return status;
}

/* Mean and standard error over the replicates of each checkpoint (fixed order). */
static void moments(size_t reps, size_t np, const double *loss, double *mean, double *se)
{
    for (size_t j = 0; j < np; j++) {
        double s = 0.0, s2 = 0.0;
        for (size_t k = 0; k < reps; k++)
            s += loss[k * np + j];
        double m = s / (double)reps;
        for (size_t k = 0; k < reps; k++)
            s2 += (loss[k * np + j] - m) * (loss[k * np + j] - m);
        mean[j] = m;
        se[j] = isfinite(m) ? sqrt(s2 / ((double)reps - 1.0) / (double)reps) : NAN;
    }
}

/* Gap of curve (m, s) to the reference (m0, s0): max_j |m/m0 - 1|, and the same ratio's two
 * standard errors at the checkpoint where it is largest (the gap's noise floor). */
static void gap(size_t np, const double *m, const double *s, const double *m0, const double *s0,
                double *g, double *floor2)
{
    *g = 0.0, *floor2 = 0.0;
    for (size_t j = 0; j < np; j++) {
        double q = m[j] / m0[j], d = fabs(q - 1.0);
        double f = 2.0 * sqrt(s[j] * s[j] + q * q * s0[j] * s0[j]) / m0[j];
        if (!(d <= *g)) {                    /* NaN and inf count as the largest */
            *g = d;
            *floor2 = f;
        }
    }
}

typedef struct curves {
    size_t K, np;
    double *mean, *se, *gap, *floor2, *last;   /* [K][np], [K][np], [K], [K], [K] */
    double *hyper;                             /* [4][K]: lr, beta1, beta2, eps */
    double *expected;                          /* [K][np]: E[L] by the exact engine, or NULL */
    char undefined[1024];
} curves;

/* E[L] at the checkpoints where an exact engine covers the problem and the optimizer (NaN
 * elsewhere); cv->expected stays NULL when the problem has no engine. */
static void exact_curve(const config *c, const problem *pb, const opt_type *t, const opt_params *q,
                        double B, const axis *a, curves *cv, size_t k)
{
    if (!cv->expected)
        return;
    double *out = cv->expected + k * a->np, *s0 = exact_start_moments(pb);
    exact e;
    int ok = s0 && exact_init(&e, pb, t, q, B, s0) == OD_OK;
    long per = (long)(a->unit / B);
    for (size_t j = 0; j < a->np; j++)
        out[j] = ok ? e.engine->loss(e.state, (double)((long)(j + 1) * per)) : NAN;
    if (ok)
        exact_free(&e);
    free(s0);
    (void)c;
}

/* Expected work of the curve at kappa k (scaling_run). */
static double kappa_work(const scaling_params *sp, const problem *pb, const axis *a, size_t k)
{
    double B = sp->base_batch * sp->kappa.v[k], per = floor(a->unit / B);
    return (double)sp->seeds * (double)a->np * (per * work_of_step(pb, B) + work_of_loss(pb));
}

static int run_rule(const config *c, const problem *pb, const cfg_optimizer *o, scaling_rule rule,
                    const axis *a, int threads, work_meter *wm, curves *cv)
{
    const scaling_params *sp = scaling_params_of(c);
    size_t K = sp->kappa.n, np = a->np, reps = (size_t)sp->seeds;
    double *loss = malloc(reps * np * sizeof *loss);
    int status = loss ? OD_OK : OD_ENOMEM;
    size_t ref = 0;
    for (size_t k = 1; k < K; k++)
        ref = sp->kappa.v[k] < sp->kappa.v[ref] ? k : ref;
    cv->undefined[0] = '\0';
    for (size_t k = 0; status == OD_OK && k < K; k++) {
        opt_params q;
        char why[256];
        double kap = sp->kappa.v[k] / sp->kappa.v[ref], B = sp->base_batch * sp->kappa.v[k];
        int undefined = scaling_rule_apply(rule, o->type, &o->p, kap, &q, why, sizeof why);
        cv->hyper[k] = q.lr;
        for (int h = 0; scaling_rule_keys[h]; h++)
            cv->hyper[(size_t)(h + 1) * K + k] = param_get(o->type->params, &q, scaling_rule_keys[h],
                                                           NAN);
        if (undefined) {
            size_t u = strlen(cv->undefined);
            snprintf(cv->undefined + u, sizeof cv->undefined - u, "%s%s", u ? "; " : "", why);
            for (size_t j = 0; j < np; j++)
                cv->mean[k * np + j] = cv->se[k * np + j] = NAN;
            for (size_t j = 0; cv->expected && j < np; j++)
                cv->expected[k * np + j] = NAN;
            work_meter_skip(wm, 1, kappa_work(sp, pb, a, k));
            continue;
        }
        exact_curve(c, pb, o->type, &q, B, a, cv, k);
        int bad = OD_OK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (size_t i = 0; i < reps; i++) {
            int st = one_replicate(pb, o->type, &q, B, a, (uint64_t)c->exp.seed, i, loss + i * np);
            if (st != OD_OK) {
#pragma omp critical(scaling_status)
                bad = st;
            }
        }
        status = bad;
        moments(reps, np, loss, cv->mean + k * np, cv->se + k * np);
        if (status == OD_OK)
            work_meter_add(wm, 1, kappa_work(sp, pb, a, k));
    }
    for (size_t k = 0; status == OD_OK && k < K; k++) {
        gap(np, cv->mean + k * np, cv->se + k * np, cv->mean + ref * np, cv->se + ref * np,
            &cv->gap[k], &cv->floor2[k]);
        cv->last[k] = fabs(cv->mean[k * np + np - 1] / cv->mean[ref * np + np - 1] - 1.0);
    }
    free(loss);
    return status;
}

static void record_rule(rec *r, const config *c, const cfg_optimizer *o, scaling_rule rule,
                        const curves *cv)
{
    char group[256], path[320];
    size_t K = cv->K, dims[2] = { K, cv->np };
    snprintf(group, sizeof group, "/scaling/%s/%s", o->name, scaling_rule_name(rule));
    rec_group(r, group);
    rec_attr_str(r, group, "formula", scaling_rule_formula(rule));
    if (cv->undefined[0])
        rec_attr_str(r, group, "undefined", cv->undefined);
    static const struct { const char *name, *doc; } arr[] = {
        { "loss", "mean judged loss over the seeds at each checkpoint (inf: diverged)" },
        { "loss_se", "its standard error" },
    };
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", group, arr[i].name);
        rec_array(r, path, 2, dims, i == 0 ? cv->mean : cv->se, NULL);
        rec_attr_str(r, path, "description", arr[i].doc);
        rec_attach_scale(r, path, 0, "/scaling/kappa");
        rec_attach_scale(r, path, 1, "/scaling/examples");
    }
    if (cv->expected) {
        snprintf(path, sizeof path, "%s/loss_exact", group);
        rec_array(r, path, 2, dims, cv->expected, NULL);
        rec_attr_str(r, path, "description", "expected loss E[L] at each checkpoint without "
                     "sampling (the problem's exact engine; NaN where it does not cover the "
                     "optimizer)");
        rec_attach_scale(r, path, 0, "/scaling/kappa");
        rec_attach_scale(r, path, 1, "/scaling/examples");
    }
    const double *vec[] = { cv->gap, cv->floor2, cv->last, cv->hyper };
    const char *names[] = { "gap", "gap_noise", "gap_final", "lr" };
    const char *docs[] = { "max over checkpoints of |loss / loss(smallest kappa) - 1|",
                           "two standard errors of that ratio where the gap is largest",
                           "|loss / loss(smallest kappa) - 1| at the last checkpoint",
                           "learning rate the rule gives" };
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", group, names[i]);
        rec_array(r, path, 1, &K, vec[i], NULL);
        rec_attr_str(r, path, "description", docs[i]);
        rec_attach_scale(r, path, 0, "/scaling/kappa");
    }
    for (int h = 0; scaling_rule_keys[h]; h++)
        if (param_find(o->type->params, scaling_rule_keys[h])) {
            snprintf(path, sizeof path, "%s/%s", group, scaling_rule_keys[h]);
            rec_array(r, path, 1, &K, cv->hyper + (size_t)(h + 1) * K, NULL);
            rec_attach_scale(r, path, 0, "/scaling/kappa");
        }
    (void)c;
}

int scaling_run(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                void *user, rec *r, char *err, size_t errlen)
{
    const scaling_params *sp = scaling_params_of(c);
    axis a;
    size_t K = sp->kappa.n;
    curves cv = { K, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "" };
    int rules[SCALING_RULES];
    size_t nrules = scaling_rules_parse(sp->rules, rules, err, errlen);
    int status = axis_make(sp, &a);
    cv.np = a.np;
    if (status == OD_OK) {
        cv.mean = malloc(K * a.np * sizeof *cv.mean);
        cv.se = malloc(K * a.np * sizeof *cv.se);
        cv.gap = malloc(K * sizeof *cv.gap);
        cv.floor2 = malloc(K * sizeof *cv.floor2);
        cv.last = malloc(K * sizeof *cv.last);
        cv.hyper = malloc(4 * K * sizeof *cv.hyper);
        if (exact_engine_of(pb->type))
            cv.expected = malloc(K * a.np * sizeof *cv.expected);
        status = cv.mean && cv.se && cv.gap && cv.floor2 && cv.last && cv.hyper &&
                 (cv.expected || !exact_engine_of(pb->type)) ? OD_OK : OD_ENOMEM;
    }
    if (status == OD_OK && r) {
        const char *rnames[SCALING_RULES];
        for (size_t k = 0; k < nrules; k++)
            rnames[k] = scaling_rule_name((scaling_rule)rules[k]);
        rec_group(r, "/scaling");
        meta_write_params(r, "/scaling", scaling_specs, sp, NULL);
        rec_attr_str(r, "/scaling", "description", "per optimizer and rule, Monte Carlo loss "
                     "against examples seen at batch kappa * base_batch with the rule's "
                     "hyperparameters, and the gap to the smallest kappa's curve");
        rec_array(r, "/scaling/kappa", 1, &K, sp->kappa.v, NULL);
        rec_array(r, "/scaling/examples", 1, &a.np, a.examples, NULL);
        rec_strings(r, "/scaling/rule", nrules, rnames);
        rec_dims(r, "/scaling/rule", 1, (const char *const[]){ "rule" });
        const char **names = malloc(c->nopt * sizeof *names);
        for (size_t o = 0; names && o < c->nopt; o++)
            names[o] = c->opt[o].name;
        if (names)
            rec_strings(r, "/scaling/optimizer", c->nopt, names);
        free(names);
        rec_dims(r, "/scaling/optimizer", 1, (const char *const[]){ "optimizer" });
    }
    double total = 0.0;
    for (size_t k = 0; status == OD_OK && k < K; k++)
        total += (double)(c->nopt * nrules) * kappa_work(sp, pb, &a, k);
    work_meter wm;
    char what[300];
    work_meter_init(&wm, progress, user, "kappas", K, total);
    work_meter_add(&wm, 0, 0.0);
    for (size_t o = 0; status == OD_OK && o < c->nopt; o++)
        for (size_t i = 0; status == OD_OK && i < nrules; i++) {
            snprintf(what, sizeof what, "%s/%s", c->opt[o].name,
                     scaling_rule_name((scaling_rule)rules[i]));
            work_meter_unit(&wm, what, K);
            status = run_rule(c, pb, &c->opt[o], (scaling_rule)rules[i], &a, threads, &wm, &cv);
            if (status == OD_OK && r)
                record_rule(r, c, &c->opt[o], (scaling_rule)rules[i], &cv);
        }
    if (status != OD_OK)
        snprintf(err, errlen, "%s", od_strerror(status));
    free(a.examples), free(cv.mean), free(cv.se), free(cv.gap), free(cv.floor2), free(cv.last);
    free(cv.hyper), free(cv.expected);
    return status == OD_OK && r ? rec_status(r) : status;
}
