/* sim/kinds/flow_kind.c — kind = flow as a kind_type: the [flow] keys, the checks that every
 * optimizer has a selected continuous limit, and the run (sim/kinds/flow_run.c). */
#include "../core/limits.h"
#include "../core/status.h"
#include "flow.h"
#include "kind.h"
#include "landscape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const param_spec flow_specs[] = {
    { "lr", PARAM_GRID, offsetof(flow_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "learning-rate ladder (required), e.g. 0.04, 0.02, 0.01, 0.005" },
    { "time", PARAM_REAL, offsetof(flow_params, time), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "continuous time T at which discrete and continuous are compared (required)" },
    { "points", PARAM_INT, offsetof(flow_params, points), "101", 2, 100000, 0, NULL,
      "matched points of each recorded trajectory" },
    { "limits", PARAM_STRING, offsetof(flow_params, limits), NULL, 0, 0, PARAM_OPTIONAL, NULL,
      "comma-separated continuous limits to compare (default: every limit of every optimizer but "
      "the opt-in ones, e.g. sgd's central; `optdyn list` names them)" },
    { "trajectory_lr", PARAM_GRID, offsetof(flow_params, trajectory_lr), NULL, 0, 1e300,
      PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
      "learning rates whose trajectories are recorded (default: the smallest of lr)" },
    { "tol", PARAM_REAL, offsetof(flow_params, tol), "1e-12", 1e-15, 1e-3, 0, NULL,
      "ODE integrator tolerance, absolute and relative" },
    { "integrator", PARAM_CHOICE, offsetof(flow_params, integrator), "rk8pd", 0, 0, 0,
      flow_integrator_names, "GSL stepper: rk8pd (explicit) or msbdf (implicit BDF with the "
      "analytic Jacobian, for stiff limits; limits without a Jacobian still use rk8pd)" },
    { "batch", PARAM_REAL, offsetof(flow_params, batch), "inf", 1, INFINITY, PARAM_ALLOW_INF,
      NULL, "batch size B of the stochastic modified equations (inf: no SDE part)" },
    { "paths", PARAM_INT, offsetof(flow_params, paths), "10000", 2, 1e9, 0, NULL,
      "Monte Carlo paths of the SGD / SDE pairs per learning rate" },
    { "substeps", PARAM_INT, offsetof(flow_params, substeps), "20", 2, 1e7, 0, NULL,
      "stochastic Heun steps of a nonlinear SDE per optimizer step (dt = lr/substeps), even; "
      "linear SDEs (quadratics) are sampled exactly and ignore it" },
    LANDSCAPE_SPECS(flow_params),
    { "sharpness", PARAM_CHOICE, offsetof(flow_params, sharpness), "no", 0, 0, 0, param_yes_no,
      "also record S_1 = lambda_max(H) at every matched point of the discrete and continuous "
      "trajectories (Lanczos on exact Hessian-vector products; needs a problem with them)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

/* The derived counts of one (optimizer, limit, lr): K = time/dt steps (dt = lr or the limit's
 * own step), the recorded trajectory (points x dim, twice), the SME's K*substeps Euler steps,
 * its paths*4 values and substeps x dim noise block. Key to blame, or NULL. */
static const char *misfit_at(const flow_params *fp, const cfg_optimizer *o, const opt_flow *f,
                             double lr, const char *key, size_t n, char *why, size_t len)
{
    opt_params p;
    char what[256], ignored[256];
    if (flow_params_at(o, f, lr, &p, ignored, sizeof ignored) != OD_OK)
        return NULL;          /* lr too large for the limit's tie: reported by the run */
    double dt = f->time_step(&p), K = fp->time / dt;
    snprintf(what, sizeof what, "%s too small: time/%s", key, dt == lr ? "lr" : "dt");
    if (!(dt > 0) || limits_steps_misfit(K, what, why, len)) {
        size_t used = strlen(why);
        used += (size_t)snprintf(why + used, len - used, " (%s = %g, optimizer %s, limit %s", key,
                                 lr, o->name, f->name);
        if (dt != lr && used < len)
            used += (size_t)snprintf(why + used, len - used, ", whose time step is dt = %g", dt);
        if (used < len)
            snprintf(why + used, len - used, ")");
        return key;
    }
    if (!strcmp(key, "trajectory_lr") || !fp->trajectory_lr.n) {
        if (limits_bytes_misfit(2.0 * fmin((double)fp->points, K + 1.0) * (double)n, 8.0,
                                "the recorded trajectories (2 x points x dim doubles)", why, len))
            return "points";
    }
    if (!f->sde || isinf(fp->batch))
        return NULL;
    snprintf(what, sizeof what, "the SME's Euler-Maruyama steps at lr = %g: time/lr x substeps",
             lr);
    if (limits_steps_misfit(fp->time / lr * (double)fp->substeps, what, why, len))
        return "substeps";
    if (limits_bytes_misfit((double)fp->paths, 4.0 * 8.0, "the SME's per-path values", why, len))
        return "paths";
    if (limits_bytes_misfit((double)fp->substeps * (double)n, 8.0,
                            "the SME's noise block (substeps x dim doubles)", why, len))
        return "substeps";
    return NULL;
}

static const char *flow_misfits(const config *c, char *why, size_t len)
{
    const flow_params *fp = flow_params_of(c);
    const param_list *grids[] = { &fp->lr, &fp->trajectory_lr };
    const char *keys[] = { "lr", "trajectory_lr" };
    for (size_t i = 0; i < c->nopt; i++)
        for (size_t k = 0; c->opt[i].type->flows[k]; k++) {
            const opt_flow *f = c->opt[i].type->flows[k];
            if (!flow_limit_selected(fp, f))
                continue;
            for (int g = 0; g < 2; g++)
                for (size_t j = 0; j < grids[g]->n; j++) {
                    const char *bad = misfit_at(fp, &c->opt[i], f, grids[g]->v[j], keys[g],
                                                (size_t)c->problem.dim, why, len);
                    if (bad)
                        return bad;
                }
        }
    return NULL;
}

/* The limits of type that take a schedule, "a, b" into buf. */
static void time_change_limits(const opt_type *type, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t k = 0; type->flows[k] && used < len; k++)
        if (type->flows[k]->time_change)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     type->flows[k]->name);
}

/* An optimizer with a schedule: every selected limit takes it as a change of time, no SME part,
 * and its clock reaches time at every lr. Key to blame in optimizer o's section, or NULL. */
static const char *schedule_misfit(const config *c, const cfg_optimizer *o, char *why,
                                   size_t len)
{
    const flow_params *fp = flow_params_of(c);
    char have[256];
    if (!isinf(fp->batch)) {
        snprintf(why, len, "kind = flow with [flow] batch = %g: the stochastic modified "
                 "equations need a constant lr; drop the schedule or set batch = inf", fp->batch);
        return "schedule";
    }
    const param_list *grids[] = { &fp->lr, &fp->trajectory_lr };
    for (size_t k = 0; o->type->flows[k]; k++) {
        const opt_flow *f = o->type->flows[k];
        if (!flow_limit_selected(fp, f))
            continue;
        if (!f->time_change) {
            time_change_limits(o->type, have, sizeof have);
            snprintf(why, len, "kind = flow: the %s limit of %s depends on lr itself (%s), so a "
                     "schedule is not a change of its time; select limits that take one (%s: "
                     "%s)", f->name, o->type->name, f->time_map, o->type->name,
                     have[0] ? have : "none");
            return "schedule";
        }
        for (int g = 0; g < 2; g++)
            for (size_t j = 0; j < grids[g]->n; j++) {
                opt_params p;
                long K;
                char ignored[256];
                if (flow_params_at(o, f, grids[g]->v[j], &p, ignored, sizeof ignored) != OD_OK)
                    continue;
                K = lround(fp->time / f->time_step(&p));
                if (K <= p.train.warmup) {
                    snprintf(why, len, "expected warmup < the %ld steps that lr = %g takes to "
                             "time = %g at its peak, got %ld", K, grids[g]->v[j], fp->time,
                             p.train.warmup);
                    return "warmup";
                }
                if (flow_clock_steps(f, &p, fp->time, &K, why, len) != OD_OK)
                    return "schedule";
            }
    }
    return NULL;
}

static const char *flow_check(const config *c, char *section, size_t slen, char *why,
                              size_t len)
{
    const flow_params *fp = flow_params_of(c);
    for (size_t i = 0; i < c->nopt; i++)
        if (!c->opt[i].type->flows) {
            char have[512];
            size_t used = 0;
            have[0] = 0;
            for (size_t k = 0; opt_types[k] && used < sizeof have; k++)
                if (opt_types[k]->flows)
                    used += (size_t)snprintf(have + used, sizeof have - used, "%s%s",
                                             used ? ", " : "", opt_types[k]->name);
            snprintf(section, slen, "optimizer %s", c->opt[i].name);
            snprintf(why, len, "kind = flow: no continuous-time limit is implemented for "
                     "'%s' (available: %s)", c->opt[i].type->name, have);
            return "type";
        }
    snprintf(section, slen, "flow");
    if (fp->substeps % 2) {
        snprintf(why, len, "expected an even number (SGD's noise is centred on its step: half "
                 "the substeps on either side), got %ld", fp->substeps);
        return "substeps";
    }
    if (fp->limits[0] && flow_limits_check(c, why, len))
        return "limits";
    const char *bad = flow_misfits(c, why, len);
    if (bad)
        return bad;
    for (size_t i = 0; i < c->nopt; i++)
        if (opt_train_scheduled(&c->opt[i].p.train) &&
            (bad = schedule_misfit(c, &c->opt[i], why, len))) {
            snprintf(section, slen, "optimizer %s", c->opt[i].name);
            return bad;
        }
    return landscape_misfits(&fp->landscape, c->problem.dim, why, len) ? "landscape" : NULL;
}

static int flow_run(sim_ctx *x)
{
    return sim_run_flow(x->c, x->pb, x->threads, x->progress, x->user, x->r, x->err, x->errlen);
}

const kind_type kind_flow = {
    .name = "flow",
    .summary = "iterates vs continuous-time limits (ODEs, SMEs): errors and fitted orders",
    .section = "flow",
    .specs = flow_specs,
    .params_size = sizeof(flow_params),
    .flags = KIND_SCHEDULE_PER_RUN,
    .check = flow_check,
    .run = flow_run,
};
