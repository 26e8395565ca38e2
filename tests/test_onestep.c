/* tests/test_onestep.c — one-step scaling laws: Monte Carlo lr*(B) of SGD within 3 standard
 * errors of lr_max/(1 + B_noise/B) on the NQM; SignSGD's E[sign] against erf; the surge on a
 * quadratic with same-sign off-diagonal H (peak within a factor 2 of the mean-field B) and no
 * surge with diagonal H; the expected loss after one step is exactly quadratic in lr on a
 * quadratic; Adam's update RMS under pure noise against sqrt((1-b1)/(1+b1)); the eps forms'
 * limits (eps lr*_SGD as eps -> inf). */
#include "testutil.h"
#include "../sim/theory/grad_moments.h"
#include "../sim/kinds/onestep.h"
#include "../sim/theory/scaling_theory.h"
#include "../sim/core/status.h"

#include <gsl/gsl_sf_erf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void estimate(const config *c, const problem *pb, size_t opt, int dir, double B,
                     onestep_estimate *e, int with_means)
{
    memset(e, 0, sizeof *e);
    if (with_means) {
        e->mean_phi = malloc(pb->n * sizeof(double));
        e->mean_phi_se = malloc(pb->n * sizeof(double));
    }
    assert_int_equal(onestep_mc(c, &c->opt[opt], dir, pb, onestep_point(c, pb), B,
                                (uint64_t)B * 7 + opt, e), OD_OK);
}

static void sgd_matches_saturating_law(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\nseed = 2\n[problem]\ntype = nqm\n"
                          "dim = 10000\nx0 = 1\n[onestep]\nbatch = pow2(0, 12)\nsamples = 1000\n"
                          "[optimizer sgd]\ntype = sgd\n");
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    for (size_t i = 0; i < onestep_params_of(c)->batch.n; i++) {
        double B = onestep_params_of(c)->batch.v[i], want = m.lr_max / (1.0 + m.B_noise / B);
        onestep_estimate e;
        estimate(c, pb, 0, ONESTEP_FIRST, B, &e, 0);
        printf("# B %-5g lr* MC %.5f +- %.5f, lr_max/(1+B_noise/B) = %.5f\n", B, e.lr, e.lr_se, want);
        if (fabs(e.lr - want) > 3.0 * e.lr_se)
            fail_msg("B = %g: MC %.6g +- %.2g vs %.6g", B, e.lr, e.lr_se, want);
        /* and the loss after the step at lr = lr* is the quadratic model, exactly */
        assert_true(fabs(e.dL_direct - e.dL) <= 1e-9 * fabs(e.dL));
    }
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

static void sign_means_are_erf(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\nseed = 3\n[problem]\ntype = nqm\n"
                          "dim = 200\nx0 = 1\n[onestep]\nbatch = 1, 16, 256\nsamples = 4000\n"
                          "[optimizer s]\ntype = signsgd\n");
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    size_t inside = 0, total = 0;
    double z2 = 0.0;
    for (size_t k = 0; k < onestep_params_of(c)->batch.n; k++) {
        double B = onestep_params_of(c)->batch.v[k];
        onestep_estimate e;
        estimate(c, pb, 0, ONESTEP_FIRST, B, &e, 1);
        for (size_t i = 0; i < pb->n; i++) {
            double E = gsl_sf_erf(m.g[i] / m.sd[i] * sqrt(B / 2.0));
            double se = sqrt((1.0 - E * E) / (double)onestep_params_of(c)->samples);   /* +-1 variable */
            double z = se > 0 ? (e.mean_phi[i] - E) / se : 0.0;
            inside += fabs(z) < 3.0;
            z2 += z * z;
            total++;
        }
        free(e.mean_phi), free(e.mean_phi_se);
    }
    printf("# E[sign]: %zu of %zu coordinates within 3 SE of erf; mean z^2 = %.3f\n", inside,
           total, z2 / (double)total);
    assert_true((double)inside >= 0.99 * (double)total);
    assert_true(fabs(z2 / (double)total - 1.0) < 0.1);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* H = I + (7/8) 1 1^T (eigenvalue 8 along the ones, 1 else), x = 1: g = 8 (all equal), A = 15,
 * C = 49 > A: a surge at B_peak = A B_simple/(C - A); B_simple = s/64 = 100. */
static const char *surge_ini(const char *rotate)
{
    static char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nkind = onestep\nseed = 4\n[problem]\ntype = quadratic\n"
             "dim = 8\neigenvalues = 8, 1, 1, 1, 1, 1, 1, 1\nrotate = %s\nx0 = 1\n"
             "noise = isotropic\nnoise_scale = 6400\n[onestep]\nbatch = logspace(0, 3.6, 25)\n"
             "samples = 20000\n[optimizer s]\ntype = signsgd\n", rotate);
    return ini;
}

static void sign_surge_on_designed_quadratic(void **unused)
{
    (void)unused;
    config *c = tu_config(surge_ini("ones"));
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    assert_true(fabs(m.A - 15.0) < 1e-9 && fabs(m.C - 49.0) < 1e-9);
    double Bp, lp, best = -1.0, Bbest = 0.0;
    assert_true(sign_surge(&m, &Bp, &lp));
    for (size_t k = 0; k < onestep_params_of(c)->batch.n; k++) {
        onestep_estimate e;
        estimate(c, pb, 0, ONESTEP_FIRST, onestep_params_of(c)->batch.v[k], &e, 0);
        if (e.lr > best)
            best = e.lr, Bbest = onestep_params_of(c)->batch.v[k];
    }
    printf("# surge: measured peak at B = %.1f (lr* %.4f), predicted B_peak = %.1f (lr %.4f)\n",
           Bbest, best, Bp, lp);
    assert_true(Bbest > Bp / 2.0 && Bbest < Bp * 2.0);
    assert_true(Bbest < onestep_params_of(c)->batch.v[onestep_params_of(c)->batch.n - 1] / 4.0);   /* then it falls */
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);

    c = tu_config(surge_ini("no"));                 /* diagonal H: C = 0, monotone */
    pb = tu_problem(c);
    double prev = 0.0, prev_se = 0.0;
    for (size_t k = 0; k < onestep_params_of(c)->batch.n; k++) {
        onestep_estimate e;
        estimate(c, pb, 0, ONESTEP_FIRST, onestep_params_of(c)->batch.v[k], &e, 0);
        if (e.lr < prev - 3.0 * hypot(e.lr_se, prev_se))
            fail_msg("diagonal H: lr* falls from %g to %g at B = %g", prev, e.lr,
                     onestep_params_of(c)->batch.v[k]);
        prev = e.lr, prev_se = e.lr_se;
    }
    problem_free(pb);
    config_free(c);
}

static void adam_update_rms_under_pure_noise(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\nseed = 1\n[problem]\ntype = nqm\n"
                          "dim = 10000\n[onestep]\nbatch = 1\nsamples = 200\nsteady_steps = 2000\n"
                          "point = minimizer\n[optimizer adam]\ntype = adam\nbeta1 = 0.9\n"
                          "beta2 = 0.95\neps = 0\n");
    problem *pb = tu_problem(c);
    onestep_estimate e;
    estimate(c, pb, 0, ONESTEP_STEADY, 1.0, &e, 0);
    double want = sqrt(0.1 / 1.9);
    printf("# Adam update RMS, pure noise, d = 1e4, 2000 steps, b1 = 0.9, b2 = 0.95: %.4f vs "
           "sqrt((1-b1)/(1+b1)) = %.4f (%+.1f%%)\n", e.rms, want, 100.0 * (e.rms / want - 1.0));
    assert_true(fabs(e.rms / want - 1.0) < 0.05);
    problem_free(pb);
    config_free(c);
}

/* With a signal (NQM at x0 = 1, B = 1: g_i^2/Sigma_ii = 1/i varies over coordinates) Monte Carlo
 * follows the per-coordinate form; the global-SNR form (exact only for equal ratios) does not. */
static void adam_update_rms_with_signal(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\nseed = 1\n[problem]\ntype = nqm\n"
                          "dim = 10000\n[onestep]\nbatch = 1\nsamples = 200\nsteady_steps = 2000\n"
                          "[optimizer adam]\ntype = adam\nbeta1 = 0.9\nbeta2 = 0.95\neps = 0\n");
    problem *pb = tu_problem(c);
    grad_moments m = { 0 };
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    onestep_estimate e;
    estimate(c, pb, 0, ONESTEP_STEADY, 1.0, &e, 0);
    double coords = adam_update_rms_per_coordinate(&m, 0.9, 1.0);
    double global = adam_update_rms_global_snr(0.9, 1.0 / m.B_simple);
    printf("# Adam update RMS with signal, NQM d = 1e4, B = 1: Monte Carlo %.4f, per-coordinate "
           "%.4f, global SNR %.4f\n", e.rms, coords, global);
    assert_true(fabs(e.rms / coords - 1.0) < 0.05);
    assert_true(global / e.rms > 1.5);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* Equal ratios g_i^2/Sigma_ii in every coordinate: the two forms are the same number. */
static void adam_update_rms_forms_agree_at_equal_snr(void **unused)
{
    (void)unused;
    enum { N = 7 };
    double g[N], sd[N], gg = 0.0, trS = 0.0;
    for (int i = 0; i < N; i++) {
        g[i] = (i % 2 ? -1.0 : 1.0) * (0.3 + i);
        sd[i] = 2.5 * fabs(g[i]);              /* g_i^2/Sigma_ii = 0.16 everywhere */
        gg += g[i] * g[i], trS += sd[i] * sd[i];
    }
    grad_moments m = { .n = N, .g = g, .sd = sd, .gg = gg, .trS = trS, .B_simple = trS / gg };
    for (double B = 0.5; B < 1e4; B *= 3.0) {
        double a = adam_update_rms_per_coordinate(&m, 0.9, B);
        double b = adam_update_rms_global_snr(0.9, B / m.B_simple);
        assert_true(fabs(a - b) <= 1e-14 * b);
    }
}

/* lr*(B) of form `form` for optimizer k of c at x0 and batch B (fails if the form is absent). */
static double form_lr(const config *c, size_t k, const problem *pb, const grad_moments *m,
                      double B, const char *form)
{
    theory_value v[THEORY_FORMS_MAX];
    size_t n = scaling_theory(&c->opt[k], ONESTEP_FIRST, m, pb, pb->x0, B, v);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].form, form))
            return v[i].lr;
    fail_msg("%s: no form %s", c->opt[k].name, form);
    return NAN;
}

/* The eps forms' limits on the NQM (Sigma, H diagonal): eps -> inf gives eps lr*_SGD (for
 * Adam's g/(|g| + eps) and for RMSprop's g/(sqrt(1-alpha)|g| + eps) alike); eps -> 0 makes
 * softsign_mf and eps_mf the same sign-like form. THEORY.md's softsign misses the first limit. */
static void eps_forms_reach_their_limits(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\n[problem]\ntype = nqm\ndim = 300\n"
                          "x0 = 1\n[onestep]\nbatch = 1\n[optimizer sgd]\ntype = sgd\n"
                          "[optimizer big]\ntype = adam\neps = 1e8\n"
                          "[optimizer rms]\ntype = rmsprop\neps = 1e8\nalpha = 0.99\n"
                          "[optimizer small]\ntype = adam\neps = 1e-12\n");
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    const double Bs[] = { 1, 30, 1000 };
    for (int i = 0; i < 3; i++) {
        double B = Bs[i], sgd = form_lr(c, 0, pb, &m, B, "sgd");
        double mf = form_lr(c, 1, pb, &m, B, "softsign_mf") / 1e8;
        double adam = form_lr(c, 1, pb, &m, B, "eps_mf") / 1e8;
        double rms = form_lr(c, 2, pb, &m, B, "eps_mf") / 1e8;
        double lit = form_lr(c, 1, pb, &m, B, "softsign") / 1e8;
        printf("# B %-5g lr*_SGD %.6g; eps = 1e8, lr*/eps: softsign_mf %.6g, eps_mf %.6g (rmsprop "
               "%.6g), THEORY.md softsign %.3g\n", B, sgd, mf, adam, rms, lit);
        assert_true(fabs(mf - sgd) <= 1e-6 * sgd);
        assert_true(fabs(adam - sgd) <= 1e-6 * sgd);
        assert_true(fabs(rms - sgd) <= 1e-6 * sgd);
        double s0 = form_lr(c, 3, pb, &m, B, "softsign_mf"), e0 = form_lr(c, 3, pb, &m, B, "eps_mf");
        assert_true(fabs(s0 - e0) <= 1e-8 * e0);
    }
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sgd_matches_saturating_law),
        cmocka_unit_test(sign_means_are_erf),
        cmocka_unit_test(sign_surge_on_designed_quadratic),
        cmocka_unit_test(adam_update_rms_under_pure_noise),
        cmocka_unit_test(adam_update_rms_with_signal),
        cmocka_unit_test(adam_update_rms_forms_agree_at_equal_snr),
        cmocka_unit_test(eps_forms_reach_their_limits),
    };
    return cmocka_run_group_tests_name("onestep", tests, NULL, NULL);
}
