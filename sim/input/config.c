/* sim/input/config.c — interpret an ini_doc as an experiment: sections and keys checked against the
 * param_spec tables of the experiment, the run, the problem type and each optimizer type. */
#include "config.h"
#include "../kinds/kind.h"
#include "../core/limits.h"
#include "../core/rng.h"
#include "../core/status.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const param_spec experiment_specs[] = {
    { "seed", PARAM_INT, offsetof(experiment_params, seed), "1", 0, 9007199254740991.0, 0, NULL,
      "key of every random stream (data, x0, noise, batches)" },
    { "output", PARAM_STRING, offsetof(experiment_params, output), NULL, 0, 0, PARAM_OPTIONAL,
      NULL, "HDF5 file to write (default <file stem>.h5 in the current directory; -o overrides)" },
    { "rng", PARAM_CHOICE, offsetof(experiment_params, rng), "philox", 0, 0, 0, rng_generator_names,
      "counter-based generator of every random stream: philox (Philox-4x32-10) or splitmix (SplitMix64)" },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

/* The `type` keys choose among the registries' own names, read from the registries. */
static const char *problem_name_at(size_t i) { return problem_types[i] ? problem_types[i]->name : NULL; }
static const char *opt_name_at(size_t i) { return opt_types[i] ? opt_types[i]->name : NULL; }
static const char *kind_name_at(size_t i) { return kind_types[i] ? kind_types[i]->name : NULL; }
#define TYPES_MAX 256   /* more than any registry holds */

typedef struct ctx {
    config *c;
    char *err;
    size_t errlen;
} ctx;

/* "path:line: [name]" for a section of the file, "--set name.key: [name]" for one that exists
 * only through --set (line 0; key: its first --set entry), "path: [name]" for an absent one. */
static void section_where(const ctx *x, const char *name, char *buf, size_t len)
{
    const ini_doc *d = x->c->doc;
    const ini_section *s = ini_doc_section(d, name);
    if (s && s->line > 0) {
        snprintf(buf, len, "%s:%d: [%s]", d->path, s->line, name);
        return;
    }
    for (size_t i = 0; s && i < d->ne; i++)
        if (d->e[i].line == 0 && strcmp(d->e[i].section, name) == 0) {
            snprintf(buf, len, "--set %s.%s: [%s]", name, d->e[i].key, name);
            return;
        }
    snprintf(buf, len, "%s: [%s]", d->path, name);
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

/* A second table of keys a section accepts after its own (the optimizers' shared opt_train). */
typedef struct more_specs {
    const param_spec *specs;
    void *base;
} more_specs;

/* Every key of section `name` must be in specs or more's (besides `skip`); required keys of
 * specs must be present (except `exempt`). */
static int apply_section_more(const ctx *x, const char *name, const param_spec *specs,
                              void *base, const char *skip, const char *exempt,
                              const more_specs *more)
{
    const ini_doc *d = x->c->doc;
    for (size_t i = 0; i < d->ne; i++) {
        const ini_entry *e = &d->e[i];
        if (strcmp(e->section, name) != 0 || (skip && strcmp(e->key, skip) == 0))
            continue;
        const param_spec *spec = param_find(specs, e->key);
        void *at = base;
        if (!spec && more && (spec = param_find(more->specs, e->key)))
            at = more->base;
        if (!spec) {
            char keys[1024], keys2[1024] = "", what[2200];
            param_keys(specs, keys, sizeof keys);
            if (more)
                param_keys(more->specs, keys2, sizeof keys2);
            snprintf(what, sizeof what, "unknown key (expected one of: %s%s%s%s%s)",
                     skip ? skip : "", skip ? ", " : "", keys, more ? ", " : "", keys2);
            return entry_error(x, e, what);
        }
        int status = set_entry(x, e, spec, at);
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
    return apply_section_more(x, name, specs, base, skip, NULL, NULL);
}

/* A CHOICE among a registry's own names (names: room for TYPES_MAX + 1), so that a registry's
 * keys are matched and described as every other choice is. */
static param_spec registry_spec(const char *key, const char *(*name_at)(size_t), const char *doc,
                                const char **names)
{
    size_t n = 0;
    while (n < TYPES_MAX && (names[n] = name_at(n)))
        n++;
    names[n] = NULL;
    return (param_spec){ key, PARAM_CHOICE, 0, NULL, 0, 0, 0, names, doc };
}

/* The `type` key of a section: required, one of the registry's names (its index into *type). */
static int section_type(const ctx *x, const char *name, const char *(*name_at)(size_t),
                        const char *doc, int *type)
{
    const char *names[TYPES_MAX + 1];
    const param_spec spec = registry_spec("type", name_at, doc, names);
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

/* A missing section is reported where the reader gave up looking: at the file's last line. */
static int require_section(const ctx *x, const char *name)
{
    const ini_doc *d = x->c->doc;
    if (ini_doc_section(d, name))
        return OD_OK;
    int lines = 0;
    for (const char *p = d->text; p && *p; p++)
        lines += *p == '\n' || !p[1];
    if (lines == 0)
        snprintf(x->err, x->errlen, "%s: empty file: missing section [%s]", d->path, name);
    else
        snprintf(x->err, x->errlen, "%s:%d: end of file: missing section [%s] (no line of the "
                 "file or --set names it)", d->path, lines, name);
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
    problem_params_resolve(pp);
    char why[1024];
    const char *bad = problem_check(pp, why, sizeof why);
    if (!bad && limits_bytes_misfit((double)pp->dim, 16.0 * 8.0, "the per-coordinate state "
                                    "(about 16 vectors of dim doubles)", why, sizeof why))
        bad = "dim";
    if (!bad && config_finite_data(x->c) &&
        limits_bytes_misfit((double)pp->examples * (double)pp->dim, 8.0,
                            "the dataset (examples x dim doubles)", why, sizeof why))
        bad = "examples";
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
        char where[512];
        section_where(x, s->name, where, sizeof where);
        snprintf(x->err, x->errlen, "%s: expected [optimizer NAME] with NAME made of letters, "
                 "digits, '_', '-' or '.' (at most 63), got '%s'", where, name);
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
    param_defaults(opt_train_specs, &o->p.train);
    param_defaults(o->type->params, &o->p);   /* after: a type may set a shared key's default */
    for (int t = 0; t < 2; t++)
        for (const param_spec *k = t ? opt_train_specs : o->type->params;
             c->kind->reserved_key && k->key; k++) {
            const ini_entry *e = ini_doc_entry(c->doc, s->name, k->key);
            const char *why = c->kind->reserved_key(c, k->key);
            if (e && why)
                return entry_error(x, e, why);
        }
    if (c->kind->prepare_optimizer)
        c->kind->prepare_optimizer(o);
    const more_specs train = { opt_train_specs, &o->p.train };
    status = apply_section_more(x, s->name, o->type->params, &o->p, "type",
                                c->kind->reserved_key && c->kind->reserved_key(c, "lr")
                                    ? "lr" : NULL, &train);
    if (status != OD_OK)
        return status;
    c->nopt++;
    return OD_OK;
}

/* The kind whose own section is `name`, or NULL. */
static const kind_type *kind_of_section(const char *name)
{
    for (size_t k = 0; kind_types[k]; k++)
        if (strcmp(kind_types[k]->section, name) == 0)
            return kind_types[k];
    return NULL;
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
                   !kind_of_section(s->name)) {
            char where[512], own[256] = "";
            section_where(x, s->name, where, sizeof where);
            for (size_t k = 0; kind_types[k]; k++)
                snprintf(own + strlen(own), sizeof own - strlen(own), "[%s], ",
                         kind_types[k]->section);
            snprintf(x->err, x->errlen, "%s: unknown section (expected [experiment], [problem], "
                     "%sor [optimizer NAME])", where, own);
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

/* [experiment] kind: one of the registry's kinds (default: the first, trajectory). */
static int load_kind(const ctx *x)
{
    config *c = x->c;
    const ini_entry *e = ini_doc_entry(c->doc, "experiment", "kind");
    int k = 0;
    if (e) {
        const char *names[TYPES_MAX + 1];
        const param_spec spec = registry_spec("kind", kind_name_at, "what to run", names);
        int status = set_entry(x, e, &spec, &k);
        if (status != OD_OK)
            return status;
    }
    c->kind = kind_types[k];
    if (!(c->kp = calloc(1, c->kind->params_size)))
        return OD_ENOMEM;
    param_defaults(c->kind->specs, c->kp);
    return OD_OK;
}

/* Each kind has its own section ([run], [sweep], [flow], [onestep], ...); the sections of other
 * kinds are errors. */
static int load_kind_section(const ctx *x)
{
    const config *c = x->c;
    const char *own = c->kind->section;
    for (size_t k = 0; kind_types[k]; k++)
        if (kind_types[k] != c->kind && ini_doc_section(c->doc, kind_types[k]->section)) {
            char where[512];
            section_where(x, kind_types[k]->section, where, sizeof where);
            snprintf(x->err, x->errlen, "%s: section not used by kind = %s (expected [%s])",
                     where, c->kind->name, own);
            return OD_EINPUT;
        }
    int status = require_section(x, own);
    if (status != OD_OK)
        return status;
    return apply_section(x, own, c->kind->specs, c->kp, NULL);
}

int config_finite_data(const config *c)
{
    return param_find(problem_types[c->problem.type]->params, "examples") != NULL &&
           c->problem.examples > 0;          /* matreg: examples = 0 is its Gaussian model */
}

/* Normals per online example, 0 for problems that are not online. */
static double stream_width(const config *c)
{
    const problem_type *t = problem_types[c->problem.type];
    return t->stream_width ? (double)t->stream_width(&c->problem) : 0.0;
}

int config_batch_misfits(const config *c, double B)
{
    if (isinf(B))
        return 0;
    if (config_finite_data(c))
        return B != floor(B) || B > (double)c->problem.examples;
    return stream_width(c) > 0 && (B != floor(B) || B * stream_width(c) > PROBLEM_STREAM_MAX);
}

int config_batches_misfit(const config *c, size_t n, const double *B, char *why, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (config_batch_misfits(c, B[i])) {
            if (config_finite_data(c))
                snprintf(why, len, "expected integer batch sizes <= examples = %ld (or inf), got "
                         "%g", c->problem.examples, B[i]);
            else
                snprintf(why, len, "expected integer batch sizes with batch * %.0f draws per "
                         "example <= %.0f per step (or inf), got %g", stream_width(c),
                         PROBLEM_STREAM_MAX, B[i]);
            return 1;
        }
    return 0;
}

const char *config_kind_name(const config *c)
{
    return c->kind->name;
}

/* Error about key of optimizer o, in its section; a variant of a sweep's grid is named. */
static int opt_error(const ctx *x, const cfg_optimizer *o, const char *key, const char *why)
{
    char name[128], what[1400];
    snprintf(name, sizeof name, "optimizer %s", o->section);
    if (strcmp(o->name, o->section) == 0)
        return key_error(x, name, key, why);
    snprintf(what, sizeof what, "%s (in its variant %s of the [sweep] grid)", why, o->name);
    return key_error(x, name, key, what);
}

/* Checks that involve several sections: the kind's variants first (the checks see each), then
 * the kind's own checks, each optimizer's training keys, distinct optimizer names. */
static int check_consistency(const ctx *x)
{
    config *c = x->c;
    char section[128], why[1024];
    if (c->kind->expand) {          /* first: the checks below see every variant */
        char key[64];
        int status = c->kind->expand(c, section, sizeof section, key, sizeof key, why, sizeof why);
        if (status == OD_EINPUT)
            return key_error(x, section, key, why);
        if (status != OD_OK)
            return status;
    }
    const char *bad = c->kind->check ? c->kind->check(c, section, sizeof section, why, sizeof why)
                                     : NULL;
    if (bad)
        return key_error(x, section, bad, why);
    for (size_t i = 0; i < c->nopt; i++) {
        opt_train *tr = &c->opt[i].p.train;
        const cfg_optimizer *o = &c->opt[i];
        int schedule_only = opt_train_scheduled(tr) && !opt_train_grad_wrapped(tr) &&
                            !(tr->weight_decay > 0) && !opt_train_block_lr(tr);
        if (opt_train_active(tr) && !c->kind->budget && schedule_only &&
            (c->kind->flags & KIND_SCHEDULE_PER_RUN)) {     /* length: each run's own (T = K) */
            if ((bad = opt_train_resolve(tr, LONG_MAX / 4, why, sizeof why)))
                return opt_error(x, o, bad, why);
            continue;
        }
        if (opt_train_active(tr) && !c->kind->budget) {
            snprintf(why, sizeof why, "kind = %s takes no %s (kinds trajectory and sweep "
                     "do%s)", c->kind->name, c->kind->flags & KIND_SCHEDULE_PER_RUN ?
                     "weight decay, l2, clipping or lr_ratio" :
                     "schedule, weight decay, clipping or lr_ratio",
                     c->kind->flags & KIND_SCHEDULE_PER_RUN ? "; this kind takes schedules" : "");
            return opt_error(x, o, tr->weight_decay > 0 ? "weight_decay" : tr->l2 > 0 ? "l2"
                             : tr->clip_norm > 0 ? "clip_norm" : opt_train_block_lr(tr) ?
                             "lr_ratio" : tr->schedule != 0 ? "schedule" : "warmup", why);
        }
        const problem_type *pt = problem_types[c->problem.type];
        size_t nb = pt->layout ? pt->layout(&c->problem, NULL) : 1;
        if (opt_train_block_lr(tr) && (size_t)tr->lr_ratio_from >= nb) {
            snprintf(why, sizeof why, "scales blocks lr_ratio_from = %ld and later, but problem %s "
                     "has %zu parameter block%s (expected lr_ratio = 1, or lr_ratio_from < %zu)",
                     tr->lr_ratio_from, pt->name, nb, nb == 1 ? "" : "s", nb);
            return opt_error(x, o, "lr_ratio", why);
        }
        if (c->kind->budget && (bad = opt_train_resolve(tr, c->kind->budget(c), why, sizeof why)))
            return opt_error(x, o, bad, why);
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

/* <stem>.h5 in the current directory for any/folder/<stem>.ini: works wherever optdyn runs
 * (an installed experiment included), never inside the folder of the experiment file. */
static void default_output(config *c)
{
    const char *base = strrchr(c->doc->path, '/');
    base = base ? base + 1 : c->doc->path;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(c->exp.output, sizeof c->exp.output, "%.*s.h5", len, base);
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
    if ((status = apply_section(&x, "experiment", experiment_specs, &c->exp, "kind")) != OD_OK ||
        (status = load_kind(&x)) != OD_OK || (status = load_problem(&x)) != OD_OK ||
        (status = load_kind_section(&x)) != OD_OK || (status = load_sections(&x)) != OD_OK ||
        (status = check_consistency(&x)) != OD_OK)
        goto fail;
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
    free(c->kp);
    free(c->opt);
    free(c);
}
