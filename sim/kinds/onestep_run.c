/* sim/kinds/onestep_run.c — kind = onestep into /onestep: the gradient moments and noise scales at the
 * frozen point, then per optimizer and direction (first update; steady state for stateful rules)
 * the Monte Carlo lr*(B), dL(B) with standard errors beside every closed form that applies.
 * Cells (optimizer, direction, B) run in parallel into their own slots, recorded in order. */
#include "../output/meta.h"
#include "onestep.h"
#include "../theory/scaling_theory.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int onestep_stateful(const opt_type *t)
{
    return (t->caps & OPT_CAP_STEADY) != 0;
}

static void record_moments(rec *r, const grad_moments *m, const problem *pb)
{
    const char *g = "/onestep";
    const char *names[] = { "lr_max", "dL_max", "B_noise", "B_simple", "g_norm2", "gHg", "trace_Sigma",
                            "trace_Sigma_H", "A", "C", "sum_abs_g" };
    double v[] = { m->lr_max, m->dL_max, m->B_noise, m->B_simple, m->gg, m->gHg, m->trS, m->trSH,
                   m->A, m->C, m->abs_g };
    size_t one = 1;
    rec_group(r, "/onestep/moments");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char path[128];
        rec_attr_num(r, g, names[i], v[i]);
        snprintf(path, sizeof path, "/onestep/moments/%s", names[i]);   /* one-row table */
        rec_array(r, path, 1, &one, &v[i], NULL);
        rec_dims(r, path, 1, (const char *const[]){ "row" });
    }
    double Bp, lp;
    sign_surge(m, &Bp, &lp);
    rec_attr_num(r, g, "sign_surge_B_peak", Bp);
    rec_attr_num(r, g, "sign_surge_lr_peak", lp);
    if (pb->spectrum) {
        double lr, mu, rate;
        goh_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr, &mu, &rate);
        rec_attr_num(r, g, "goh_lr", lr);
        rec_attr_num(r, g, "goh_momentum", mu);
        rec_attr_num(r, g, "goh_rate", rate);
        gd_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr, &rate);
        rec_attr_num(r, g, "gd_lr", lr);
        rec_attr_num(r, g, "gd_rate", rate);
    }
    rec_attr_str(r, g, "description", "moments at the frozen point x: lr_max = |g|^2/g^T H g, "
                 "dL_max = |g|^4/(2 g^T H g), B_noise = tr(Sigma H)/g^T H g, B_simple = "
                 "tr(Sigma)/|g|^2, A = sum H_ii, C = sum_{i!=j} H_ij sign(g_i g_j); sign surge "
                 "(mean field, C > A) at B_peak = A B_simple/(C - A); goh_*: Goh 2017 optimum "
                 "for the spectrum's [min, max]; gd_*: plain GD's best constant lr 2/(min + max) "
                 "and its rate (kappa - 1)/(kappa + 1)");
}

/* Heavy ball's rate max_lambda rho(lr, mu, lambda) over the spectrum on a 201 x 200 grid,
 * lr in (0, 2.2 * 4/(sqrt(lmin)+sqrt(lmax))^2 ...], mu in [0, 1), beside Goh's optimum. */
static void record_goh(rec *r, const problem *pb)
{
    enum { NL = 201, NM = 200 };
    double lr0, mu0, rate0, *lr = malloc(NL * sizeof *lr), *mu = malloc(NM * sizeof *mu);
    double *rate = malloc(NL * NM * sizeof *rate);
    goh_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr0, &mu0, &rate0);
    for (size_t i = 0; lr && i < NL; i++)
        lr[i] = 2.5 * lr0 * (double)(i + 1) / NL;
    for (size_t j = 0; mu && j < NM; j++)
        mu[j] = (double)j / NM;
    for (size_t i = 0; lr && mu && rate && i < NL; i++)
        for (size_t j = 0; j < NM; j++) {
            double worst = 0.0;
            for (size_t k = 0; k < pb->n; k++)
                worst = fmax(worst, heavy_ball_radius(lr[i], mu[j], pb->spectrum[k]));
            rate[i * NM + j] = worst;
        }
    if (lr && mu && rate) {
        size_t nl = NL, nm = NM, dims[2] = { NL, NM };
        rec_group(r, "/onestep/goh");
        rec_attr_str(r, "/onestep/goh", "description", "heavy ball v <- mu v + g, x <- x - lr v "
                     "on the problem's spectrum: convergence rate max over eigenvalues of the "
                     "spectral radius of the 2x2 iteration (>= 1: no convergence); optimum (Goh "
                     "2017) in the attributes");
        rec_attr_num(r, "/onestep/goh", "lr_opt", lr0);
        rec_attr_num(r, "/onestep/goh", "momentum_opt", mu0);
        rec_attr_num(r, "/onestep/goh", "rate_opt", rate0);
        rec_array(r, "/onestep/goh/lr", 1, &nl, lr, NULL);
        rec_array(r, "/onestep/goh/momentum", 1, &nm, mu, NULL);
        rec_array(r, "/onestep/goh/rate", 2, dims, rate, NULL);
        rec_dims(r, "/onestep/goh/rate", 2, (const char *const[]){ "lr", "momentum" });
        double opt[3] = { lr0, mu0, rate0 };
        size_t three = 3;
        rec_array(r, "/onestep/goh/optimum", 1, &three, opt, NULL);
        rec_dims(r, "/onestep/goh/optimum", 1, (const char *const[]){ "component" });
        rec_attr_str(r, "/onestep/goh/optimum", "description", "lr, mu, rate");
    }
    free(lr), free(mu), free(rate);
}

typedef struct cell {
    const cfg_optimizer *o;
    int dir;
    size_t ib;
    onestep_estimate e;
    int status;
} cell;


/* u = g sqrt(B/2)/sigma, the argument of erf in E[sign]; where sigma = 0 its limit: sign(g) x inf,
 * or 0 for g = 0 (a parameter the data never move, e.g. a weight of a pixel that is 0 in every
 * image), as the sign theory takes it (E[sign] = sign(g)). */
static double coordinate_u(double g, double sd, double B)
{
    if (sd == 0.0)
        return g > 0 ? INFINITY : g < 0 ? -INFINITY : 0.0;
    return g * sqrt(B / 2.0) / sd;
}

static void record_direction(rec *r, const config *c, const problem *pb, const double *x,
                             const grad_moments *m, const cell *cells, size_t nb)
{
    const cfg_optimizer *o = cells[0].o;
    int dir = cells[0].dir;
    char gpath[300], path[400], scale[] = "/onestep/batch";
    snprintf(gpath, sizeof gpath, "/onestep/%s/%s", o->name, dir == ONESTEP_FIRST ? "first" : "steady");
    rec_group(r, gpath);
    rec_attr_str(r, gpath, "type", o->type->name);
    rec_attr_str(r, gpath, "rule", o->type->rule);
    meta_write_params(r, gpath, o->type->params, &o->p, "lr");
    rec_attr_str(r, gpath, "direction", dir == ONESTEP_FIRST
                 ? "phi = -dx/lr of the first update from a zero state"
                 : "phi = -dx/lr along one chain after steady_steps frozen-gradient steps");
    double *col = malloc(nb * sizeof *col);
    if (!col)
        return;
    const char *names[] = { "lr_mc", "lr_mc_se", "dL_mc", "dL_mc_se", "dL_direct", "update_rms" };
    for (int k = 0; k < 6; k++) {
        for (size_t i = 0; i < nb; i++) {
            const onestep_estimate *e = &cells[i].e;
            double v[] = { e->lr, e->lr_se, e->dL, e->dL_se, e->dL_direct, e->rms };
            col[i] = v[k];
        }
        if (k == 4 && dir != ONESTEP_FIRST)
            continue;
        snprintf(path, sizeof path, "%s/%s", gpath, names[k]);
        rec_array(r, path, 1, &nb, col, NULL);
        rec_attach_scale(r, path, 0, scale);
    }
    const char *forms[THEORY_FORMS_MAX];
    double *lr = malloc(THEORY_FORMS_MAX * nb * sizeof *lr), *dL = malloc(THEORY_FORMS_MAX * nb * sizeof *dL);
    size_t nf = lr && dL ? scaling_theory_table(o, dir, m, pb, x, nb, onestep_params_of(c)->batch.v, forms,
                                                lr, dL) : 0;
    for (size_t f = 0; f < nf; f++)
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/%s_%s", gpath, k == 0 ? "lr" : "dL", forms[f]);
            rec_array(r, path, 1, &nb, (k == 0 ? lr : dL) + f * nb, NULL);
            rec_attach_scale(r, path, 0, scale);
            rec_attr_str(r, path, "formula", scaling_theory_describe(forms[f]));
        }
    free(lr), free(dL);
    if (dir == ONESTEP_STEADY && o->type->steady == OPT_DIR_ADAM_STEADY) {
        double b1 = param_get(o->type->params, &o->p, "beta1", 0.0);
        static const struct { const char *name, *formula; } rms[2] = {
            { "update_rms_theory_global_snr", "sqrt((s + a)/(s + 1)), s = B/B_simple = B |g|^2/tr "
              "Sigma, a = (1-b1)/(1+b1): exact only when every g_i^2/Sigma_ii is the same" },
            { "update_rms_theory_per_coordinate", "sqrt(mean_i (s_i + a)/(s_i + 1)), s_i = B g_i^2/"
              "Sigma_ii, a = (1-b1)/(1+b1)" },
        };
        for (int k = 0; k < 2; k++) {
            for (size_t i = 0; i < nb; i++) {
                double B = onestep_params_of(c)->batch.v[i];
                col[i] = k == 0 ? adam_update_rms_global_snr(b1, B / m->B_simple)
                                : adam_update_rms_per_coordinate(m, b1, B);
            }
            snprintf(path, sizeof path, "%s/%s", gpath, rms[k].name);
            rec_array(r, path, 1, &nb, col, NULL);
            rec_attach_scale(r, path, 0, scale);
            rec_attr_str(r, path, "formula", rms[k].formula);
        }
        rec_attr_num(r, gpath, "surge_B", adam_surge_batch(m, b1));
    }
    if (dir == ONESTEP_FIRST && cells[0].e.mean_phi) {   /* per coordinate: long table */
        size_t n = pb->n, dims[2] = { nb, n };
        double *buf = malloc(nb * n * sizeof *buf);
        const char *axes[2] = { "/onestep/batch", "/onestep/coordinate" };
        char cg[340];
        snprintf(cg, sizeof cg, "%s/coordinates", gpath);
        rec_group(r, cg);
        rec_attr_str(r, cg, "description", "per batch size and coordinate: u = g_i sqrt(B/2)/"
                     "sigma_i (the argument of erf for sign; sign(g_i) x inf, or 0, where "
                     "sigma_i = 0), the Monte Carlo mean of phi_i and its standard error");
        for (int k = 0; buf && k < 3; k++) {
            for (size_t i = 0; i < nb; i++)
                for (size_t j = 0; j < n; j++)
                    buf[i * n + j] = k == 0 ? coordinate_u(m->g[j], m->sd[j], onestep_params_of(c)->batch.v[i])
                                     : k == 1 ? cells[i].e.mean_phi[j] : cells[i].e.mean_phi_se[j];
            snprintf(path, sizeof path, "%s/%s", cg, k == 0 ? "u" : k == 1 ? "mean_phi" : "mean_phi_se");
            rec_array(r, path, 2, dims, buf, NULL);
            rec_dims(r, path, 2, axes);
        }
        free(buf);
    }
    free(col);
}

/* The expected work of cell cl (sim_run_onestep). */
static double cell_work(const config *c, const problem *pb, const cell *cl)
{
    const onestep_params *op = onestep_params_of(c);
    double draws = cl->dir == ONESTEP_FIRST ? 2.0 * (double)op->samples
                                            : (double)(op->steady_steps + op->samples);
    return draws * work_of_step(pb, op->batch.v[cl->ib]);
}

int sim_run_onestep(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                    void *user, rec *r, char *err, size_t len)
{
    const double *x = onestep_point(c, pb);
    if (!x) {
        snprintf(err, len, "[onestep] point = minimizer: the %s problem has no known minimizer",
                 pb->type->name);
        return OD_EINPUT;       /* the file asks for what this problem cannot give */
    }
    grad_moments m;
    int status = grad_moments_compute(pb, x, &m);
    if (status != OD_OK) {
        snprintf(err, len, "gradient moments at the frozen point: %s", od_strerror(status));
        return status;
    }
    size_t nb = onestep_params_of(c)->batch.n, nc = 0;
    cell *cells = calloc(c->nopt * 2 * nb, sizeof *cells);
    status = cells ? OD_OK : OD_ENOMEM;
    for (size_t i = 0; status == OD_OK && i < c->nopt; i++)
        for (int dir = 0; dir < 2; dir++) {
            if (dir == ONESTEP_STEADY && (!onestep_stateful(c->opt[i].type) || !onestep_params_of(c)->steady_steps))
                continue;
            for (size_t ib = 0; ib < nb; ib++, nc++) {
                cells[nc].o = &c->opt[i];
                cells[nc].dir = dir;
                cells[nc].ib = ib;
                if (dir == ONESTEP_FIRST) {
                    cells[nc].e.mean_phi = malloc(pb->n * sizeof(double));
                    cells[nc].e.mean_phi_se = malloc(pb->n * sizeof(double));
                    if (!cells[nc].e.mean_phi || !cells[nc].e.mean_phi_se)
                        status = OD_ENOMEM;
                }
            }
        }
    double total = 0.0;
    for (size_t k = 0; status == OD_OK && k < nc; k++)
        total += cell_work(c, pb, &cells[k]);
    work_meter wm;
    work_meter_init(&wm, progress, user, "cells", nc, total);
    work_meter_add(&wm, 0, 0.0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t k = 0; k < (status == OD_OK ? nc : 0); k++) {
        cell *cl = &cells[k];
        uint64_t id = (uint64_t)(cl->o - c->opt) * 2 + (uint64_t)cl->dir;
        cl->status = onestep_mc(c, cl->o, cl->dir, pb, x, onestep_params_of(c)->batch.v[cl->ib],
                                id * 1000003 + cl->ib, &cl->e);
        if (cl->status == OD_OK)
            work_meter_add(&wm, 1, cell_work(c, pb, cl));
    }
    for (size_t k = 0; status == OD_OK && k < nc; k++)
        status = cells[k].status;
    if (status == OD_OK) {
        rec_group(r, "/onestep");
        rec_attr_str(r, "/onestep", "point", onestep_params_of(c)->point == ONESTEP_MINIMIZER ? "minimizer" : "init");
        rec_attr_num(r, "/onestep", "samples", (double)onestep_params_of(c)->samples);
        rec_attr_num(r, "/onestep", "steady_steps", (double)onestep_params_of(c)->steady_steps);
        rec_array(r, "/onestep/batch", 1, &nb, onestep_params_of(c)->batch.v, NULL);
        static const char *const coordinate[] = { "coordinate" }, *const self[] = { "optimizer" };
        rec_array(r, "/onestep/x", 1, &pb->n, x, NULL);
        rec_array(r, "/onestep/g", 1, &pb->n, m.g, NULL);
        rec_array(r, "/onestep/sigma", 1, &pb->n, m.sd, NULL);
        rec_dims(r, "/onestep/x", 1, coordinate);      /* creates the index axis coordinate */
        rec_dims(r, "/onestep/g", 1, coordinate);
        rec_dims(r, "/onestep/sigma", 1, coordinate);
        const char **names = malloc(c->nopt * sizeof *names);
        for (size_t i = 0; names && i < c->nopt; i++)
            names[i] = c->opt[i].name;
        if (names)
            rec_strings(r, "/onestep/optimizer", c->nopt, names);
        free(names);
        rec_dims(r, "/onestep/optimizer", 1, self);
        record_moments(r, &m, pb);
        if (pb->spectrum)
            record_goh(r, pb);
        for (size_t k = 0; k < nc; k += nb)
            record_direction(r, c, pb, x, &m, cells + k, nb);
        status = rec_status(r);
    } else {
        snprintf(err, len, "%s", od_strerror(status));
    }
    for (size_t k = 0; cells && k < c->nopt * 2 * nb; k++)
        free(cells[k].e.mean_phi), free(cells[k].e.mean_phi_se);
    free(cells);
    grad_moments_free(&m);
    return status;
}
