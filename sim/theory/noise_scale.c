/* sim/theory/noise_scale.c — gradient noise scale probes: exact moments by grad_moments_compute, and the
 * two-batch estimator from a nested pair of fresh batches (small = the first Bs of the big one). */
#include "noise_scale.h"
#include "grad_moments.h"
#include "../core/draw.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* u(B) with E|G_B|^2 = |g|^2 + u tr(Sigma): 1/B, or with the finite-population correction. */
static double inverse_batch(const problem *pb, double B)
{
    if (pb->noise != PROBLEM_NOISE_SAMPLE)
        return 1.0 / B;
    double N = (double)pb->examples;
    return (N - B) / (B * (N - 1.0));
}

int noise_probe_init(noise_probe *p, const problem *pb, double Bs, double Bb, double decay,
                     int exact, uint64_t seed)
{
    size_t n = pb->n;
    *p = (noise_probe){ pb, Bs, Bb, inverse_batch(pb, Bs), inverse_batch(pb, Bb), decay, exact,
                        rng_stream_make(seed, RNG_PROBE, 0), NULL, NULL, NULL, NULL, 0, 0, 0 };
    if (!(Bs >= 1.0 && Bs < Bb) || (pb->noise == PROBLEM_NOISE_SAMPLE && Bb > (double)pb->examples))
        return OD_EINPUT;
    p->gs = malloc(n * sizeof *p->gs);
    p->gb = malloc(n * sizeof *p->gb);
    p->z = malloc((pb->noise == PROBLEM_NOISE_STREAM ? draw_stream_size(pb, Bb) : 3 * n) *
                  sizeof *p->z);
    if (pb->noise == PROBLEM_NOISE_SAMPLE)
        p->perm = malloc(pb->examples * sizeof *p->perm);
    if (!p->gs || !p->gb || !p->z || (pb->noise == PROBLEM_NOISE_SAMPLE && !p->perm)) {
        noise_probe_free(p);
        return OD_ENOMEM;
    }
    return OD_OK;
}

void noise_probe_free(noise_probe *p)
{
    free(p->gs), free(p->gb), free(p->z), free(p->perm);
    p->gs = p->gb = p->z = NULL;
    p->perm = NULL;
}

/* Gs and Gb at x for step t. Gaussian noise: the small batch's mean noise is z1/sqrt(Bs), the
 * rest's z2/sqrt(Bb - Bs), so the big batch's is zb/sqrt(Bb), zb = (sqrt(Bs) z1 +
 * sqrt(Bb - Bs) z2)/sqrt(Bb). Finite data: the first Bs and Bb examples of a permutation. */
static int draw_pair(noise_probe *p, const double *x, long t)
{
    const problem *pb = p->pb;
    size_t n = pb->n;
    batch bs = { INFINITY, NULL, NULL, 0, NULL }, bb = bs;
    if (pb->noise == PROBLEM_NOISE_GAUSS) {
        double *z1 = p->z, *z2 = p->z + n, *zb = p->z + 2 * n;
        rng_normals(&p->stream, (uint64_t)t, 2 * n, p->z);
        double a = sqrt(p->Bs / p->Bb), b = sqrt((p->Bb - p->Bs) / p->Bb);
        for (size_t i = 0; i < n; i++)
            zb[i] = a * z1[i] + b * z2[i];
        bs = (batch){ p->Bs, z1, NULL, 0, NULL };
        bb = (batch){ p->Bb, zb, NULL, 0, NULL };
    } else if (pb->noise == PROBLEM_NOISE_STREAM) {       /* small = the first Bs examples */
        rng_normals(&p->stream, (uint64_t)t, draw_stream_size(pb, p->Bb), p->z);
        bs = (batch){ p->Bs, p->z, NULL, 0, NULL };
        bb = (batch){ p->Bb, p->z, NULL, 0, NULL };
    } else if (pb->noise == PROBLEM_NOISE_SAMPLE) {
        rng_permutation(&p->stream, (uint64_t)t, pb->examples, p->perm);
        bs = (batch){ p->Bs, NULL, p->perm, (size_t)p->Bs, NULL };
        bb = (batch){ p->Bb, NULL, p->perm, (size_t)p->Bb, NULL };
    }
    int status = pb->type->grad(pb, x, &bs, p->gs);
    return status != OD_OK ? status : pb->type->grad(pb, x, &bb, p->gb);
}

int noise_probe_at(noise_probe *p, const double *x, long t, noise_probe_row *row)
{
    *row = (noise_probe_row){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
    if (p->exact) {
        grad_moments m;
        int status = grad_moments_compute(p->pb, x, &m);
        if (status != OD_OK)
            return status;
        row->grad_sq = m.gg;
        row->tr_sigma = m.trS;
        row->B_simple = m.B_simple;
        row->B_noise = m.B_noise;
        grad_moments_free(&m);
    }
    int status = draw_pair(p, x, t);
    if (status != OD_OK)
        return status;
    size_t n = p->pb->n;
    double gs2 = problem_dot(n, p->gs, p->gs), gb2 = problem_dot(n, p->gb, p->gb);
    double du = p->us - p->ub;
    row->tr_sigma_est = (gs2 - gb2) / du;
    row->grad_sq_est = (p->us * gb2 - p->ub * gs2) / du;
    p->sum_g = p->decay * p->sum_g + row->grad_sq_est;
    p->sum_tr = p->decay * p->sum_tr + row->tr_sigma_est;
    p->weight = p->decay * p->weight + 1.0;
    row->grad_sq_smooth = p->sum_g / p->weight;
    row->tr_sigma_smooth = p->sum_tr / p->weight;
    row->B_simple_est = p->sum_tr / p->sum_g;
    return OD_OK;
}

rec_table *noise_probe_table_open(rec *r, const char *group, const noise_probe *p)
{
    char path[256];
    snprintf(path, sizeof path, "%s/noise_scale", group);
    const rec_column cols[10] = {
        { "step", 1, 1, NULL, "optimizer step t of the probe" },
        { "grad_sq", 1, 0, NULL, "exact |g|^2 at x_t" },
        { "tr_sigma", 1, 0, NULL, "exact tr(Sigma), Sigma = per-example gradient covariance" },
        { "B_simple", 1, 0, NULL, "exact tr(Sigma)/|g|^2" },
        { "B_noise", 1, 0, NULL, "exact tr(Sigma H)/(g^T H g)" },
        { "grad_sq_est", 1, 0, NULL, "two-batch estimate of |g|^2 from this probe alone" },
        { "tr_sigma_est", 1, 0, NULL, "two-batch estimate of tr(Sigma) from this probe alone" },
        { "grad_sq_smooth", 1, 0, NULL, "bias-corrected EMA of grad_sq_est" },
        { "tr_sigma_smooth", 1, 0, NULL, "bias-corrected EMA of tr_sigma_est" },
        { "B_simple_est", 1, 0, NULL, "tr_sigma_smooth / grad_sq_smooth (McCandlish et al. App. A)" },
    };
    rec_table *tab = rec_table_open(r, path, 10, cols);
    if (!tab)
        return NULL;
    rec_attr_num(r, path, "small_batch", p->Bs);
    rec_attr_num(r, path, "big_batch", p->Bb);
    rec_attr_num(r, path, "ema", p->decay);
    rec_attr_str(r, path, "batches", p->pb->noise == PROBLEM_NOISE_SAMPLE
                                         ? "nested, drawn without replacement (u = (N-B)/(B(N-1)))"
                                         : "nested Gaussian noise (u = 1/B)");
    return tab;
}

int noise_probe_table_append(rec_table *tab, long t, const noise_probe_row *row)
{
    double step = (double)t;
    const double *cells[10] = { &step, &row->grad_sq, &row->tr_sigma, &row->B_simple,
                                &row->B_noise, &row->grad_sq_est, &row->tr_sigma_est,
                                &row->grad_sq_smooth, &row->tr_sigma_smooth, &row->B_simple_est };
    return rec_table_append(tab, cells);
}
