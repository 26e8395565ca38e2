/* sim/theory/gaussreg_exact.c — the exact second-moment recursion of SGD and heavy ball on online
 * Gaussian-feature regression; the noise variance couples the coordinates through S = sum lambda_j c_j. */
#include "gaussreg_exact.h"
#include "../../optimizers/schedule.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int gaussreg_exact_supports(const problem_type *pt, const opt_type *type, const opt_params *p)
{
    const opt_train *tr = &p->train;
    return pt->feature_facts && (type->quadratic == OPT_QUAD_PRECOND ||
                                 (type->quadratic == OPT_QUAD_HEAVY_BALL && !(p->ema > 0))) &&
           !(tr->weight_decay > 0 || tr->l2 > 0 || tr->clip_norm > 0);
}

static void restart(gaussreg_exact *e)
{
    size_t n = e->n;
    memcpy(e->C, e->c0, n * sizeof *e->C);
    if (e->momentum) {
        memset(e->X, 0, n * sizeof *e->X);
        memset(e->V, 0, n * sizeof *e->V);
    }
    if (e->ema) {
        memcpy(e->P, e->c0, n * sizeof *e->P);   /* ebar(0) = e(0) */
        memcpy(e->Q, e->c0, n * sizeof *e->Q);
    }
    e->k = 0;
}

/* SGD (and preconditioned, averaged): coordinate k's fixed point is c_k = (S + sigma^2) b_k with
 * b_k = eta^2 lambda/B / (1 - a^2 - eta^2 lambda^2/B), S = sum lambda_j c_j = sigma^2 g/(1 - g),
 * g = sum lambda_k b_k. The moment map is non-negative, diagonal plus rank one, so it is stable
 * exactly when every 1 - a^2 - eta^2 lambda^2/B > 0 and g < 1. Averaging: P = (1-gamma) c/(1 -
 * gamma a), Q = (2 gamma (1-gamma) a P + (1-gamma)^2 c)/(1 - gamma^2). */
static void stationary_init(gaussreg_exact *e)
{
    e->stable = 1;
    e->stationary = NAN;
    if (e->momentum || e->train)     /* with a schedule the peak lr decides nothing alone */
        return;
    double inv_B = isinf(e->B) ? 0.0 : 1.0 / e->B, g = 0.0;
    for (size_t k = 0; k < e->n; k++) {
        double l = e->lam[k], a = 1.0 - e->eta[k] * l, q = e->eta[k] * e->eta[k] * inv_B;
        double den = 1.0 - a * a - q * l * l;
        if (!(den > 0.0)) {
            e->stable = 0;
            break;
        }
        g += l * q * l / den;
    }
    if (!e->stable || !(g < 1.0)) {
        e->stable = 0;
        e->stationary = INFINITY;
        return;
    }
    double S = e->sigma2 * g / (1.0 - g), L = 0.0;
    for (size_t k = 0; k < e->n; k++) {
        double l = e->lam[k], a = 1.0 - e->eta[k] * l, q = e->eta[k] * e->eta[k] * inv_B;
        double c = (S + e->sigma2) * q * l / (1.0 - a * a - q * l * l);
        if (e->ema) {
            double gm = e->gamma, P = (1.0 - gm) * c / (1.0 - gm * a);
            c = (2.0 * gm * (1.0 - gm) * a * P + (1.0 - gm) * (1.0 - gm) * c) / (1.0 - gm * gm);
        }
        L += l * c;
    }
    e->stationary = 0.5 * L;
}

double gaussreg_exact_stationary(const gaussreg_exact *e)
{
    return e->stationary;
}

/* The driver's view (sim/theory/stepped.h), defined with the recursion below. */
static void restart_v(void *e);
static void step_v(void *e);
static double loss_v(const void *e);
static double current_loss(const gaussreg_exact *e);

int gaussreg_exact_init(gaussreg_exact *e, const problem *pb, const opt_type *type,
                        const opt_params *p, double B, const double *c0)
{
    memset(e, 0, sizeof *e);
    if (!gaussreg_exact_supports(pb->type, type, p))
        return OD_ENOTSUP;
    double sigma;
    pb->type->feature_facts(pb, &e->lam, &sigma);
    size_t n = pb->n;
    e->n = n;
    e->sigma2 = sigma * sigma;
    e->B = B;
    e->momentum = type->quadratic == OPT_QUAD_HEAVY_BALL;
    e->ema = p->ema > 0;
    e->lr = p->lr;
    e->mu = param_get(type->params, p, "momentum", 0.0);
    e->gamma = p->ema;
    e->train = opt_train_scheduled(&p->train) ? &p->train : NULL;
    double pw = param_get(type->params, p, "precond_power", 0.0);
    e->c0 = malloc(n * sizeof *e->c0);
    e->C = malloc(n * sizeof *e->C);
    e->eta = malloc(n * sizeof *e->eta);
    if (e->momentum) {
        e->X = malloc(n * sizeof *e->X);
        e->V = malloc(n * sizeof *e->V);
    }
    if (e->ema) {
        e->P = malloc(n * sizeof *e->P);
        e->Q = malloc(n * sizeof *e->Q);
    }
    if (!e->c0 || !e->C || !e->eta || (e->momentum && (!e->X || !e->V)) ||
        (e->ema && (!e->P || !e->Q))) {
        gaussreg_exact_free(e);
        return OD_ENOMEM;
    }
    memcpy(e->c0, c0, n * sizeof *c0);
    for (size_t k = 0; k < n; k++)
        e->eta[k] = pw != 0.0 ? p->lr * pow(e->lam[k], -pw) : p->lr;
    restart(e);
    e->loss0 = current_loss(e);
    e->drv = (stepped){ e, restart_v, step_v, loss_v, &e->k, e->loss0 };
    stationary_init(e);
    return OD_OK;
}

void gaussreg_exact_free(gaussreg_exact *e)
{
    free(e->c0), free(e->C), free(e->eta), free(e->X), free(e->V), free(e->P), free(e->Q);
    memset(e, 0, sizeof *e);
}

/* One step of the moments. With g = lambda e + xi, E[xi_k^2 | e] = q_k = (lambda_k S +
 * lambda_k^2 e_k^2 + sigma^2 lambda_k)/B (Isserlis), S = sum_j lambda_j e_j^2, and E[q_k] the
 * same with c for e^2. SGD: e' = a e - eta xi, a = 1 - eta lambda. Heavy ball: v' = mu v +
 * lambda e + xi, e' = e - lr v'. Averaging: ebar' = gamma ebar + (1 - gamma) e'. */
static void step(gaussreg_exact *e)
{
    size_t n = e->n;
    double S = 0.0, inv_B = isinf(e->B) ? 0.0 : 1.0 / e->B;
    double f = e->train ? opt_schedule_factor(e->train, e->k + 1) : 1.0;   /* lr_t / lr */
    for (size_t k = 0; k < n; k++)
        S += e->lam[k] * e->C[k];
    for (size_t k = 0; k < n; k++) {
        double l = e->lam[k], C = e->C[k];
        double q = inv_B * l * (S + l * C + e->sigma2);
        if (e->momentum) {
            double X = e->X[k], lr = e->lr * f, mu = e->mu;
            double V1 = mu * mu * e->V[k] + 2.0 * mu * l * X + l * l * C + q;
            double ev = mu * X + l * C;                  /* E[e v'] */
            e->V[k] = V1;
            e->X[k] = ev - lr * V1;
            e->C[k] = C - 2.0 * lr * ev + lr * lr * V1;
        } else {
            double eta = e->eta[k] * f, a = 1.0 - eta * l;
            double C1 = a * a * C + eta * eta * q;
            if (e->ema) {
                double g = e->gamma, aP = a * e->P[k];
                e->Q[k] = g * g * e->Q[k] + 2.0 * g * (1.0 - g) * aP + (1.0 - g) * (1.0 - g) * C1;
                e->P[k] = g * aP + (1.0 - g) * C1;
            }
            e->C[k] = C1;
        }
    }
    e->k++;
}

static double current_loss(const gaussreg_exact *e)
{
    const double *c = e->ema ? e->Q : e->C;
    double s = 0.0;
    for (size_t k = 0; k < e->n; k++)
        s += e->lam[k] * c[k];
    return 0.5 * s;
}

static void restart_v(void *e) { restart(e); }
static void step_v(void *e) { step(e); }
static double loss_v(const void *e) { return current_loss(e); }

double gaussreg_exact_loss(gaussreg_exact *e, long k)
{
    return stepped_loss_at(&e->drv, k);
}
