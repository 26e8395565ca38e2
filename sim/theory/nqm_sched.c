/* sim/theory/nqm_sched.c — the NQM moment recursions with a time-varying lr a = lr_t and with
 * weight decay (decoupled wd, coupled l2), per coordinate. The rule sees g = q x + xi with
 * q = he^(1-p), he = h + l2 (precond's diag H includes l2: its power p; else p = 0) and
 * E xi^2 = s = c he^(-2p)/B. Heavy ball v' = mu v + g, x' = (1 - a wd) x - a v' (SGD: mu = 0);
 * with r = 1 - a (q + wd):
 *   vv' = q^2 xx + 2 mu q xv + mu^2 vv + s
 *   xv' = r q xx + mu (r - a q) xv - a mu^2 vv - a s
 *   xx' = r^2 xx - 2 a mu r xv + a^2 (mu^2 vv + s)
 * and the average xbar' = g xbar + (1 - g) x' (g = ema):
 *   E[xbar x'] = r bx - a mu bv,  E[xbar v'] = q bx + mu bv
 *   bb' = g^2 bb + 2 g (1 - g) E[xbar x'] + (1 - g)^2 xx'
 *   bx' = g E[xbar x'] + (1 - g) xx',  bv' = g E[xbar v'] + (1 - g) xv'
 * from xx = bb = bx = s0, xv = vv = bv = 0. E[L] = 1/2 sum h (xx, or bb with averaging): the
 * loss itself, without the L2 term. */
#include "nqm_sched.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nqm_sched_supports(const problem_type *pt, const opt_type *type, const opt_params *p)
{
    const opt_train *tr = &p->train;
    return pt->diag_facts && type->quadratic != OPT_QUAD_NONE && opt_train_active(tr) &&
           !(tr->clip_norm > 0);
}

static void restart(nqm_sched *e)
{
    size_t n = e->n;
    memset(e->m, 0, 6 * n * sizeof *e->m);
    memcpy(e->m, e->s0, n * sizeof *e->m);             /* xx */
    memcpy(e->m + 3 * n, e->s0, n * sizeof *e->m);     /* bb */
    memcpy(e->m + 4 * n, e->s0, n * sizeof *e->m);     /* bx */
    e->k = 0;
}

static double current_loss(const nqm_sched *e)
{
    const double *x = e->m + (e->p.ema > 0 ? 3 * e->n : 0);
    double L = 0.0;
    for (size_t i = 0; i < e->n; i++)
        L += e->h[i] * x[i];
    return 0.5 * L;
}

static void step(nqm_sched *e)
{
    size_t n = e->n;
    double a = e->p.lr * opt_schedule_factor(&e->p.train, e->k + 1), mu = e->mu, g = e->p.ema;
    double wd = e->p.train.weight_decay;
    double *xx = e->m, *xv = xx + n, *vv = xv + n, *bb = vv + n, *bx = bb + n, *bv = bx + n;
    for (size_t i = 0; i < n; i++) {
        double q = e->hp[i], s = e->sv[i], r = 1.0 - a * (q + wd);
        double nvv = q * q * xx[i] + 2.0 * mu * q * xv[i] + mu * mu * vv[i] + s;
        double nxv = r * q * xx[i] + mu * (r - a * q) * xv[i] - a * mu * mu * vv[i] - a * s;
        double nxx = r * r * xx[i] - 2.0 * a * mu * r * xv[i] + a * a * (mu * mu * vv[i] + s);
        if (g > 0) {
            double bx1 = r * bx[i] - a * mu * bv[i], bv1 = q * bx[i] + mu * bv[i];
            bb[i] = g * g * bb[i] + 2.0 * g * (1.0 - g) * bx1 + (1.0 - g) * (1.0 - g) * nxx;
            bx[i] = g * bx1 + (1.0 - g) * nxx;
            bv[i] = g * bv1 + (1.0 - g) * nxv;
        }
        xx[i] = nxx, xv[i] = nxv, vv[i] = nvv;
    }
    e->k++;
}

static void restart_v(void *e) { restart(e); }
static void step_v(void *e) { step(e); }
static double loss_v(const void *e) { return current_loss(e); }

int nqm_sched_init(nqm_sched *e, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, const double *s0)
{
    memset(e, 0, sizeof *e);
    if (!nqm_sched_supports(pb->type, type, p))
        return OD_ENOTSUP;
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    size_t n = pb->n;
    double pw = param_get(type->params, p, "precond_power", 0.0);
    e->n = n;
    e->h = h;
    e->p = *p;
    e->mu = type->quadratic == OPT_QUAD_HEAVY_BALL ? param_get(type->params, p, "momentum", 0.0)
                                                   : 0.0;
    e->hp = malloc(n * sizeof *e->hp);
    e->sv = malloc(n * sizeof *e->sv);
    e->s0 = malloc(n * sizeof *e->s0);
    e->m = malloc(6 * n * sizeof *e->m);
    if (!e->hp || !e->sv || !e->s0 || !e->m) {
        nqm_sched_free(e);
        return OD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        double he = p->train.l2 > 0 ? h[i] + p->train.l2 : h[i];
        e->hp[i] = pw == 0 ? he : pow(he, 1.0 - pw);
        e->sv[i] = isinf(B) ? 0.0 : (pw == 0 ? c[i] : c[i] * pow(he, -2.0 * pw)) / B;
    }
    memcpy(e->s0, s0, n * sizeof *s0);
    restart(e);
    e->loss0 = current_loss(e);
    e->drv = (stepped){ e, restart_v, step_v, loss_v, &e->k, e->loss0 };
    return OD_OK;
}

void nqm_sched_free(nqm_sched *e)
{
    free(e->hp), free(e->sv), free(e->s0), free(e->m);
    memset(e, 0, sizeof *e);
}

