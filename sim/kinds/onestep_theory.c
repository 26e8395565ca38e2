/* sim/kinds/onestep_theory.c — `optdyn theory` for kind = onestep: the closed forms of docs/theory.md
 * "One-step scaling" at the frozen point, as '# key = value' lines and a TSV table, no Monte Carlo. */
#include "../core/status.h"
#include "../input/param.h"
#include "../theory/grad_moments.h"
#include "../theory/scaling_theory.h"
#include "kind.h"
#include "onestep.h"

#include <stdio.h>
#include <stdlib.h>

enum { RMS_FORMS = 2 };   /* Adam steady: update RMS, global and per-coordinate SNR */

/* The closed forms of one optimizer and direction over the batch sizes: nf columns of lr*(B)
 * (forms[f]), then for Adam's steady direction its update RMS in both forms. */
typedef struct block {
    const cfg_optimizer *o;
    int dir;
    size_t nf, nc;
    const char *forms[THEORY_FORMS_MAX + RMS_FORMS];
    double *lr, *dL;
} block;

/* Adam steady: append the update RMS columns (docs/theory.md "One-step scaling"; the global form is exact only when
 * every coordinate has the same g_i^2/Sigma_ii). */
static void add_update_rms(block *k, const grad_moments *m, size_t nb, const double *B)
{
    k->nc = k->nf;
    if (k->dir != ONESTEP_STEADY || k->o->type->steady != OPT_DIR_ADAM_STEADY)
        return;
    double b1 = param_get(k->o->type->params, &k->o->p, "beta1", 0.0);
    k->forms[k->nc] = "update_rms_global_snr";
    for (size_t i = 0; i < nb; i++)
        k->lr[k->nc * nb + i] = adam_update_rms_global_snr(b1, B[i] / m->B_simple);
    k->forms[++k->nc] = "update_rms_per_coordinate";
    for (size_t i = 0; i < nb; i++)
        k->lr[k->nc * nb + i] = adam_update_rms_per_coordinate(m, b1, B[i]);
    k->nc++;
}

static void print_moments(FILE *out, const grad_moments *m, const problem *pb)
{
    fprintf(out, "# lr_max = %.17g\n# dL_max = %.17g\n# B_noise = %.17g\n# B_simple = %.17g\n",
           m->lr_max, m->dL_max, m->B_noise, m->B_simple);
    fprintf(out, "# A = %.17g\n# C = %.17g\n# sum_abs_g = %.17g\n", m->A, m->C, m->abs_g);
    double Bp, lp;
    if (sign_surge(m, &Bp, &lp))
        fprintf(out, "# sign_surge_B_peak = %.17g\n# sign_surge_lr_peak = %.17g\n", Bp, lp);
    else
        fprintf(out, "# sign_surge = none (C <= A)\n");
    if (pb->spectrum) {
        double lr, mu, rate;
        goh_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr, &mu, &rate);
        fprintf(out, "# goh_lr = %.17g\n# goh_momentum = %.17g\n# goh_rate = %.17g\n", lr, mu, rate);
        gd_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr, &rate);
        fprintf(out, "# gd_lr = %.17g\n# gd_rate = %.17g\n", lr, rate);
    }
}

int onestep_theory(sim_ctx *x, FILE *out)
{
    const config *c = x->c;
    const problem *pb = x->pb;
    const double *pt = onestep_point(c, pb);
    grad_moments m = { 0 };
    if (!pt) {
        snprintf(x->err, x->errlen, "[onestep] point = minimizer: the %s problem has no known "
                 "minimizer", pb->type->name);
        return OD_EINPUT;
    }
    int status = grad_moments_compute(pb, pt, &m);
    if (status != OD_OK) {
        snprintf(x->err, x->errlen, "gradient moments: %s", od_strerror(status));
        return status;
    }
    size_t nb = onestep_params_of(c)->batch.n, nblk = 0;
    const double *B = onestep_params_of(c)->batch.v;
    block *blk = calloc(2 * c->nopt, sizeof *blk);
    status = blk ? OD_OK : OD_ENOMEM;
    for (size_t i = 0; blk && i < c->nopt; i++)
        for (int dir = 0; dir < 1 + onestep_stateful(c->opt[i].type); dir++, nblk++) {
            block *k = &blk[nblk];
            k->o = &c->opt[i];
            k->dir = dir;
            k->lr = malloc((THEORY_FORMS_MAX + RMS_FORMS) * nb * sizeof *k->lr);
            k->dL = malloc(THEORY_FORMS_MAX * nb * sizeof *k->dL);
            if (k->lr && k->dL) {
                k->nf = scaling_theory_table(k->o, dir, &m, pb, pt, nb, B, k->forms, k->lr, k->dL);
                add_update_rms(k, &m, nb, B);
            } else
                status = OD_ENOMEM;
        }
    if (status == OD_OK) {
        print_moments(out, &m, pb);
        fprintf(out, "B");
        for (size_t k = 0; k < nblk; k++)
            for (size_t f = 0; f < blk[k].nc; f++)
                fprintf(out, "\t%s.%s.%s", blk[k].o->name, blk[k].dir ? "steady" : "first",
                        blk[k].forms[f]);
        fputc('\n', out);
        for (size_t ib = 0; ib < nb; ib++) {
            fprintf(out, "%.17g", B[ib]);
            for (size_t k = 0; k < nblk; k++)
                for (size_t f = 0; f < blk[k].nc; f++)
                    fprintf(out, "\t%.17g", blk[k].lr[f * nb + ib]);
            fputc('\n', out);
        }
    } else {
        snprintf(x->err, x->errlen, "%s", od_strerror(status));
    }
    for (size_t k = 0; blk && k < nblk; k++)
        free(blk[k].lr), free(blk[k].dL);
    free(blk);
    grad_moments_free(&m);
    return status;
}
