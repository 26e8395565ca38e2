/* tests/test_onestep.c — one-step scaling laws: Monte Carlo lr*(B) of SGD within 3 standard
 * errors of lr_max/(1 + B_noise/B) on the NQM; SignSGD's E[sign] against erf; the surge on a
 * quadratic with same-sign off-diagonal H (peak within a factor 2 of the mean-field B) and no
 * surge with diagonal H; the expected loss after one step is exactly quadratic in lr on a
 * quadratic; Adam's update RMS under pure noise against sqrt((1-b1)/(1+b1)); the eps forms'
 * limits (eps lr*_SGD as eps -> inf); Muon's E[msign] forms against Monte Carlo on matreg (the
 * perturbative form at large B within 3 SE, the mean-field forms' deviation per B printed); Lion
 * with b1 = b2 in its steady state against the sign forms at B/a; SGDM's stationary covariance. */
#include "testutil.h"
#include "../sim/theory/grad_moments.h"
#include "../sim/kinds/onestep.h"
#include "../sim/theory/scaling_theory.h"
#include "../sim/theory/msign_theory.h"
#include "../sim/core/draw.h"
#include "../sim/core/frozen.h"
#include "../sim/core/status.h"
#include "../optimizers/opt.h"

#include <gsl/gsl_linalg.h>
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
 * softsign_mf and eps_mf the same sign-like form. the article's softsign misses the first limit. */
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
               "%.6g), published softsign %.3g\n", B, sgd, mf, adam, rms, lit);
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

/* Equal singular values (W* = U V^T, G = -W* at x0 = 0): the matrix and scalar mean-field forms
 * are the same number, and the noiseless form is msign(G) = -W* itself. */
static void msign_forms_coincide_at_equal_singular_values(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\n[problem]\ntype = matreg\nrows = 12\n"
                          "cols = 6\nrank = 6\ndecay = 0\nexamples = 0\nlabel_noise = 0.7\n"
                          "[onestep]\nbatch = 1\n[optimizer muon]\ntype = muon\nscale = none\n");
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    double *E = malloc(pb->n * sizeof *E);
    assert_int_equal(msign_mean(c->opt[0].type, &c->opt[0].p, &m, pb, INFINITY, MSIGN_NOISELESS,
                                E), OD_OK);
    for (size_t i = 0; i < pb->n; i++)
        assert_true(fabs(E[i] + pb->xstar[i]) <= 1e-12);
    for (double B = 0.5; B < 1e4; B *= 7.0) {
        double a = form_lr(c, 0, pb, &m, B, "msign_matrix"), b = form_lr(c, 0, pb, &m, B, "msign_scalar");
        assert_true(fabs(a - b) <= 1e-12 * b);
        assert_true(fabs(b - 1.0 / sqrt(1.0 + m.B_simple / B)) <= 1e-12);   /* lr_max = 1 (H = I) */
    }
    free(E);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* The diagonal e_i = u_i^T M v_i of the r x c matrix M (r >= c) in the singular bases of G. */
static void singular_diagonal(const double *G, const double *M, size_t r, size_t c, double *e)
{
    double *U = malloc(r * c * sizeof *U), *V = malloc(c * c * sizeof *V), *S = malloc(c * sizeof *S);
    memcpy(U, G, r * c * sizeof *U);
    gsl_matrix_view Um = gsl_matrix_view_array(U, r, c), Vm = gsl_matrix_view_array(V, c, c);
    gsl_vector_view Sv = gsl_vector_view_array(S, c);
    assert_int_equal(gsl_linalg_SV_decomp_jacobi(&Um.matrix, &Vm.matrix, &Sv.vector), 0);
    for (size_t q = 0; q < c; q++) {
        e[q] = 0.0;
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < c; j++)
                e[q] += U[i * c + q] * M[i * c + j] * V[j * c + q];
    }
    free(U), free(V), free(S);
}

/* Matrix regression in the Gaussian model at x0 = 0: H = I, isotropic noise sigma^2/B per entry,
 * G = -W* (16 x 8, s_i = i^-1/2), B_simple = 47.1. Muon (svd, scale rms = 0.8) first update,
 * Lion with b1 = b2 = 0.9 and Muon with Nesterov momentum 0.9 in their steady states. */
static const char msign_ini[] =
    "[experiment]\nkind = onestep\nseed = 5\n[problem]\ntype = matreg\nrows = 16\ncols = 8\n"
    "rank = 8\ndecay = 0.5\nexamples = 0\nlabel_noise = 1\n[onestep]\nbatch = pow2(0, 12)\n"
    "samples = 2000\nsteady_steps = 200\n[optimizer muon]\ntype = muon\northo = svd\nscale = rms\n"
    "momentum = 0\n[optimizer lion]\ntype = lion\nbeta1 = 0.9\nbeta2 = 0.9\n"
    "[optimizer muon9]\ntype = muon\northo = svd\nscale = rms\nmomentum = 0.9\n";

static double named(const theory_value *v, size_t k, const char *form)
{
    for (size_t i = 0; i < k; i++)
        if (!strcmp(v[i].form, form))
            return v[i].lr;
    fail_msg("no form %s", form);
    return NAN;
}

/* Muon: every B from 1 to 4096, Monte Carlo lr* and E[msign] in G's singular bases beside the
 * forms (printed). Asserted: the perturbative form, exact as B -> inf, within 3 SE at B >= 40
 * B_simple; there the matrix mean field over-shrinks (its first-order coefficient n/2 exceeds the
 * exact (n - k)/2 + sum_j s_i^2/(s_i + s_j)^2), by more than 10 SE at B = 4096. */
static void muon_msign_against_monte_carlo(void **unused)
{
    (void)unused;
    config *c = tu_config(msign_ini);
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    const size_t r = 16, k = 8;
    const double s = 0.2 * sqrt(16.0);
    double e[8], em[8], *E = malloc(pb->n * sizeof *E);
    printf("# Muon E[msign], matreg 16x8 (H = I), B_simple = %.1f: lr* Monte Carlo, deviation of "
           "each form; max_i |e_i - e_i(form)| in G's singular bases\n", m.B_simple);
    printf("# %5s %9s %7s %8s %8s %8s | %7s %7s %6s\n", "B", "lr_mc", "se%", "matrix%", "scalar%",
           "pert%", "e_mat", "e_scal", "e_se");
    for (size_t ib = 0; ib < onestep_params_of(c)->batch.n; ib++) {
        double B = onestep_params_of(c)->batch.v[ib];
        onestep_estimate est;
        estimate(c, pb, 0, ONESTEP_FIRST, B, &est, 1);
        theory_value v[THEORY_FORMS_MAX];
        size_t nf = scaling_theory(&c->opt[0], ONESTEP_FIRST, &m, pb, pb->x0, B, v);
        double lm = named(v, nf, "msign_matrix"), ls = named(v, nf, "msign_scalar");
        double lp = named(v, nf, "msign_perturbative"), dev[2] = { 0.0, 0.0 }, se = 0.0;
        singular_diagonal(m.g, est.mean_phi, r, k, e);
        for (int f = 0; f < 2; f++) {
            assert_int_equal(msign_mean(c->opt[0].type, &c->opt[0].p, &m, pb, B,
                                        f ? MSIGN_SCALAR : MSIGN_MATRIX, E), OD_OK);
            singular_diagonal(m.g, E, r, k, em);
            for (size_t q = 0; q < k; q++)
                dev[f] = fmax(dev[f], fabs(e[q] - em[q]) / s);
        }
        for (size_t i = 0; i < pb->n; i++)
            se += est.mean_phi_se[i] * est.mean_phi_se[i] / (s * s * (double)pb->n);
        printf("# %5g %9.6f %7.3f %+8.3f %+8.3f %+8.3f | %7.4f %7.4f %6.4f\n", B, est.lr,
               100 * est.lr_se / est.lr, 100 * (lm / est.lr - 1), 100 * (ls / est.lr - 1),
               100 * (lp / est.lr - 1), dev[0], dev[1], sqrt(se));
        if (B >= 40 * m.B_simple && fabs(lp - est.lr) > 3 * est.lr_se)
            fail_msg("B = %g: perturbative %.8g vs Monte Carlo %.8g +- %.2g", B, lp, est.lr, est.lr_se);
        if (B == 4096 && !(est.lr - lm > 10 * est.lr_se))
            fail_msg("B = 4096: matrix mean field %.8g not below Monte Carlo %.8g +- %.2g", lm,
                     est.lr, est.lr_se);
        free(est.mean_phi), free(est.mean_phi_se);
    }
    free(E);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* Muon's steady state (Nesterov, mu = 0.9): u has mean g and covariance a Sigma/B, a = mu^4 (1-mu)/
 * (1+mu) + (1-mu^2)^2, so the forms apply at B/a; the perturbative one within 3 SE where B/a >=
 * 40 B_simple (steady chain, batch-means SE). */
static void muon_steady_against_monte_carlo(void **unused)
{
    (void)unused;
    config *c = tu_config(msign_ini);
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    const double mu = 0.9, a = pow(mu, 4) * (1 - mu) / (1 + mu) + (1 - mu * mu) * (1 - mu * mu);
    assert_true(fabs(c->opt[2].type->steady_noise(&c->opt[2].p) - a) < 1e-15);
    for (size_t ib = 0; ib < onestep_params_of(c)->batch.n; ib++) {
        double B = onestep_params_of(c)->batch.v[ib];
        onestep_estimate est;
        estimate(c, pb, 2, ONESTEP_STEADY, B, &est, 0);
        theory_value v[THEORY_FORMS_MAX];
        size_t nf = scaling_theory(&c->opt[2], ONESTEP_STEADY, &m, pb, pb->x0, B, v);
        double lm = named(v, nf, "msign_matrix"), ls = named(v, nf, "msign_scalar");
        double lp = named(v, nf, "msign_perturbative");
        printf("# Muon steady mu = 0.9 (B/a = %7.1f), B %-5g lr* MC %.6f (se %.3f%%): matrix "
               "%+.3f%%, scalar %+.3f%%, perturbative %+.3f%%\n", B / a, B, est.lr,
               100 * est.lr_se / est.lr, 100 * (lm / est.lr - 1), 100 * (ls / est.lr - 1),
               100 * (lp / est.lr - 1));
        if (B / a >= 40 * m.B_simple && fabs(lp - est.lr) > 3 * est.lr_se)
            fail_msg("B = %g: perturbative %.8g vs Monte Carlo %.8g +- %.2g", B, lp, est.lr, est.lr_se);
    }
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* Lion with b1 = b2 (SignSGDM) in its steady state: c = m has mean g and variance a sigma^2/B,
 * a = (1-b1)/(1+b1), Gaussian and independent across coordinates, so E[sign(m_i)] is erf at B/a
 * exactly and the erf form's lr* holds within 3 SE at every B; the mean-field form
 * sign(g)/sqrt(1 + a B_simple/B) is printed beside it. */
static void signsgdm_steady_against_monte_carlo(void **unused)
{
    (void)unused;
    config *c = tu_config(msign_ini);
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    assert_true(fabs(sign_ema_noise_factor(0.9, 0.9) - 0.1 / 1.9) < 1e-15);
    for (size_t ib = 0; ib < onestep_params_of(c)->batch.n; ib++) {
        double B = onestep_params_of(c)->batch.v[ib];
        onestep_estimate est;
        estimate(c, pb, 1, ONESTEP_STEADY, B, &est, 0);
        theory_value v[THEORY_FORMS_MAX];
        size_t nf = scaling_theory(&c->opt[1], ONESTEP_STEADY, &m, pb, pb->x0, B, v);
        double le = named(v, nf, "erf"), lm = named(v, nf, "mean_field");
        printf("# SignSGDM b1 = 0.9, B %-5g lr* MC %.6f +- %.6f, erf at B/a %+.3f%%, mean field "
               "%+.3f%%\n", B, est.lr, est.lr_se, 100 * (le / est.lr - 1), 100 * (lm / est.lr - 1));
        if (fabs(le - est.lr) > 3 * est.lr_se)
            fail_msg("B = %g: erf at B/a %.8g vs Monte Carlo %.8g +- %.2g", B, le, est.lr, est.lr_se);
    }
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* SGDM (heavy ball v <- mu v + g; EMA form m = (1-mu) v) with the gradient frozen: independent
 * noise gives the stationary Cov[m] = ((1-mu)/(1+mu)) Sigma/B exactly. 400 independent chains
 * (draw cells), the state after 200 steps of each (mu^400 ~ 1e-18 of the start remains);
 * z_i = (m_i - g_i)/sqrt(a Sigma_ii/B) pooled over coordinates and chains: mean z^2 within 3 SE
 * of 1. */
static void sgdm_stationary_covariance(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = onestep\nseed = 9\n[problem]\ntype = nqm\n"
                          "dim = 50\nx0 = 1\n[onestep]\nbatch = 4\n"
                          "[optimizer sgdm]\ntype = momentum\nmomentum = 0.9\n");
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    const opt_type *t = c->opt[0].type;
    const double mu = 0.9, B = 4.0, a = sign_ema_noise_factor(mu, mu);
    double s1 = 0.0, s2 = 0.0, *dx = malloc(pb->n * sizeof *dx);
    long count = 0;
    frozen fz;
    frozen_init(&fz, pb, pb->x0);
    for (uint64_t chain = 0; chain < 400; chain++) {
        double *st = opt_state_alloc(t, pb->n, &c->opt[0].p);
        draw d;
        assert_int_equal(draw_init(&d, pb, B, 9, chain), OD_OK);
        for (long step = 1; step <= 200; step++) {
            batch b;
            draw_step(&d, step, &b);
            assert_int_equal(t->step(st, pb->n, step, &c->opt[0].p, pb->x0, &fz.pb, &b, dx), OD_OK);
        }
        for (size_t i = 0; i < pb->n; i++) {       /* st = v */
            double z = ((1.0 - mu) * st[i] - m.g[i]) / (m.sd[i] * sqrt(a / B));
            s1 += z * z, s2 += z * z * z * z;
            count++;
        }
        draw_free(&d);
        free(st);
    }
    double mean = s1 / (double)count, se = sqrt((s2 / (double)count - mean * mean) / (double)count);
    printf("# SGDM mu = 0.9, B = 4: Var[m]/(a Sigma/B) = %.4f +- %.4f over %ld draws (a = %.5f)\n",
           mean, se, count, a);
    assert_true(fabs(mean - 1.0) < 3.0 * se);
    free(dx);
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
        cmocka_unit_test(msign_forms_coincide_at_equal_singular_values),
        cmocka_unit_test(muon_msign_against_monte_carlo),
        cmocka_unit_test(muon_steady_against_monte_carlo),
        cmocka_unit_test(signsgdm_steady_against_monte_carlo),
        cmocka_unit_test(sgdm_stationary_covariance),
    };
    return cmocka_run_group_tests_name("onestep", tests, NULL, NULL);
}
