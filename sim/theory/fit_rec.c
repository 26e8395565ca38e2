/* sim/theory/fit_rec.c — the fits of a finished sweep into /fit (docs/hdf5-schema.md): per optimizer and
 * target, every lr*(B) law on the optimal learning rates and the steps-vs-examples hyperbola on
 * the steps at the optimum, each with its parameters, 95% intervals, residuals and point count.
 * None is picked: all are recorded, to be compared by their residuals. */
#include "../input/config.h"
#include "critical_batch.h"
#include "fit.h"
#include "../output/rec.h"
#include "../core/status.h"
#include "../kinds/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void write_fit(rec *r, const char *group, const fit_law *law, const fit_result *f)
{
    char name[128];
    rec_group(r, group);
    rec_attr_str(r, group, "formula", law->formula);
    rec_attr_str(r, group, "fitted", "least squares on log y (gsl_multifit_nlinear, trust region); "
                 "intervals: 95%, t distribution, from the covariance s^2 (J^T J)^-1");
    rec_attr_num(r, group, "points", (double)f->n);
    rec_attr_num(r, group, "rss", f->rss);
    rec_attr_num(r, group, "rms_log_residual", f->rms);
    rec_attr_str(r, group, "status", f->status == OD_OK ? "ok" : "no fit (too few points or no "
                 "convergence)");
    for (size_t k = 0; k < law->np; k++) {
        const char *p = law->param_names[k];
        rec_attr_num(r, group, p, f->value[k]);
        snprintf(name, sizeof name, "%s_lo", p);
        rec_attr_num(r, group, name, f->lo[k]);
        snprintf(name, sizeof name, "%s_hi", p);
        rec_attr_num(r, group, name, f->hi[k]);
    }
}

/* Per optimizer, the grid's critical batch (Zhang et al. 2024) and examples-optimal batch of
 * every target's curve S(B), as a table over /sweep/target: /fit/OPT/critical_batch/{...}. */
static int write_critical_batch(rec *r, const config *c, const sweep_result *res, size_t o,
                                double *S)
{
    size_t NB = res->NB, T = res->T;
    const double *B = sweep_params_of(c)->batch.v;
    enum { NCOL = 8 };
    static const char *const names[NCOL] = { "B_crit", "B_crit_lo", "B_crit_hi", "B_opt",
                                             "B_opt_lo", "B_opt_hi", "reference", "points" };
    double *col = malloc(NCOL * T * sizeof *col);
    char group[256], path[320];
    if (!col)
        return OD_ENOMEM;
    for (size_t t = 0; t < T; t++) {
        critical_batch cb;
        for (size_t b = 0; b < NB; b++)
            S[b] = res->best_steps[(o * NB + b) * T + t];
        critical_batch_find(NB, B, S, &cb);
        double v[NCOL] = { cb.B_crit, cb.B_crit_lo, cb.B_crit_hi, cb.B_opt, cb.B_opt_lo,
                           cb.B_opt_hi, cb.reference, (double)cb.points };
        for (size_t k = 0; k < NCOL; k++)
            col[k * T + t] = v[k];
    }
    snprintf(group, sizeof group, "/fit/%s/critical_batch", c->opt[o].name);
    rec_group(r, group);
    rec_attr_str(r, group, "definition", "per target (axis target, a copy of /sweep/target): B_crit, where the steps "
                 "to target exceed perfect linear scaling from the smallest batch that reached it "
                 "(reference) by the factor overhead: B S(B) = overhead * reference * S(reference), "
                 "interpolated in log B, log(B S) between the grid batches B_crit_lo and B_crit_hi "
                 "(Zhang et al. 2024); B_crit_hi = inf: not crossed on the grid; B_crit = NaN with "
                 "a finite bracket: crossed into a batch that never reached the target. B_opt: the "
                 "grid batch with the fewest examples B S(B), the optimum in [B_opt_lo, B_opt_hi]; "
                 "points: batches that reached the target");
    rec_attr_num(r, group, "overhead", CRITICAL_BATCH_OVERHEAD);
    /* the target axis again, here: an axis must lie in its datasets' group or above (netCDF) */
    static const char *const axis[] = { "target" };
    snprintf(path, sizeof path, "%s/target", group);
    rec_array(r, path, 1, &T, sweep_params_of(c)->target.v, NULL);
    for (size_t k = 0; k < NCOL; k++) {
        snprintf(path, sizeof path, "%s/%s", group, names[k]);
        rec_array(r, path, 1, &T, col + k * T, NULL);
        rec_dims(r, path, 1, axis);
    }
    free(col);
    return rec_status(r);
}

int sweep_fit_write(rec *r, const config *c, const sweep_result *res)
{
    size_t NB = res->NB, T = res->T;
    const double *B = sweep_params_of(c)->batch.v;
    double *lr = malloc(NB * sizeof *lr), *S = malloc(NB * sizeof *S);
    if (!lr || !S) {
        free(lr), free(S);
        return OD_ENOMEM;
    }
    rec_group(r, "/fit");
    rec_attr_str(r, "/fit", "description", "scaling laws fitted per optimizer and target "
                 "(group index = position in /sweep/target): lr*(B) laws on /sweep/best/lr_opt, "
                 "the hyperbola on /sweep/best/steps; compare them by rms_log_residual");
    for (size_t o = 0; o < res->O; o++)
        for (size_t t = 0; t < T; t++) {
            char group[256], path[320];
            snprintf(group, sizeof group, "/fit/%s/%zu", c->opt[o].name, t);
            rec_group(r, group);
            rec_attr_num(r, group, "target", sweep_params_of(c)->target.v[t]);
            for (size_t b = 0; b < NB; b++) {
                lr[b] = res->lr_opt[(o * NB + b) * T + t];
                S[b] = res->best_steps[(o * NB + b) * T + t];
            }
            for (const fit_law *law = fit_laws_lr; law->name; law++) {
                fit_result f;
                fit_run(law, NB, B, lr, &f);
                snprintf(path, sizeof path, "%s/%s", group, law->name);
                write_fit(r, path, law, &f);
            }
            fit_result f;
            fit_run(&fit_law_hyperbola, NB, B, S, &f);
            snprintf(path, sizeof path, "%s/hyperbola", group);
            write_fit(r, path, &fit_law_hyperbola, &f);
            /* E_min = S_min B_crit: log E_min = p0 + p1, variance se0^2 + se1^2 + 2 cov01 */
            double lE = log(f.value[0]) + log(f.value[1]);
            double se = sqrt(f.se[0] * f.se[0] + f.se[1] * f.se[1] + 2.0 * f.cov01);
            rec_attr_num(r, path, "E_min", exp(lE));
            rec_attr_num(r, path, "E_min_lo", exp(lE - f.t * se));
            rec_attr_num(r, path, "E_min_hi", exp(lE + f.t * se));
        }
    for (size_t o = 0; o < res->O; o++)
        write_critical_batch(r, c, res, o, S);
    free(lr), free(S);
    return rec_status(r);
}
