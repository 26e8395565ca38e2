/* sim/input/config.c — interpret an ini_doc as an experiment: sections and keys checked against the
 * param_spec tables of the experiment, the run, the problem type and each optimizer type. */
#include "config.h"
#include "../kinds/flow.h"
#include "../core/status.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const experiment_kind_names[] = { "trajectory", "sweep", "flow", "onestep", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };

const param_spec experiment_specs[] = {
    { "kind", PARAM_CHOICE, offsetof(experiment_params, kind), "trajectory", 0, 0, 0,
      experiment_kind_names, "what to run: trajectory, sweep, flow or onestep" },
    { "seed", PARAM_INT, offsetof(experiment_params, seed), "1", 0, 9007199254740991.0, 0, NULL,
      "key of every random stream (data, x0, noise, batches)" },
    { "output", PARAM_STRING, offsetof(experiment_params, output), NULL, 0, 0, PARAM_OPTIONAL,
      NULL, "HDF5 file to write (default results/<file stem>.h5; -o overrides)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

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

/* [run] and [flow] both record the loss landscape of 2-D problems. */
#define LANDSCAPE_SPECS(type) \
    { "landscape", PARAM_LIST, offsetof(type, landscape), NULL, -1e300, 1e300, PARAM_OPTIONAL, \
      NULL, "2-D problems: xmin, xmax, ymin, ymax of the recorded loss grid " \
      "(default: around x0, the minimizer and the iterates)" }, \
    { "landscape_points", PARAM_INT, offsetof(type, landscape_points), "201", 2, 2001, 0, NULL, \
      "grid points per axis of the loss landscape (2-D problems)" }

const param_spec flow_specs[] = {
    { "lr", PARAM_GRID, offsetof(flow_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "learning-rate ladder (required), e.g. 0.04, 0.02, 0.01, 0.005" },
    { "time", PARAM_REAL, offsetof(flow_params, time), NULL, 0, 1e300, PARAM_LO_OPEN, NULL,
      "continuous time T at which discrete and continuous are compared (required)" },
    { "points", PARAM_INT, offsetof(flow_params, points), "101", 2, 100000, 0, NULL,
      "matched points of each recorded trajectory" },
    { "limits", PARAM_STRING, offsetof(flow_params, limits), NULL, 0, 0, PARAM_OPTIONAL, NULL,
      "comma-separated continuous limits to compare (default: every limit of every optimizer; "
      "`optdyn list` names them)" },
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
    { "substeps", PARAM_INT, offsetof(flow_params, substeps), "100", 1, 1e7, 0, NULL,
      "Euler-Maruyama steps of the SDE per optimizer step (dt = lr/substeps)" },
    LANDSCAPE_SPECS(flow_params),
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

const param_spec run_specs[] = {
    { "steps", PARAM_INT, offsetof(run_params, steps), NULL, 1, 1e15, 0, NULL,
      "number of optimizer steps (required)" },
    { "batch", PARAM_REAL, offsetof(run_params, batch), "inf", 1, INFINITY, PARAM_ALLOW_INF, NULL,
      "batch size B (inf: exact full gradient; finite-data problems: an integer <= examples)" },
    { "record_every", PARAM_INT, offsetof(run_params, record_every), "1", 1, 1e15, 0, NULL,
      "record every k-th step (step 0 and the last step are always recorded)" },
    { "diverge_factor", PARAM_REAL, offsetof(run_params, diverge_factor), "1e6", 1, 1e300,
      PARAM_LO_OPEN, NULL, "a run diverges when loss > diverge_factor * |initial loss| or not finite" },
    { "record_x", PARAM_CHOICE, offsetof(run_params, record_x), "yes", 0, 0, 0, yes_no,
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
      yes_no, "also record the exact B_simple and B_noise (costs N or n gradients and Hessian "
      "products per probe)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

/* The `type` keys choose among the registries' own names, read from the registries. */
static const char *problem_name_at(size_t i) { return problem_types[i] ? problem_types[i]->name : NULL; }
static const char *opt_name_at(size_t i) { return opt_types[i] ? opt_types[i]->name : NULL; }
#define TYPES_MAX 256   /* more than any registry holds */

typedef struct ctx {
    config *c;
    char *err;
    size_t errlen;
} ctx;

/* "path:line: [name]" for a section (line 0: it exists only through --set, or not at all). */
static void section_where(const ctx *x, const char *name, char *buf, size_t len)
{
    const ini_section *s = ini_doc_section(x->c->doc, name);
    if (s && s->line > 0)
        snprintf(buf, len, "%s:%d: [%s]", x->c->doc->path, s->line, name);
    else
        snprintf(buf, len, "%s: [%s]", x->c->doc->path, name);
}

static int entry_error(const ctx *x, const ini_entry *e, const char *what)
{
    char where[512];
    ini_entry_where(x->c->doc, e, where, sizeof where);
    snprintf(x->err, x->errlen, "%s: %s", where, what);
    return OD_EINPUT;
}

static int set_entry(const ctx *x, const ini_entry *e, const param_spec *spec, void *base)
{
    char why[1024];
    if (param_set(spec, base, e->value, why, sizeof why) != OD_OK)
        return entry_error(x, e, why);
    return OD_OK;
}

/* Every key of section `name` must be in specs (besides `skip`); required keys must be present
 * (except `exempt`). */
static int apply_section_except(const ctx *x, const char *name, const param_spec *specs,
                                void *base, const char *skip, const char *exempt)
{
    const ini_doc *d = x->c->doc;
    for (size_t i = 0; i < d->ne; i++) {
        const ini_entry *e = &d->e[i];
        if (strcmp(e->section, name) != 0 || (skip && strcmp(e->key, skip) == 0))
            continue;
        const param_spec *spec = param_find(specs, e->key);
        if (!spec) {
            char keys[1024], what[1200];
            param_keys(specs, keys, sizeof keys);
            snprintf(what, sizeof what, "unknown key (expected one of: %s%s%s)",
                     skip ? skip : "", skip ? ", " : "", keys);
            return entry_error(x, e, what);
        }
        int status = set_entry(x, e, spec, base);
        if (status != OD_OK)
            return status;
    }
    for (const param_spec *s = specs; s->key; s++)
        if (!s->def && !(s->flags & PARAM_OPTIONAL) && !ini_doc_entry(d, name, s->key) &&
            !(exempt && !strcmp(s->key, exempt))) {
            char where[512];
            section_where(x, name, where, sizeof where);
            snprintf(x->err, x->errlen, "%s: missing required key '%s' (%s)", where, s->key, s->doc);
            return OD_EINPUT;
        }
    return OD_OK;
}

static int apply_section(const ctx *x, const char *name, const param_spec *specs, void *base,
                         const char *skip)
{
    return apply_section_except(x, name, specs, base, skip, NULL);
}

/* The `type` key of a section: required, one of the registry's names (its index into *type). */
static int section_type(const ctx *x, const char *name, const char *(*name_at)(size_t),
                        const char *doc, int *type)
{
    const char *names[TYPES_MAX + 1];
    size_t n = 0;
    while (n < TYPES_MAX && (names[n] = name_at(n)))
        n++;
    names[n] = NULL;
    const param_spec spec = { "type", PARAM_CHOICE, 0, NULL, 0, 0, 0, names, doc };
    const ini_entry *e = ini_doc_entry(x->c->doc, name, "type");
    if (!e) {
        char where[512], want[512];
        section_where(x, name, where, sizeof where);
        param_describe(&spec, want, sizeof want);
        snprintf(x->err, x->errlen, "%s: missing required key 'type' (expected %s)", where, want);
        return OD_EINPUT;
    }
    return set_entry(x, e, &spec, type);
}

static int require_section(const ctx *x, const char *name)
{
    if (ini_doc_section(x->c->doc, name))
        return OD_OK;
    snprintf(x->err, x->errlen, "%s: missing section [%s]", x->c->doc->path, name);
    return OD_EINPUT;
}

/* Error about `key` of section `name`, at the key's line when present, else the section's. */
static int key_error(const ctx *x, const char *name, const char *key, const char *why)
{
    const ini_entry *e = ini_doc_entry(x->c->doc, name, key);
    if (e)
        return entry_error(x, e, why);
    char where[512];
    section_where(x, name, where, sizeof where);
    snprintf(x->err, x->errlen, "%s %s: %s", where, key, why);
    return OD_EINPUT;
}

static int load_problem(const ctx *x)
{
    problem_params *pp = &x->c->problem;
    int status = require_section(x, "problem");
    if (status == OD_OK)
        status = section_type(x, "problem", problem_name_at, "problem type", &pp->type);
    if (status != OD_OK)
        return status;
    const problem_type *t = problem_types[pp->type];
    param_defaults(t->params, pp);
    if ((status = apply_section(x, "problem", t->params, pp, "type")) != OD_OK)
        return status;
    char why[1024];
    const char *bad = problem_check(pp, why, sizeof why);
    return bad ? key_error(x, "problem", bad, why) : OD_OK;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof ((cfg_optimizer *)0)->section)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return 0;
    return 1;
}

static int load_optimizer(const ctx *x, const ini_section *s, const char *name)
{
    config *c = x->c;
    if (!valid_name(name)) {
        snprintf(x->err, x->errlen, "%s:%d: [%s]: expected [optimizer NAME] with NAME made of "
                 "letters, digits, '_', '-' or '.' (at most 63), got '%s'", c->doc->path, s->line,
                 s->name, name);
        return OD_EINPUT;
    }
    cfg_optimizer *o = &c->opt[c->nopt];
    int type = 0;
    int status = section_type(x, s->name, opt_name_at, "optimizer type", &type);
    if (status != OD_OK)
        return status;
    memset(o, 0, sizeof *o);
    strcpy(o->name, name);
    strcpy(o->section, name);
    o->type = opt_types[type];
    param_defaults(o->type->params, &o->p);
    if (c->exp.kind == KIND_SWEEP) {      /* lr (and a momentum grid) are axes, not keys here */
        const ini_entry *lr = ini_doc_entry(c->doc, s->name, "lr"), *mu = ini_doc_entry(c->doc, s->name, "momentum");
        if (lr)
            return entry_error(x, lr, "the learning rate is swept: set it in [sweep] lr, not here");
        if (mu && c->sweep.momentum.n)
            return entry_error(x, mu, "momentum is swept by [sweep] momentum: remove it here");
    }
    if (c->exp.kind == KIND_ONESTEP) {    /* the update direction is -dx/lr: lr = 1 */
        const ini_entry *lr = ini_doc_entry(c->doc, s->name, "lr");
        if (lr)
            return entry_error(x, lr, "kind = onestep measures the optimal lr: do not set it");
        o->p.lr = 1.0;
    }
    status = apply_section_except(x, s->name, o->type->params, &o->p, "type",
                                  c->exp.kind == KIND_SWEEP || c->exp.kind == KIND_ONESTEP
                                      ? "lr" : NULL);
    if (status != OD_OK)
        return status;
    c->nopt++;
    return OD_OK;
}

static int load_sections(const ctx *x)
{
    const ini_doc *d = x->c->doc;
    int status;
    for (size_t i = 0; i < d->ns; i++) {
        const ini_section *s = &d->s[i];
        if (strncmp(s->name, "optimizer", 9) == 0 && (!s->name[9] || isspace((unsigned char)s->name[9]))) {
            const char *name = s->name + 9;
            while (isspace((unsigned char)*name))
                name++;
            if ((status = load_optimizer(x, s, name)) != OD_OK)
                return status;
        } else if (strcmp(s->name, "experiment") && strcmp(s->name, "problem") &&
                   strcmp(s->name, "run") && strcmp(s->name, "sweep") &&
                   strcmp(s->name, "flow") && strcmp(s->name, "onestep")) {
            char where[512];
            section_where(x, s->name, where, sizeof where);
            snprintf(x->err, x->errlen, "%s: unknown section (expected [experiment], [problem], "
                     "[run], [sweep], [flow], [onestep] or [optimizer NAME])", where);
            return OD_EINPUT;
        }
    }
    if (x->c->nopt == 0) {
        snprintf(x->err, x->errlen, "%s: no [optimizer NAME] section (at least one is needed)",
                 d->path);
        return OD_EINPUT;
    }
    return OD_OK;
}

/* Each kind has its own section: [run] (trajectory), [sweep], [flow], [onestep]. The sections
 * of other kinds are errors. */
static int load_kind_sections(const ctx *x)
{
    config *c = x->c;
    static const char *const own[] = { "run", "sweep", "flow", "onestep" };
    const param_spec *specs[] = { run_specs, sweep_specs, flow_specs, onestep_specs };
    void *bases[] = { &c->run, &c->sweep, &c->flow, &c->onestep };
    int kind = c->exp.kind;
    for (int k = 0; k < 4; k++)
        if (k != kind && ini_doc_section(c->doc, own[k])) {
            char where[512];
            section_where(x, own[k], where, sizeof where);
            snprintf(x->err, x->errlen, "%s: section not used by kind = %s (expected [%s])",
                     where, experiment_kind_names[kind], own[kind]);
            return OD_EINPUT;
        }
    int status = require_section(x, own[kind]);
    if (status != OD_OK)
        return status;
    return apply_section(x, own[kind], specs[kind], bases[kind], NULL);
}

/* Checks that involve several sections. */
/* A finite-data problem draws B examples: B must be an integer <= examples (or inf). */
static int batch_misfits_data(const problem_params *pp, double B)
{
    return param_find(problem_types[pp->type]->params, "examples") && !isinf(B) &&
           (B != floor(B) || B > (double)pp->examples);
}

static int check_consistency(const ctx *x)
{
    config *c = x->c;
    const problem_params *pp = &c->problem;
    char why[512];
    int sweep = c->exp.kind == KIND_SWEEP;
    const param_list one = { 1, { c->run.batch } }, *batches = sweep ? &c->sweep.batch : &one;
    for (size_t i = 0; i < batches->n; i++) {
        double B = batches->v[i];
        if (batch_misfits_data(pp, B)) {
            snprintf(why, sizeof why, "expected integer batch sizes <= examples = %ld (or inf), "
                     "got %g", pp->examples, B);
            return key_error(x, sweep ? "sweep" : "run", "batch", why);
        }
    }
    for (size_t i = 0; c->exp.kind == KIND_FLOW && i < c->nopt; i++)
        if (!c->opt[i].type->flows) {
            char sec[128];
            snprintf(sec, sizeof sec, "optimizer %s", c->opt[i].name);
            char have[512];
            size_t used = 0;
            have[0] = 0;
            for (size_t k = 0; opt_types[k] && used < sizeof have; k++)
                if (opt_types[k]->flows)
                    used += (size_t)snprintf(have + used, sizeof have - used, "%s%s",
                                             used ? ", " : "", opt_types[k]->name);
            snprintf(why, sizeof why, "kind = flow: no continuous-time limit is implemented for "
                     "'%s' (available: %s)", c->opt[i].type->name, have);
            return key_error(x, sec, "type", why);
        }
    if (c->exp.kind == KIND_FLOW && c->flow.limits[0]) {
        const char *bad = flow_limits_check(c, why, sizeof why);
        if (bad)
            return key_error(x, "flow", "limits", why);
    }
    if (sweep) {
        char section[128];
        const char *bad = sweep_config_check(c, section, sizeof section, why, sizeof why);
        if (bad)
            return key_error(x, section, bad, why);
    }
    const param_list *nsb = &c->run.noise_scale_batches;
    if (c->exp.kind == KIND_TRAJECTORY && c->run.noise_scale_every > 0) {
        int data = param_find(problem_types[pp->type]->params, "examples") != NULL;
        if (nsb->n != 2 || !(nsb->v[0] < nsb->v[1]) || batch_misfits_data(pp, nsb->v[0]) ||
            batch_misfits_data(pp, nsb->v[1])) {
            char most[64] = "";
            if (data)
                snprintf(most, sizeof most, ", integers <= examples = %ld", pp->examples);
            snprintf(why, sizeof why, "expected two batch sizes Bs < Bb%s, got %zu value%s",
                     most, nsb->n, nsb->n == 1 ? "" : "s");
            if (nsb->n == 2)
                snprintf(why + strlen(why), sizeof why - strlen(why), " (%g, %g)", nsb->v[0],
                         nsb->v[1]);
            return key_error(x, "run", "noise_scale_batches", why);
        }
    }
    const param_list *land = c->exp.kind == KIND_FLOW ? &c->flow.landscape : &c->run.landscape;
    if (land->n && (land->n != 4 || pp->dim != 2 || !(land->v[0] < land->v[1]) ||
                    !(land->v[2] < land->v[3]))) {
        snprintf(why, sizeof why, "expected xmin, xmax, ymin, ymax with xmin < xmax, ymin < ymax "
                 "for a 2-D problem (dim = %ld)", pp->dim);
        return key_error(x, c->exp.kind == KIND_FLOW ? "flow" : "run", "landscape", why);
    }
    for (size_t i = 0; i < c->nopt; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->opt[i].name, c->opt[j].name) == 0) {
                snprintf(x->err, x->errlen, "%s: two optimizers named '%s'", c->doc->path,
                         c->opt[i].name);
                return OD_EINPUT;
            }
    return OD_OK;
}

/* results/<stem>.h5 for experiments/<stem>.ini */
static void default_output(config *c)
{
    const char *base = strrchr(c->doc->path, '/');
    base = base ? base + 1 : c->doc->path;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(c->exp.output, sizeof c->exp.output, "results/%.*s.h5", len, base);
}

int config_load(const char *path, const char *const *sets, size_t nsets, config **out,
                char *err, size_t errlen)
{
    return config_load_from(path, NULL, sets, nsets, out, err, errlen);
}

int config_load_from(const char *path, const char *text, const char *const *sets, size_t nsets,
                     config **out, char *err, size_t errlen)
{
    *out = NULL;
    config *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return OD_ENOMEM;
    }
    ctx x = { c, err, errlen };
    int status = text ? ini_doc_parse(path, text, &c->doc, err, errlen)
                      : ini_doc_read(path, &c->doc, err, errlen);
    for (size_t i = 0; status == OD_OK && i < nsets; i++)
        status = ini_doc_set(c->doc, sets[i], err, errlen);
    if (status != OD_OK)
        goto fail;
    status = OD_ENOMEM;
    if (!(c->opt = calloc(c->doc->ns ? c->doc->ns : 1, sizeof *c->opt)))
        goto fail;
    param_defaults(experiment_specs, &c->exp);
    param_defaults(run_specs, &c->run);
    param_defaults(sweep_specs, &c->sweep);
    param_defaults(flow_specs, &c->flow);
    param_defaults(onestep_specs, &c->onestep);
    if ((status = apply_section(&x, "experiment", experiment_specs, &c->exp, NULL)) != OD_OK ||
        (status = load_problem(&x)) != OD_OK ||
        (status = load_kind_sections(&x)) != OD_OK ||
        (status = load_sections(&x)) != OD_OK || (status = check_consistency(&x)) != OD_OK)
        goto fail;
    if (c->exp.kind == KIND_SWEEP && c->sweep.momentum.n && (status = sweep_expand_momentum(c)) != OD_OK) {
        if (status == OD_EINPUT)
            key_error(&x, "sweep", "momentum", "no optimizer has a momentum key (momentum, nesterov)");
        goto fail;
    }
    if (!c->exp.output[0])
        default_output(c);
    *out = c;
    return OD_OK;
fail:
    if (status == OD_ENOMEM)
        snprintf(err, errlen, "out of memory");
    config_free(c);
    return status;
}

void config_free(config *c)
{
    if (!c)
        return;
    ini_doc_free(c->doc);
    free(c->opt);
    free(c);
}
