/* sim/kinds/sweep_variants.c — a sweep's variant grid: the swept optimizer keys (momentum, and
 * [sweep] axis = K1, K2, ... with values, values2, ...), their checks, and the optimizers
 * replaced by one variant per point of the product of the grids of the keys each one has. */
#include "sweep.h"
#include "../core/limits.h"
#include "../core/status.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The grids of axis's keys, in order, and their [sweep] names. */
static const param_list *axis_grid(const sweep_params *sp, size_t i)
{
    const param_list *g[SWEEP_AXES_MAX] = { &sp->values, &sp->values2, &sp->values3 };
    return g[i];
}
static const char *const axis_grid_name[SWEEP_AXES_MAX] = { "values", "values2", "values3" };

/* Split axis at commas into keys, blanks around each dropped: how many there are. The first max
 * are stored, each cut to SWEEP_KEY_LEN - 1 characters (*cut: some key was longer). */
static size_t axis_split(const char *axis, char (*key)[SWEEP_KEY_LEN], size_t max, int *cut)
{
    size_t n = 0;
    *cut = 0;
    if (!axis[0])
        return 0;
    for (const char *p = axis;; p++) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        while (p < end && isspace((unsigned char)*p))
            p++;
        size_t m = (size_t)(end - p);
        while (m > 0 && isspace((unsigned char)p[m - 1]))
            m--;
        if (n < max) {
            *cut |= m >= SWEEP_KEY_LEN;
            m = m < SWEEP_KEY_LEN ? m : SWEEP_KEY_LEN - 1;
            memcpy(key[n], p, m);
            key[n][m] = '\0';
        }
        n++;
        if (!*end)
            return n;
        p = end;
    }
}

void sweep_keys_of(const sweep_params *sp, sweep_keys *k)
{
    char axis[SWEEP_AXES_MAX][SWEEP_KEY_LEN];
    int cut;
    size_t na = sp->values.n ? axis_split(sp->axis, axis, SWEEP_AXES_MAX, &cut) : 0;
    k->n = 0;
    if (sp->momentum.n) {
        snprintf(k->key[0], SWEEP_KEY_LEN, "momentum");
        k->grid[k->n++] = &sp->momentum;
    }
    for (size_t i = 0; i < na && i < SWEEP_AXES_MAX; i++) {
        memcpy(k->key[k->n], axis[i], SWEEP_KEY_LEN);
        k->grid[k->n++] = axis_grid(sp, i);
    }
}

int sweep_axis_lists(const sweep_params *sp, const char *key)
{
    char axis[SWEEP_AXES_MAX][SWEEP_KEY_LEN];
    int cut;
    size_t n = axis_split(sp->axis, axis, SWEEP_AXES_MAX, &cut);
    for (size_t i = 0; i < n && i < SWEEP_AXES_MAX; i++)
        if (axis_grid(sp, i)->n && !strcmp(axis[i], key))
            return 1;
    return 0;
}

/* Two values of one grid printed alike in variant names (%.6g): the [sweep] key `name`. */
static const char *grid_alike(const param_list *g, const char *name, char *why, size_t len)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < i; j++) {
            char a[32], b[32];
            snprintf(a, sizeof a, "%.6g", g->v[i]);
            snprintf(b, sizeof b, "%.6g", g->v[j]);
            if (!strcmp(a, b)) {
                snprintf(why, len, "values %.15g and %.15g (numbers %zu and %zu) would both name "
                         "variants '=%s': expected values distinct in 6 significant digits",
                         g->v[j], g->v[i], j + 1, i + 1, a);
                return name;
            }
        }
    return NULL;
}

/* "k1, k2" of n keys. */
static void key_list(char (*key)[SWEEP_KEY_LEN], size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", key[i]);
}

/* axis's keys: at most SWEEP_AXES_MAX, each a word, none a [sweep] key, none twice. */
static const char *axis_check(const sweep_params *sp, char (*key)[SWEEP_KEY_LEN], size_t *n,
                              char *why, size_t len)
{
    int cut;
    *n = axis_split(sp->axis, key, SWEEP_AXES_MAX, &cut);
    if (*n > SWEEP_AXES_MAX) {
        snprintf(why, len, "at most %d keys (their grids: values, values2, values3), got %zu in "
                 "'%s'", SWEEP_AXES_MAX, *n, sp->axis);
        return "axis";
    }
    for (size_t i = 0; i < *n; i++) {
        int word = key[i][0] != '\0' && !cut;
        for (const char *p = key[i]; *p; p++)
            word &= !isspace((unsigned char)*p) && *p != '=' && *p != '@';
        if (!word) {
            snprintf(why, len, "expected optimizer keys separated by commas (e.g. lr_ratio, "
                     "beta2), got '%s'", sp->axis);
            return "axis";
        }
        if (param_find(sweep_specs, key[i])) {
            snprintf(why, len, "'%s' is a [sweep] key of its own: set it there", key[i]);
            return "axis";
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(key[i], key[j])) {
                snprintf(why, len, "'%s' is listed twice: expected distinct keys", key[i]);
                return "axis";
            }
    }
    return NULL;
}

const char *sweep_keys_check(const sweep_params *sp, char *why, size_t len)
{
    char key[SWEEP_AXES_MAX][SWEEP_KEY_LEN], list[256];
    size_t n = 0;
    const char *bad = sp->axis[0] ? axis_check(sp, key, &n, why, len) : NULL;
    if (bad)
        return bad;
    if (!sp->axis[0] != !sp->values.n) {
        snprintf(why, len, "axis and values go together (the key swept and its grid)");
        return sp->axis[0] ? "values" : "axis";
    }
    key_list(key, n, list, sizeof list);
    for (size_t i = 1; i < SWEEP_AXES_MAX; i++) {
        if (i < n && !axis_grid(sp, i)->n) {
            snprintf(why, len, "axis lists %zu keys (%s): expected %s = the grid of %s", n, list,
                     axis_grid_name[i], key[i]);
            return axis_grid_name[i];
        }
        if (i >= n && axis_grid(sp, i)->n) {
            snprintf(why, len, "%s is the grid of axis's key number %zu, and axis lists %zu "
                     "key%s (%s): expected a key for it in axis, or no %s", axis_grid_name[i],
                     i + 1, n, n == 1 ? "" : "s", n ? list : "none", axis_grid_name[i]);
            return axis_grid_name[i];
        }
    }
    if ((bad = grid_alike(&sp->momentum, "momentum", why, len)))
        return bad;
    for (size_t i = 0; i < n; i++)
        if ((bad = grid_alike(axis_grid(sp, i), axis_grid_name[i], why, len)))
            return bad;
    return NULL;
}

/* The spec of key for o and the struct it lives in: the type's keys, then opt_train's. */
static const param_spec *opt_key_spec(cfg_optimizer *o, const char *key, void **base)
{
    const param_spec *s = param_find(o->type->params, key);
    *base = &o->p;
    if (!s) {
        s = param_find(opt_train_specs, key);
        *base = &o->p.train;
    }
    return s && s->kind == PARAM_REAL ? s : NULL;
}

double sweep_opt_key(const cfg_optimizer *o, const char *key)
{
    if (param_find(o->type->params, key))
        return param_get(o->type->params, &o->p, key, NAN);
    return param_get(opt_train_specs, &o->p.train, key, NAN);
}

/* The [sweep] key holding the grid of swept key j. */
static const char *grid_key(const sweep_params *sp, const sweep_keys *k, size_t j)
{
    if (k->grid[j] == &sp->momentum)
        return "momentum";
    for (size_t i = 0; i < SWEEP_AXES_MAX; i++)
        if (k->grid[j] == axis_grid(sp, i))
            return axis_grid_name[i];
    return "axis";
}

/* Variant m of optimizer o (which has the swept keys has[j]) into v: each key set to its grid
 * value (the last key running fastest), named SECTION@L1=V1,L2=V2. */
static int make_variant(const config *c, const sweep_keys *k, const int *has, size_t o, size_t m,
                        cfg_optimizer *v, char *why, size_t len, const char **bad)
{
    const sweep_params *sp = sweep_params_of(c);
    size_t idx[SWEEP_KEYS_MAX] = { 0 }, used;
    char name[1024];
    *v = c->opt[o];
    for (size_t j = k->n; j-- > 0;)
        if (has[j]) {
            idx[j] = m % k->grid[j]->n;
            m /= k->grid[j]->n;
        }
    used = (size_t)snprintf(name, sizeof name, "%s@", v->section);
    for (size_t j = 0; j < k->n; j++) {
        if (!has[j])
            continue;
        void *base;
        const param_spec *s = opt_key_spec(v, k->key[j], &base);
        double value = k->grid[j]->v[idx[j]];
        char text[64], why1[256];
        snprintf(text, sizeof text, "%.17g", value);
        if (param_set(s, base, text, why1, sizeof why1) != OD_OK) {
            snprintf(why, len, "%s of [optimizer %s]: %s", k->key[j], v->section, why1);
            *bad = grid_key(sp, k, j);
            return OD_EINPUT;
        }
        if (used < sizeof name)
            used += (size_t)snprintf(name + used, sizeof name - used, "%s%s=%.6g",
                                     name[used - 1] == '@' ? "" : ",",
                                     k->grid[j] == &sp->momentum ? "mu" : k->key[j], value);
    }
    if (used >= sizeof v->name) {
        snprintf(why, len, "the variant name '%.*s' would have %zu characters, and names have at "
                 "most %zu: expected a shorter [optimizer %s] name (or fewer swept keys)",
                 (int)(used < sizeof name ? used : sizeof name - 1), name, used,
                 sizeof v->name - 1, v->section);
        *bad = sp->axis[0] ? "axis" : "momentum";
        return OD_EINPUT;
    }
    memcpy(v->name, name, used + 1);
    return OD_OK;
}

/* How many variants optimizer o has (has[j]: does it have swept key j). */
static double variants_of(config *c, const sweep_keys *k, size_t o, int *has)
{
    double count = 1;
    void *base;
    for (size_t j = 0; j < k->n; j++)
        if ((has[j] = opt_key_spec(&c->opt[o], k->key[j], &base) != NULL))
            count *= (double)k->grid[j]->n;
    return count;
}

int sweep_expand_variants(config *c, char *why, size_t len, const char **bad)
{
    const sweep_params *sp = sweep_params_of(c);
    sweep_keys k;
    sweep_keys_of(sp, &k);
    double total = 0;
    int has[SWEEP_KEYS_MAX];
    size_t with[SWEEP_KEYS_MAX] = { 0 };
    for (size_t i = 0; i < c->nopt; i++) {
        total += variants_of(c, &k, i, has);
        for (size_t j = 0; j < k.n; j++)
            with[j] += (size_t)has[j];
    }
    for (size_t j = 0; j < k.n; j++)
        if (!with[j]) {
            if (k.grid[j] == &sp->momentum)
                snprintf(why, len, "no optimizer has a momentum key (momentum, nesterov)");
            else
                snprintf(why, len, "no optimizer has a real-valued key '%s'", k.key[j]);
            *bad = k.grid[j] == &sp->momentum ? "momentum" : "axis";
            return OD_EINPUT;
        }
    if (limits_bytes_misfit(total, (double)sizeof(cfg_optimizer), "the optimizer variants",
                            why, len)) {
        *bad = sp->axis[0] ? "axis" : "momentum";
        return OD_EINPUT;
    }
    cfg_optimizer *v = calloc((size_t)total, sizeof *v);
    if (!v)
        return OD_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < c->nopt; i++) {
        size_t count = (size_t)variants_of(c, &k, i, has);
        int any = 0;
        for (size_t j = 0; j < k.n; j++)
            any |= has[j];
        if (!any) {
            v[n++] = c->opt[i];
            continue;
        }
        for (size_t m = 0; m < count; m++, n++) {
            int status = make_variant(c, &k, has, i, m, &v[n], why, len, bad);
            if (status != OD_OK) {
                free(v);
                return status;
            }
        }
    }
    free(c->opt);
    c->opt = v;
    c->nopt = n;
    return OD_OK;
}
