/* sim/theory/scaling_theory.c — docs/theory.md "One-step scaling". For a direction phi from a batch of size B,
 *   lr*(B) = E[phi]^T g / tr(E[phi phi^T] H),   dL(B) = (E[phi]^T g)^2 / (2 tr(E[phi phi^T] H)).
 * Which forms apply is the closed-form model the optimizer type declares for a fresh or steady
 * state (opt_type.first, .steady). */
#include "scaling_theory.h"
#include "msign_theory.h"
#include "../core/status.h"

#include <complex.h>
#include <gsl/gsl_sf_erf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *form, *text; } descriptions[] = {
    { "sgd", "SGD: lr_max/(1 + B_noise/B), dL_max/(1 + B_noise/B) (exact on a quadratic)" },
    { "ema_momentum", "heavy-ball steady state, v = EMA of gradients scaled by 1/(1-mu): "
                      "(1-mu) lr_max/(1 + B_noise/B_eff), B_eff = B(1+mu)/(1-mu)" },
    { "erf", "sign, exact per-coordinate means E_i = erf(g_i sqrt(B/2)/sigma_i), E[s_i s_j] = "
             "E_i E_j (i != j): sum E_i g_i/(A + E^T H E - sum H_ii E_i^2)" },
    { "pi4", "sign with erf(u) ~ u/sqrt(u^2 + pi/4) (Su 2024-11)" },
    { "mean_field", "sign, mean field beta = (1 + B_simple/B)^(-1/2): sum|g_i|/(A/beta + beta C)" },
    { "softsign", "Adam's eps as SoftSign g/sqrt(g^2+eps^2), nu from the exact g: "
                  "beta sum nu_i g_i/(A + beta^2 (nu^T H nu - A)) (the article as written, docs/theory.md; keeps "
                  "the sign's E[phi_i^2] = 1, so it misses lr* ~ eps lr*_SGD for eps >> |g|)" },
    { "softsign_mf", "SoftSign in mean field with second moments, v = g^2 + sigma^2/B: E = "
                     "g/sqrt(v + eps^2), E[phi_i^2] = v/(v + eps^2)" },
    { "eps_mf", "the first update g/(c|g| + eps) itself in mean field (c = 1 Adam, sqrt(1-alpha) "
                "RMSprop): E = g/(c sqrt(v) + eps), E[phi_i^2] = v/(c sqrt(v) + eps)^2" },
    { "adam_steady", "Adam steady state, eps = 0 (Su 2025): E[phi] = beta sign(g), E[phi phi^T] = "
                     "E E^T + a diag(1 - E^2), a = (1-b1)/(1+b1)" },
    { "msign_matrix", "Muon, mean field per matrix block G (n = larger side, sigma^2 = mean "
                      "per-entry variance): E[msign] = msign(G)(I + (n sigma^2/B)(G^T G)^-1)^(-1/2); "
                      "lr = E[phi].g/(O^T H O), O = msign(G) (Su 2025)" },
    { "msign_scalar", "Muon, scalar mean field: E[msign] = msign(G)/sqrt(1 + B_simple/B), so lr = "
                      "lr_max/sqrt(1 + B_simple/B), lr_max = |G|_*/(O^T H O)" },
    { "msign_perturbative", "Muon, second-order perturbation (exact as B -> inf, full-rank G): "
                            "e_i = 1 - (sigma^2/B)(sum_{j!=i} (s_i + s_j)^-2 + (n - k)/(2 s_i^2))" },
};

const char *scaling_theory_describe(const char *form)
{
    for (size_t i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++)
        if (strcmp(descriptions[i].form, form) == 0)
            return descriptions[i].text;
    return "";
}

static theory_value value(const char *form, double num, double den)
{
    theory_value v = { form, num / den, num * num / (2.0 * den) };
    return v;
}

/* From per-coordinate first and second moments E_i = E[phi_i], S_i = E[phi_i^2] (S NULL: 1) and
 * E[phi_i phi_j] = E_i E_j (i != j): num = E.g, den = sum H_ii (S_i - E_i^2) + E^T H E. */
static int coordinate_value(const grad_moments *m, const problem *pb, const double *x,
                            const double *E, const double *S, const char *form, double scale,
                            theory_value *out)
{
    size_t n = m->n;
    double *HE = malloc(n * sizeof *HE), num = 0.0, diag = 0.0, EHE = 0.0;
    if (!HE || pb->type->hvp(pb, x, E, HE) != OD_OK) {
        free(HE);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        num += E[i] * m->g[i];
        diag += m->hdiag[i] * ((S ? S[i] : 1.0) - E[i] * E[i]);
        EHE += E[i] * HE[i];
    }
    free(HE);
    *out = value(form, scale * num, scale * scale * (diag + EHE));
    return 1;
}

/* Per-coordinate sign means E (pi4: the approximation), S = 1. Scratch from the heap: n can be
 * large. */
static int sign_value(const grad_moments *m, const problem *pb, const double *x, double B,
                      int approx, const char *form, double scale, theory_value *out)
{
    size_t n = m->n;
    double *E = malloc(n * sizeof *E);
    if (!E)
        return 0;
    for (size_t i = 0; i < n; i++) {
        double sgn = m->g[i] > 0 ? 1.0 : m->g[i] < 0 ? -1.0 : 0.0;
        if (m->sd[i] == 0.0) {
            E[i] = sgn;
        } else {
            double u = m->g[i] * sqrt(B / 2.0) / m->sd[i];
            E[i] = approx ? u / sqrt(u * u + 0.25 * 3.14159265358979323846) : gsl_sf_erf(u);
        }
    }
    int ok = coordinate_value(m, pb, x, E, NULL, form, scale, out);
    free(E);
    return ok;
}

/* Mean field with second moments for a first update with eps > 0: the expectation moved inside
 * the map, with E[G_i] = g_i and E[G_i^2] = v_i = g_i^2 + sigma_i^2/B.
 *   softsign_mf, phi = G/sqrt(G^2 + eps^2):  E_i = g_i/sqrt(v_i + eps^2), S_i = v_i/(v_i + eps^2)
 *   eps_mf, Adam's own phi = G/(c|G| + eps):  E_i = g_i/(c r_i + eps),    S_i = v_i/(c r_i + eps)^2
 * (r_i = sqrt(v_i); c = 1 for Adam, sqrt(1 - alpha) for RMSprop). Both reduce to the mean-field
 * sign form as eps -> 0 and to eps lr*_SGD (diagonal Sigma) as eps -> inf. */
static size_t eps_forms(const grad_moments *m, const problem *pb, const double *x, double B,
                        double eps, double c, int with_softsign, theory_value *out)
{
    size_t n = m->n, k = 0;
    double *E = malloc(n * sizeof *E), *S = malloc(n * sizeof *S);
    for (int form = with_softsign ? 0 : 1; E && S && form < 2; form++) {
        for (size_t i = 0; i < n; i++) {
            double v = m->g[i] * m->g[i] + m->sd[i] * m->sd[i] / B;
            double den = form == 0 ? sqrt(v + eps * eps) : c * sqrt(v) + eps;
            E[i] = m->g[i] / den;
            S[i] = form == 0 ? v / (v + eps * eps) : v / (den * den);
        }
        k += (size_t)coordinate_value(m, pb, x, E, S, form == 0 ? "softsign_mf" : "eps_mf", 1.0,
                                      out + k);
    }
    free(E), free(S);
    return k;
}

static size_t sign_forms(const grad_moments *m, const problem *pb, const double *x, double B,
                         double scale, theory_value *out)
{
    size_t k = 0;
    k += (size_t)sign_value(m, pb, x, B, 0, "erf", scale, out + k);
    k += (size_t)sign_value(m, pb, x, B, 1, "pi4", scale, out + k);
    double beta = 1.0 / sqrt(1.0 + m->B_simple / B);
    out[k++] = value("mean_field", scale * beta * m->abs_g,
                     scale * scale * (m->A + beta * beta * m->C));
    return k;
}

/* nu = g/sqrt(g^2 + eps^2) from the exact gradient. */
static size_t softsign_form(const grad_moments *m, const problem *pb, const double *x, double B,
                            double eps, theory_value *out)
{
    size_t n = m->n;
    double *nu = calloc(n, sizeof *nu), *Hnu = malloc(n * sizeof *Hnu), num = 0.0, nHn = 0.0;
    int ok = nu && Hnu;
    for (size_t i = 0; ok && i < n; i++) {
        nu[i] = m->g[i] / sqrt(m->g[i] * m->g[i] + eps * eps);
        num += nu[i] * m->g[i];
    }
    ok = ok && pb->type->hvp(pb, x, nu, Hnu) == OD_OK;
    for (size_t i = 0; ok && i < n; i++)
        nHn += nu[i] * Hnu[i];
    free(nu), free(Hnu);
    if (!ok)
        return 0;
    double beta = 1.0 / sqrt(1.0 + m->B_simple / B);
    *out = value("softsign", beta * num, m->A + beta * beta * (nHn - m->A));
    return 1;
}

/* The forms of the closed-form model the optimizer's type declares for direction dir; its
 * hyperparameters are read by key through the type's specs. */
size_t scaling_theory(const cfg_optimizer *o, int dir, const grad_moments *m, const problem *pb,
                      const double *x, double B, theory_value *out)
{
    const param_spec *ps = o->type->params;
    const void *p = &o->p;
    double eps = param_get(ps, p, "eps", 0.0);
    switch (dir == ONESTEP_FIRST ? o->type->first : o->type->steady) {
    case OPT_DIR_GRADIENT:
        out[0] = value("sgd", m->gg, m->gHg * (1.0 + m->B_noise / B));
        return 1;
    case OPT_DIR_EMA_MOMENTUM: {
        double mu = param_get(ps, p, "momentum", 0.0);
        double Beff = B * (1.0 + mu) / (1.0 - mu), s = 1.0 / (1.0 - mu);
        out[0] = value("ema_momentum", s * m->gg, s * s * m->gHg * (1.0 + m->B_noise / Beff));
        return 1;
    }
    case OPT_DIR_SIGN:
        return sign_forms(m, pb, x, B, 1.0, out);
    case OPT_DIR_ADAM_FIRST: {
        if (eps == 0.0)
            return sign_forms(m, pb, x, B, 1.0, out);
        size_t k = softsign_form(m, pb, x, B, eps, out);
        return k + eps_forms(m, pb, x, B, eps, 1.0, 1, out + k);
    }
    case OPT_DIR_RMSPROP_FIRST: {      /* s = (1-a) g^2 */
        double c = sqrt(1.0 - param_get(ps, p, "alpha", 0.0));
        return eps == 0.0 ? sign_forms(m, pb, x, B, 1.0 / c, out)
                          : eps_forms(m, pb, x, B, eps, c, 0, out);
    }
    case OPT_DIR_ADAM_STEADY: {
        double b1 = param_get(ps, p, "beta1", 0.0);
        double a = (1.0 - b1) / (1.0 + b1), beta = 1.0 / sqrt(1.0 + m->B_simple / B);
        out[0] = value("adam_steady", beta * m->abs_g,
                       beta * beta * (m->A + m->C) + a * m->A * (1.0 - beta * beta));
        return 1;
    }
    case OPT_DIR_MSIGN: {
        double a = dir == ONESTEP_STEADY && o->type->steady_noise ? o->type->steady_noise(&o->p) : 1.0;
        return msign_forms(o->type, &o->p, m, pb, x, B / a, out);
    }
    case OPT_DIR_SIGN_EMA: {
        /* c = b1 m + (1-b1) g with m's steady variance (1-b2)/(1+b2) Sigma/B and g independent
         * of m: mean g, variance a Sigma/B, a = b1^2 (1-b2)/(1+b2) + (1-b1)^2 ((1-b1)/(1+b1) at
         * b1 = b2): the sign forms at the effective batch B/a */
        double b1 = param_get(ps, p, "beta1", 0.0), b2 = param_get(ps, p, "beta2", 0.0);
        return sign_forms(m, pb, x, B / sign_ema_noise_factor(b1, b2), 1.0, out);
    }
    case OPT_DIR_NONE:
        break;
    }
    return 0;
}

size_t scaling_theory_table(const cfg_optimizer *o, int dir, const grad_moments *m,
                            const problem *pb, const double *x, size_t nb, const double *B,
                            const char **forms, double *lr, double *dL)
{
    size_t nf = 0;
    for (size_t i = 0; i < nb; i++) {
        theory_value tv[THEORY_FORMS_MAX];
        nf = scaling_theory(o, dir, m, pb, x, B[i], tv);
        for (size_t k = 0; k < nf; k++) {
            forms[k] = tv[k].form;
            lr[k * nb + i] = tv[k].lr;
            dL[k * nb + i] = tv[k].dL;
        }
    }
    return nf;
}

double sign_ema_noise_factor(double b1, double b2)
{
    return b1 * b1 * (1.0 - b2) / (1.0 + b2) + (1.0 - b1) * (1.0 - b1);
}

int sign_surge(const grad_moments *m, double *B_peak, double *lr_peak)
{
    if (!(m->C > m->A)) {
        *B_peak = *lr_peak = NAN;
        return 0;
    }
    *B_peak = m->A * m->B_simple / (m->C - m->A);
    *lr_peak = m->abs_g / (2.0 * sqrt(m->A * m->C));
    return 1;
}

double adam_surge_batch(const grad_moments *m, double b1)
{
    return b1 > 1.0 / 3.0 ? m->B_simple * (1.0 - b1) / (3.0 * b1 - 1.0) : NAN;
}

double adam_update_rms_per_coordinate(const grad_moments *m, double b1, double B)
{
    double a = (1.0 - b1) / (1.0 + b1), s2 = 0.0;
    for (size_t i = 0; i < m->n; i++) {
        double s = m->sd[i] > 0 ? B * m->g[i] * m->g[i] / (m->sd[i] * m->sd[i]) : INFINITY;
        s2 += isinf(s) ? 1.0 : (s + a) / (s + 1.0);
    }
    return sqrt(s2 / (double)m->n);
}

double adam_update_rms_global_snr(double b1, double snr)
{
    double a = (1.0 - b1) / (1.0 + b1);
    return sqrt((snr + a) / (snr + 1.0));
}

void goh_optimum(double lmin, double lmax, double *lr, double *mu, double *rate)
{
    double k = sqrt(lmax / lmin), s = 2.0 / (sqrt(lmin) + sqrt(lmax));
    *lr = s * s;
    *mu = ((k - 1.0) / (k + 1.0)) * ((k - 1.0) / (k + 1.0));
    *rate = sqrt(*mu);
}

void gd_optimum(double lmin, double lmax, double *lr, double *rate)
{
    *lr = 2.0 / (lmin + lmax);
    *rate = (lmax - lmin) / (lmax + lmin);
}

/* (v, x) <- [[mu, lambda], [-lr mu, 1 - lr lambda]] (v, x): eigenvalues of the 2x2 matrix,
 * roots of z^2 - (1 + mu - lr lambda) z + mu = 0. */
double heavy_ball_radius(double lr, double mu, double lambda)
{
    double b = 1.0 + mu - lr * lambda;
    double complex disc = csqrt((double complex)(b * b - 4.0 * mu));
    double r1 = cabs((b + disc) / 2.0), r2 = cabs((b - disc) / 2.0);
    return r1 > r2 ? r1 : r2;
}
