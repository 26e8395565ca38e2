/* sim/theory/batch_variance.c — measured E|g_B - g|^2 of the run loop's sampler at x, with the exact
 * per-example moments (N one-example gradients) that give its closed form. */
#include "batch_variance.h"
#include "../core/draw.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>

int batch_variance_at(const problem *pb, const double *x, double B, long draws, uint64_t seed,
                      batch_variance *out)
{
    size_t n = pb->n, N = pb->examples;
    if (pb->noise != PROBLEM_NOISE_SAMPLE || !(B >= 1 && B < (double)N) || draws < 2)
        return OD_EINPUT;
    double *g = malloc(n * sizeof *g), *gj = malloc(n * sizeof *gj), *gb = malloc(n * sizeof *gb);
    double *sum = calloc(n, sizeof *sum), *sum2 = calloc(n, sizeof *sum2);
    draw d;
    int status = draw_init(&d, pb, B, seed, 0);
    if (status == OD_OK && !(g && gj && gb && sum && sum2))
        status = OD_ENOMEM;
    if (status == OD_OK)
        status = pb->type->grad(pb, x, NULL, g);
    double abs_mean = 0.0, dev = 0.0, tot = 0.0, tot2 = 0.0;
    for (size_t j = 0; j < N && status == OD_OK; j++) {
        batch one = { 1.0, NULL, &j, 1, NULL };
        status = pb->type->grad(pb, x, &one, gj);
        double nj = 0.0, dj = 0.0;
        for (size_t i = 0; i < n; i++) {
            nj += gj[i] * gj[i];
            dj += (gj[i] - g[i]) * (gj[i] - g[i]);
        }
        abs_mean += sqrt(nj) / (double)N;
        dev += dj / (double)N;
    }
    for (long t = 1; t <= draws && status == OD_OK; t++) {
        batch b;
        draw_step_at(&d, t, x, &b);
        status = pb->type->grad(pb, x, &b, gb);
        double e2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            double e = gb[i] - g[i];
            sum[i] += e;
            sum2[i] += e * e;
            e2 += e * e;
        }
        tot += e2;
        tot2 += e2 * e2;
    }
    if (status == OD_OK) {
        double D = (double)draws, g2 = 0.0, zmax = 0.0;
        for (size_t i = 0; i < n; i++) {
            g2 += g[i] * g[i];
            double m = sum[i] / D, sd = sqrt(fmax(sum2[i] / D - m * m, 0.0));
            if (sd > 0)
                zmax = fmax(zmax, fabs(m) / (sd / sqrt(D)));
        }
        double mean = tot / D;
        *out = (batch_variance){
            .measured = mean, .measured_se = sqrt(fmax(tot2 / D - mean * mean, 0.0) / D),
            .grad_sq = g2, .tr_uniform = dev, .tr_cr = abs_mean * abs_mean - g2, .z_max = zmax };
        out->formula = pb->sampling == PROBLEM_SAMPLING_CR
            ? out->tr_cr / B : out->tr_uniform / B * ((double)N - B) / ((double)N - 1.0);
    }
    draw_free(&d);
    free(g), free(gj), free(gb), free(sum), free(sum2);
    return status;
}
