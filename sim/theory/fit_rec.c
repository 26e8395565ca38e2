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

/* The grid's critical batch (Zhang et al. 2024) and examples-optimal batch of one curve S(B). */
static void write_critical_batch(rec *r, const char *group, size_t NB, const double *B,
                                 const double *S)
{
    char path[320];
    critical_batch cb;
    critical_batch_find(NB, B, S, &cb);
    snprintf(path, sizeof path, "%s/critical_batch", group);
    rec_group(r, path);
    rec_attr_str(r, path, "definition", "B_crit: where the steps to target exceed perfect linear "
                 "scaling from the smallest batch that reached it (reference) by 20%: B S(B) = "
                 "1.2 reference S(reference), interpolated in log B, log(B S) between the grid "
                 "batches B_crit_lo and B_crit_hi (Zhang et al. 2024); B_crit_hi = inf: not crossed "
                 "on the grid; B_crit = NaN with a finite bracket: crossed into a batch that never "
                 "reached the target. B_opt: the grid batch with the fewest examples B S(B), the "
                 "optimum lies in [B_opt_lo, B_opt_hi]");
    rec_attr_num(r, path, "overhead", CRITICAL_BATCH_OVERHEAD);
    rec_attr_num(r, path, "points", (double)cb.points);
    rec_attr_num(r, path, "reference", cb.reference);
    rec_attr_num(r, path, "B_crit", cb.B_crit);
    rec_attr_num(r, path, "B_crit_lo", cb.B_crit_lo);
    rec_attr_num(r, path, "B_crit_hi", cb.B_crit_hi);
    rec_attr_num(r, path, "B_opt", cb.B_opt);
    rec_attr_num(r, path, "B_opt_lo", cb.B_opt_lo);
    rec_attr_num(r, path, "B_opt_hi", cb.B_opt_hi);
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
            write_critical_batch(r, group, NB, B, S);
        }
    free(lr), free(S);
    return rec_status(r);
}
