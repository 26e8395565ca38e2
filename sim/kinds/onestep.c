/* sim/kinds/onestep.c — one-step optimal learning rates by Monte Carlo with the gradient frozen at x.
 * Per draw phi: num = phi.g, den = phi^T H phi (exact H action), so lr* = mean num / mean den and
 * dL = mean num^2 / (2 mean den); standard errors from 20 batch means (valid for the correlated
 * samples of a steady-state chain too). */
#include "onestep.h"
#include "../core/draw.h"
#include "../core/frozen.h"
#include "../theory/scaling_theory.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES 20

const double *onestep_point(const config *c, const problem *pb)
{
    return onestep_params_of(c)->point == ONESTEP_MINIMIZER ? pb->xstar : pb->x0;
}

typedef struct mc_acc {
    double num[BATCHES], den[BATCHES], sq;
    long count[BATCHES], total;
} mc_acc;

/* Draw t of the direction into phi: from a zero state (first) or the chain's next step. */
static int next_phi(const cfg_optimizer *o, int dir, const frozen *fz, const double *x,
                    draw *d, long t, double *st, double *phi)
{
    size_t n = fz->pb.n;
    opt_params p = o->p;
    p.lr = 1.0;
    p.ema = 0.0;
    batch b;
    draw_step_at(d, t, x, &b);
    if (dir == ONESTEP_FIRST) {
        memset(st, 0, opt_state_len(o->type, &fz->pb) * sizeof *st);
        if (o->type->init)
            o->type->init(st, n, &p);
    }
    int status = o->type->step(st, n, dir == ONESTEP_FIRST ? 1 : t, &p, x, &fz->pb, &b, phi);
    for (size_t i = 0; i < n; i++)
        phi[i] = -phi[i];
    return status;
}

int onestep_mc(const config *c, const cfg_optimizer *o, int dir, const problem *pb,
               const double *x, double B, uint64_t cell, onestep_estimate *e)
{
    size_t n = pb->n;
    long N = onestep_params_of(c)->samples, burn = dir == ONESTEP_STEADY ? onestep_params_of(c)->steady_steps : 0;
    frozen fz;
    frozen_init(&fz, pb, x);
    draw d;
    double *st = opt_state_alloc_on(o->type, pb, &o->p), *phi = malloc(n * sizeof *phi);
    double *g = malloc(n * sizeof *g), *hphi = malloc(n * sizeof *hphi), *y = malloc(n * sizeof *y);
    double *sum = calloc(n, sizeof *sum), *sum2 = calloc(n, sizeof *sum2);
    int status = draw_init(&d, pb, B, (uint64_t)c->exp.seed, cell);
    if (status == OD_OK && !(st && phi && g && hphi && y && sum && sum2))
        status = OD_ENOMEM;
    if (status == OD_OK)
        status = pb->type->grad(pb, x, NULL, g);
    mc_acc acc;
    memset(&acc, 0, sizeof acc);
    for (long t = 1; status == OD_OK && t <= burn + N; t++) {
        status = next_phi(o, dir, &fz, x, &d, t, st, phi);
        if (status != OD_OK || t <= burn)
            continue;
        status = pb->type->hvp(pb, x, phi, hphi);
        double num = 0.0, den = 0.0, sq = 0.0;
        for (size_t i = 0; i < n; i++) {
            num += phi[i] * g[i];
            den += phi[i] * hphi[i];
            sq += phi[i] * phi[i];
            sum[i] += phi[i];
            sum2[i] += phi[i] * phi[i];
        }
        int k = (int)((t - burn - 1) * BATCHES / N);
        acc.num[k] += num;
        acc.den[k] += den;
        acc.count[k]++;
        acc.sq += sq;
        acc.total++;
    }
    if (status == OD_OK) {
        double num = 0.0, den = 0.0, lrb[BATCHES], dlb[BATCHES];
        for (int k = 0; k < BATCHES; k++) {
            num += acc.num[k];
            den += acc.den[k];
            lrb[k] = acc.num[k] / acc.den[k];
            dlb[k] = acc.num[k] * acc.num[k] / (2.0 * acc.den[k] * (double)acc.count[k]);
        }
        e->lr = num / den;
        e->dL = num * num / (2.0 * den * (double)acc.total);
        double vl = 0.0, vd = 0.0;
        for (int k = 0; k < BATCHES; k++) {
            vl += (lrb[k] - e->lr) * (lrb[k] - e->lr);
            vd += (dlb[k] - e->dL) * (dlb[k] - e->dL);
        }
        e->lr_se = sqrt(vl / (BATCHES - 1) / BATCHES);
        e->dL_se = sqrt(vd / (BATCHES - 1) / BATCHES);
        e->rms = sqrt(acc.sq / (double)acc.total / (double)n);
        for (size_t i = 0; e->mean_phi && i < n; i++) {
            double m = sum[i] / (double)N, v = sum2[i] / (double)N - m * m;
            e->mean_phi[i] = m;
            e->mean_phi_se[i] = sqrt(fmax(v, 0.0) / (double)(N - 1));
        }
    }
    /* second pass over the same draws: the loss at lr itself (exactly the quadratic model on a
     * quadratic problem) */
    e->dL_direct = NAN;
    if (status == OD_OK && dir == ONESTEP_FIRST) {
        double L0 = pb->type->loss(pb, x), s = 0.0;
        for (long t = 1; status == OD_OK && t <= N; t++) {
            status = next_phi(o, dir, &fz, x, &d, t, st, phi);
            for (size_t i = 0; i < n; i++)
                y[i] = x[i] - e->lr * phi[i];
            s += pb->type->loss(pb, y);
        }
        e->dL_direct = L0 - s / (double)N;
    }
    draw_free(&d);
    free(st), free(phi), free(g), free(hphi), free(y), free(sum), free(sum2);
    return status;
}
