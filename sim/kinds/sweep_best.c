/* sim/kinds/sweep_best.c — the best learning rate per (optimizer, batch, target): the grid point with
 * the fewest steps (median over replicates, a miss counting as infinitely many), refined between
 * its grid neighbours: exact mode by golden-section search on log lr of the interpolated
 * crossing step; Monte Carlo by the vertex of the parabola through the three grid medians. */
#include "../theory/exact.h"
#include "../core/status.h"
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of the sorted values v[0..n) (linear interpolation; inf stays inf). */
static double quantile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1), lo = floor(pos);
    size_t i = (size_t)lo;
    if (i + 1 >= n || pos == lo)
        return v[i];
    return isinf(v[i + 1]) ? INFINITY : v[i] + (pos - lo) * (v[i + 1] - v[i]);
}

/* Steps over replicates, -1 (not reached) counting as +inf: records the median and quartiles
 * of the cell (-1 where infinite) and returns the median. */
static double median_steps(sweep_result *r, size_t o, size_t b, size_t l, size_t t, double *buf)
{
    size_t cell = (o * r->NB + b) * r->NL + l;
    for (size_t s = 0; s < r->S; s++) {
        double v = r->steps[sweep_cell_of(r, o, b, l, s) * r->T + t];
        buf[s] = v < 0 ? INFINITY : v;
    }
    qsort(buf, r->S, sizeof *buf, cmp_double);
    double q[3] = { quantile(buf, r->S, 0.25), quantile(buf, r->S, 0.5), quantile(buf, r->S, 0.75) };
    double *out[3] = { r->steps_q1, r->steps_median, r->steps_q3 };
    for (int k = 0; k < 3; k++)
        out[k][cell * r->T + t] = isinf(q[k]) ? -1.0 : q[k];
    return q[1];
}

typedef struct exact_fn {
    const config *c;
    const problem *pb;
    const cfg_optimizer *o;
    const double *s0;
    double B, target;
} exact_fn;

/* Interpolated crossing step at lr = e^u (inf when unstable or not reached); *steps: integer. */
static double crossing(const exact_fn *f, double u, long *steps)
{
    opt_params p = f->o->p;
    p.lr = exp(u);
    exact e;
    double frac = INFINITY;
    *steps = -1;
    if (exact_init(&e, f->pb, f->o->type, &p, f->B, f->s0) != OD_OK)
        return INFINITY;
    if (e.engine->stable(e.state))
        *steps = e.engine->steps(e.state, f->target, sweep_params_of(f->c)->max_steps, &frac);
    exact_free(&e);
    return *steps < 0 ? INFINITY : frac;
}

/* Golden-section search for the minimum of crossing() on [a, b] (log lr). */
static double golden(const exact_fn *f, double a, double b, long *steps)
{
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    long k1, k2;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = crossing(f, x1, &k1), f2 = crossing(f, x2, &k2);
    for (int it = 0; it < 60 && b - a > 1e-9; it++) {
        if (f1 <= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = crossing(f, x1, &k1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = crossing(f, x2, &k2);
        }
    }
    double u = f1 <= f2 ? x1 : x2;
    crossing(f, u, steps);
    return u;
}

/* Vertex of the parabola through (u[i], y[i]), i = 0..2, if it opens upwards and lies inside. */
static double parabola_vertex(const double *u, const double *y)
{
    double d1 = (y[1] - y[0]) / (u[1] - u[0]), d2 = (y[2] - y[1]) / (u[2] - u[1]);
    double curv = (d2 - d1) / (u[2] - u[0]);
    if (!(curv > 0))
        return u[1];
    double v = 0.5 * (u[0] + u[1]) - d1 / (2 * curv);
    return v > u[0] && v < u[2] ? v : u[1];
}

/* Best lr of one (optimizer o, batch b, target t); obj and buf are scratch (NL and S). */
static void best_one(const config *c, const problem *pb, const double *s0, sweep_result *r,
                     size_t o, size_t b, size_t t, double *obj, double *buf)
{
    const sweep_params *sp = sweep_params_of(c);
    size_t idx = (o * r->NB + b) * r->T + t, lb = r->NL;
    double best = INFINITY, B = sp->batch.v[b];
    for (size_t l = 0; l < r->NL; l++) {
        obj[l] = median_steps(r, o, b, l, t, buf);
        if (obj[l] < best) {
            best = obj[l];
            lb = l;
        }
    }
    if (lb == r->NL) {
        r->lr_grid[idx] = r->lr_opt[idx] = NAN;
        r->best_steps[idx] = r->examples[idx] = -1;
        return;
    }
    double lr = sp->lr.v[lb], lo = lb > 0 ? sp->lr.v[lb - 1] : lr,
           hi = lb + 1 < r->NL ? sp->lr.v[lb + 1] : lr;
    r->lr_grid[idx] = r->lr_opt[idx] = lr;
    r->best_steps[idx] = best;
    if (sp->refine == REFINE_GOLDEN && lo <= lr && lr <= hi && lo < hi) {
        if (sp->mode == SWEEP_EXACT) {
            exact_fn f = { c, pb, &c->opt[o], s0, B, sp->target.v[t] };
            long k;
            double u = golden(&f, log(lo), log(hi), &k);
            if (k >= 0 && (double)k <= best) {
                r->lr_opt[idx] = exp(u);
                r->best_steps[idx] = (double)k;
            }
        } else if (lb > 0 && lb + 1 < r->NL && isfinite(obj[lb - 1]) && isfinite(obj[lb + 1])) {
            double u[3] = { log(lo), log(lr), log(hi) };
            r->lr_opt[idx] = exp(parabola_vertex(u, obj + lb - 1));
        }
    }
    r->examples[idx] = isinf(B) ? INFINITY : B * r->best_steps[idx];
}

/* Best over the variants of each section: the variant with the fewest steps (the first of
 * equals), with its lr and the value of each swept key. */
static void best_tuned(const config *c, sweep_result *r)
{
    sweep_keys keys;
    sweep_keys_of(sweep_params_of(c), &keys);
    for (size_t k = 0; k < r->NS * r->NB * r->T; k++) {
        r->tuned_lr[k] = NAN;
        for (size_t j = 0; j < r->NK; j++)
            r->tuned_key[j][k] = NAN;
        r->tuned_steps[k] = r->tuned_examples[k] = -1;
    }
    for (size_t o = 0; o < r->O; o++)
        for (size_t bt = 0; bt < r->NB * r->T; bt++) {
            size_t from = o * r->NB * r->T + bt, to = r->section_of[o] * r->NB * r->T + bt;
            double s = r->best_steps[from];
            if (s >= 0 && (r->tuned_steps[to] < 0 || s < r->tuned_steps[to])) {
                r->tuned_steps[to] = s;
                r->tuned_lr[to] = r->lr_opt[from];
                for (size_t j = 0; j < r->NK; j++)
                    r->tuned_key[j][to] = sweep_opt_key(&c->opt[o], keys.key[j]);
                r->tuned_examples[to] = r->examples[from];
            }
        }
}

int sim_sweep_best(const config *c, const problem *pb, int threads, sweep_result *r)
{
    double *s0 = exact_start_moments(pb);
    size_t jobs = r->O * r->NB * r->T;
    int status = s0 ? OD_OK : OD_ENOMEM;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t j = 0; j < jobs; j++) {
        double *buf = malloc(r->S * sizeof *buf), *obj = malloc(r->NL * sizeof *obj);
        if (buf && obj && s0)
            best_one(c, pb, s0, r, j / (r->NB * r->T), (j / r->T) % r->NB, j % r->T, obj, buf);
        else {
#pragma omp atomic write
            status = OD_ENOMEM;
        }
        free(buf);
        free(obj);
    }
    free(s0);
    if (status == OD_OK && r->NS)
        best_tuned(c, r);
    return status;
}
