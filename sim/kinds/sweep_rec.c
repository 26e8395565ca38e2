/* sim/kinds/sweep_rec.c — a sweep's results as HDF5: axes /sweep/{optimizer,batch,lr,seed,target},
 * cubes indexed [optimizer][batch][lr][seed](target) with every axis attached as a dimension
 * scale, and the best lr per batch under /sweep/best, indexed [optimizer][batch][target]; with a
 * variant grid, each optimizer's section and swept values as coordinates of the optimizer axis. */
#include "../output/meta.h"
#include "../core/status.h"
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>

/* The optimizer axis's coordinates: variant_section, then per swept key variant_value (one
 * key) or variant_KEY (several), the names of the CF `coordinates` attribute of each cube. */
static void variant_names(const sweep_keys *k, char (*name)[SWEEP_KEY_LEN + 8])
{
    snprintf(name[0], sizeof name[0], "variant_section");
    for (size_t j = 0; j < k->n; j++)
        snprintf(name[j + 1], sizeof name[j + 1], "variant_%s", k->n == 1 ? "value" : k->key[j]);
}

/* With a variant grid: /sweep/section [NS], and on the optimizer axis /sweep/variant_section
 * [O] (index into /sweep/section) and per swept key its value (NaN for an optimizer without
 * the key), so a cube [optimizer]... unstacks to [section][K1][K2]... */
static int write_variants(rec *r, const config *c, const sweep_result *res, const sweep_keys *k)
{
    char name[SWEEP_KEYS_MAX + 1][SWEEP_KEY_LEN + 8];
    const char **sections = malloc(res->NS * sizeof *sections);
    double *index = malloc(res->O * sizeof *index), *value = malloc(res->O * sizeof *value);
    if (!sections || !index || !value) {
        free(sections);
        free(index);
        free(value);
        return OD_ENOMEM;
    }
    variant_names(k, name);
    for (size_t o = 0; o < res->O; o++) {
        sections[res->section_of[o]] = c->opt[o].section;
        index[o] = (double)res->section_of[o];
    }
    static const char *const axis[] = { "/sweep/optimizer" };
    rec_strings(r, "/sweep/section", res->NS, sections);
    rec_array_int(r, "/sweep/variant_section", 1, &res->O, index);
    rec_dims(r, "/sweep/variant_section", 1, axis);
    rec_attr_str(r, "/sweep/variant_section", "description", "index into /sweep/section of "
                 "each optimizer variant (its [optimizer] section)");
    for (size_t j = 0; j < k->n; j++) {
        char path[SWEEP_KEY_LEN + 16];
        snprintf(path, sizeof path, "/sweep/%s", name[j + 1]);
        for (size_t o = 0; o < res->O; o++)
            value[o] = sweep_opt_key(&c->opt[o], k->key[j]);
        rec_array(r, path, 1, &res->O, value, NULL);
        rec_dims(r, path, 1, axis);
        rec_attr_str(r, path, "key", k->key[j]);
        rec_attr_str(r, path, "description", k->n == 1
                     ? "the value of the swept optimizer key (attribute key) of each optimizer "
                       "variant; NaN: the optimizer has no such key"
                     : "the value of one of the swept optimizer keys (attribute key) of each "
                       "optimizer variant; NaN: the optimizer has no such key");
    }
    free(sections);
    free(index);
    free(value);
    return rec_status(r);
}

/* Attach the axes of a cube indexed [optimizer]..., and with a variant grid name the optimizer
 * axis's coordinates (coords) in a CF `coordinates` attribute (xarray sets them as coordinates). */
static void cube_axes_of(rec *r, const char *coords, const char *path, int rank,
                         const char *const *axes)
{
    rec_dims(r, path, rank, axes);
    if (coords[0])
        rec_attr_str(r, path, "coordinates", coords);
}

/* The datasets of /sweep/best_tuned, [section][batch][target]: best over lr and the variants. */
static void write_tuned(rec *r, const sweep_result *res, const sweep_keys *k)
{
    rec_group(r, "/sweep/best_tuned");
    char desc[256], keys[128] = "";
    for (size_t j = 0, used = 0; j < k->n && used < sizeof keys; j++)
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", j ? " x " : "",
                                 k->key[j]);
    snprintf(desc, sizeof desc, "per [optimizer] section, the best over the %s grid and the "
             "learning rate (from /sweep/best of its variants)", keys);
    rec_attr_str(r, "/sweep/best_tuned", "description", desc);
    size_t bd[3] = { res->NS, res->NB, res->T };
    static const char *const axes[] = { "/sweep/section", "/sweep/batch", "/sweep/target" };
    const char *what[SWEEP_KEYS_MAX + 3] = { "lr_opt" };
    const double *data[SWEEP_KEYS_MAX + 3] = { res->tuned_lr };
    for (size_t j = 0; j < k->n; j++) {
        what[j + 1] = k->key[j];
        data[j + 1] = res->tuned_key[j];
    }
    what[k->n + 1] = "steps";
    data[k->n + 1] = res->tuned_steps;
    what[k->n + 2] = "examples";
    data[k->n + 2] = res->tuned_examples;
    for (size_t j = 0; j < k->n + 3; j++) {
        char path[SWEEP_KEY_LEN + 32];
        snprintf(path, sizeof path, "/sweep/best_tuned/%s", what[j]);
        rec_array(r, path, 3, bd, data[j], NULL);
        rec_dims(r, path, 3, axes);
    }
}

int sweep_write(rec *r, const config *c, const sweep_result *res, int partial)
{
    const sweep_params *sp = sweep_params_of(c);
    const char **names = malloc(res->O * sizeof *names);
    double *seeds = malloc(res->S * sizeof *seeds);
    if (!names || !seeds) {
        free(names);
        free(seeds);
        return OD_ENOMEM;
    }
    for (size_t o = 0; o < res->O; o++)
        names[o] = c->opt[o].name;
    for (size_t s = 0; s < res->S; s++)
        seeds[s] = (double)s;
    rec_group(r, "/sweep");
    meta_write_params(r, "/sweep", sweep_specs, sp, NULL);
    rec_attr_str(r, "/sweep", "steps_definition",
                 sp->mode == SWEEP_EXACT
                     ? "first crossing: smallest k with E[L(x_k)] <= target (exact expected loss; "
                       "found by a search that provably returns the first such k, monotone or "
                       "not); -1: not reached by max_steps or diverged"
                     : sp->target_metric == TARGET_TEST_ACCURACY
                     ? "first checked step k (every eval_every) with test accuracy of x_k >= "
                       "target along the simulated run; -1: not reached by max_steps or diverged"
                     : "first checked step k (every eval_every) with L(x_k) <= target along the "
                       "simulated run; -1: not reached by max_steps or diverged");
    rec_strings(r, "/sweep/optimizer", res->O, names);
    rec_array(r, "/sweep/batch", 1, &res->NB, sp->batch.v, NULL);
    rec_array(r, "/sweep/lr", 1, &res->NL, sp->lr.v, NULL);
    rec_array_int(r, "/sweep/seed", 1, &res->S, seeds);
    rec_array(r, "/sweep/target", 1, &res->T, sp->target.v, NULL);
    rec_attr_str(r, "/sweep/seed", "description", "Monte Carlo replicate (start and noise streams)");
    for (size_t o = 0; o < res->O; o++) {
        char group[128];
        snprintf(group, sizeof group, "/sweep/optimizers/%s", c->opt[o].name);
        rec_group(r, group);
        rec_attr_str(r, group, "type", c->opt[o].type->name);
        rec_attr_str(r, group, "rule", c->opt[o].type->rule);
        meta_write_params(r, group, c->opt[o].type->params, &c->opt[o].p, "lr");
        meta_write_train(r, group, &c->opt[o].p);
    }
    sweep_keys keys;
    char coords[(SWEEP_KEYS_MAX + 1) * (SWEEP_KEY_LEN + 9)] = "";
    sweep_keys_of(sp, &keys);
    if (res->NS) {
        char name[SWEEP_KEYS_MAX + 1][SWEEP_KEY_LEN + 8];
        variant_names(&keys, name);
        for (size_t j = 0, used = 0; j <= keys.n; j++)
            used += (size_t)snprintf(coords + used, sizeof coords - used, "%s%s", j ? " " : "",
                                     name[j]);
    }
    int status = res->NS ? write_variants(r, c, res, &keys) : OD_OK;
    if (status != OD_OK) {
        free(names);
        free(seeds);
        return status;
    }

    static const char *const cube_axes[] = { "/sweep/optimizer", "/sweep/batch", "/sweep/lr",
                                             "/sweep/seed", "/sweep/target" };
    size_t dims[5] = { res->O, res->NB, res->NL, res->S, res->T };
    rec_array_int(r, "/sweep/steps_to_target", 5, dims, res->steps);
    cube_axes_of(r, coords, "/sweep/steps_to_target", 5, cube_axes);
    rec_array(r, "/sweep/final_loss", 4, dims, res->final_loss, NULL);
    cube_axes_of(r, coords, "/sweep/final_loss", 4, cube_axes);
    rec_array_int(r, "/sweep/diverged_at", 4, dims, res->diverged_at);
    cube_axes_of(r, coords, "/sweep/diverged_at", 4, cube_axes);
    rec_attr_str(r, "/sweep/diverged_at", "description", "step at which the loss became "
                 "non-finite or exceeded diverge_factor x the initial loss; -1: never");
    if (partial) {
        static const char *const section_axis[] = { "/sweep/section" };
        if (res->NS)        /* its own axis (in a full file best_tuned's attachment makes it one) */
            rec_dims(r, "/sweep/section", 1, section_axis);
        double *done = malloc(res->cells * sizeof *done);
        for (size_t k = 0; done && k < res->cells; k++)
            done[k] = res->done[k];
        if (done)
            rec_array_int(r, "/sweep/done", 4, dims, done);
        cube_axes_of(r, coords, "/sweep/done", 4, cube_axes);
        rec_attr_str(r, "/sweep/done", "description", "1: this shard holds the cell");
        free(done);
        free(names);
        free(seeds);
        return done ? rec_status(r) : OD_ENOMEM;
    }
    static const char *const q_axes[] = { "/sweep/optimizer", "/sweep/batch", "/sweep/lr",
                                          "/sweep/target" };
    size_t qd[4] = { res->O, res->NB, res->NL, res->T };
    const char *qn[] = { "/sweep/steps_median", "/sweep/steps_q1", "/sweep/steps_q3" };
    const double *qv[] = { res->steps_median, res->steps_q1, res->steps_q3 };
    for (int k = 0; k < 3; k++) {
        rec_array(r, qn[k], 4, qd, qv[k], NULL);
        cube_axes_of(r, coords, qn[k], 4, q_axes);
        rec_attr_str(r, qn[k], "description", "median / first / third quartile over replicates "
                     "of steps_to_target (a miss counting as infinity); -1: infinite");
    }
    if (res->stationary) {
        rec_array(r, "/sweep/stationary_loss", 3, qd, res->stationary, NULL);
        cube_axes_of(r, coords, "/sweep/stationary_loss", 3, q_axes);
        rec_attr_str(r, "/sweep/stationary_loss", "description", "stationary risk "
                     "lim_k E[L(x_k)] in closed form (the loss of the iterate average with ema > "
                     "0); 0 for batch = inf; inf where the dynamics are unstable");
    }

    static const char *const best_axes[] = { "/sweep/optimizer", "/sweep/batch", "/sweep/target" };
    size_t bd[3] = { res->O, res->NB, res->T };
    rec_group(r, "/sweep/best");
    rec_attr_str(r, "/sweep/best", "refinement",
                 sp->refine == REFINE_NONE ? "none: lr_opt is the grid optimum"
                 : sp->mode == SWEEP_EXACT
                     ? "golden-section search on log lr between the grid neighbours of the grid "
                       "optimum, minimizing the crossing step interpolated in log loss; steps is "
                       "the exact integer step count at lr_opt"
                     : "vertex of the parabola in log lr through the median steps at the grid "
                       "optimum and its two neighbours; steps is the grid optimum's median");
    rec_array(r, "/sweep/best/lr_opt", 3, bd, res->lr_opt, NULL);
    rec_array(r, "/sweep/best/lr_grid", 3, bd, res->lr_grid, NULL);
    rec_array(r, "/sweep/best/steps", 3, bd, res->best_steps, NULL);
    rec_array(r, "/sweep/best/examples", 3, bd, res->examples, NULL);
    rec_attr_str(r, "/sweep/best/steps", "description", "steps to target at the optimal lr "
                 "(median over replicates); -1: no lr reached the target");
    rec_attr_str(r, "/sweep/best/examples", "description", "batch * steps (inf for batch = inf)");
    const char *best[] = { "lr_opt", "lr_grid", "steps", "examples" };
    for (int k = 0; k < 4; k++) {
        char path[64];
        snprintf(path, sizeof path, "/sweep/best/%s", best[k]);
        rec_dims(r, path, 3, best_axes);
    }
    if (res->NS)
        write_tuned(r, res, &keys);
    free(names);
    free(seeds);
    return rec_status(r);
}
