/* tests/test_noise_scale.c — the gradient noise scale probe: the two-batch estimates of |g|^2 and
 * tr(Sigma) are unbiased (finite data drawn without replacement, and Gaussian noise), smoothing is
 * the bias-corrected EMA, a noiseless problem has no noise, the dense tr(Sigma H) equals the
 * sum over per-example deviations, and along SGD the estimate tracks B_simple while it is < Bb. */
#include "testutil.h"
#include "../sim/theory/grad_moments.h"
#include "../sim/theory/noise_scale.h"
#include "../sim/core/replicate.h"
#include "../sim/core/status.h"
#include "../sim/kinds/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Mean and standard error of the probes' estimates at a fixed x against the exact moments. */
static void check_unbiased(const char *ini, double Bs, double Bb, long probes)
{
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    noise_probe p;
    assert_int_equal(noise_probe_init(&p, pb, Bs, Bb, 0.0, 0, 11), OD_OK);
    double sg = 0, sg2 = 0, st = 0, st2 = 0;
    for (long t = 1; t <= probes; t++) {
        noise_probe_row row;
        assert_int_equal(noise_probe_at(&p, pb->x0, t, &row), OD_OK);
        assert_true(isnan(row.grad_sq) && isnan(row.B_noise));        /* exact = 0 */
        sg += row.grad_sq_est, sg2 += row.grad_sq_est * row.grad_sq_est;
        st += row.tr_sigma_est, st2 += row.tr_sigma_est * row.tr_sigma_est;
    }
    double k = (double)probes, mg = sg / k, mt = st / k;
    double seg = sqrt(fmax(0.0, sg2 / k - mg * mg) / (k - 1));
    double set = sqrt(fmax(0.0, st2 / k - mt * mt) / (k - 1));
    printf("# %s: |g|^2 %.5g +- %.2g (exact %.5g), tr(Sigma) %.5g +- %.2g (exact %.5g)\n",
           pb->type->name, mg, seg, m.gg, mt, set, m.trS);
    /* (Bb = N: the big batch is the full gradient, and the |g|^2 estimate exact) */
    if (fabs(mg - m.gg) > 4.0 * seg + 1e-12 * m.gg || fabs(mt - m.trS) > 4.0 * set)
        fail_msg("estimates off: |g|^2 z = %.2f, tr(Sigma) z = %.2f", (mg - m.gg) / seg,
                 (mt - m.trS) / set);
    noise_probe_free(&p);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* N = 200 and Bb = 100: without the finite-population correction u = (N - B)/(B (N - 1)) the big
 * batch's noise would be taken as twice what it is and |g|^2 come out 4% (about 20 SE) low. Then
 * Bb = N: the big batch is the full gradient (u = 0). */
static void unbiased_on_finite_data(void **unused)
{
    (void)unused;
    check_unbiased("[problem]\ntype = linreg\ndim = 5\nexamples = 200\nx0 = 0.3\n[run]\nsteps = 1\n"
                   "[optimizer s]\ntype = sgd\nlr = 0.1\n", 10, 100, 20000);
    check_unbiased("[problem]\ntype = logreg\ndim = 4\nexamples = 300\nx0 = 0.5\n[run]\nsteps = 1\n"
                   "[optimizer s]\ntype = sgd\nlr = 0.1\n", 4, 300, 20000);
}

static void unbiased_with_gaussian_noise(void **unused)
{
    (void)unused;
    check_unbiased("[problem]\ntype = nqm\ndim = 50\nx0 = 1\n[run]\nsteps = 1\n"
                   "[optimizer s]\ntype = sgd\nlr = 0.1\n", 3, 40, 20000);
}

/* smooth_k = sum_j d^(k-j) est_j / sum_j d^(k-j), recomputed from the recorded estimates. */
static void smoothing_is_bias_corrected_ema(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = nqm\ndim = 20\nx0 = 1\n[run]\nsteps = 1\n"
                          "[optimizer s]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    enum { K = 40 };
    const double d = 0.8;
    noise_probe p;
    assert_int_equal(noise_probe_init(&p, pb, 2, 16, d, 1, 5), OD_OK);
    double est_g[K], est_t[K];
    for (int k = 0; k < K; k++) {
        noise_probe_row row;
        assert_int_equal(noise_probe_at(&p, pb->x0, k, &row), OD_OK);
        est_g[k] = row.grad_sq_est, est_t[k] = row.tr_sigma_est;
        double ng = 0, nt = 0, w = 0;
        for (int j = 0; j <= k; j++) {
            double a = pow(d, k - j);
            ng += a * est_g[j], nt += a * est_t[j], w += a;
        }
        assert_true(fabs(row.grad_sq_smooth - ng / w) <= 1e-12 * fabs(ng / w));
        assert_true(fabs(row.tr_sigma_smooth - nt / w) <= 1e-12 * fabs(nt / w));
        assert_true(fabs(row.B_simple_est - nt / ng) <= 1e-12 * fabs(nt / ng));
        assert_true(row.B_simple == row.tr_sigma / row.grad_sq);
    }
    noise_probe_free(&p);
    problem_free(pb);
    config_free(c);
}

static void noiseless_problem_has_no_noise(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = quadratic\ndim = 6\ncond = 10\nx0 = 1\n[run]\n"
                          "steps = 1\n[optimizer s]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    noise_probe p;
    assert_int_equal(noise_probe_init(&p, pb, 2, 8, 0.5, 1, 5), OD_OK);
    noise_probe_row row;
    assert_int_equal(noise_probe_at(&p, pb->x0, 3, &row), OD_OK);
    assert_true(row.tr_sigma == 0.0 && row.B_simple == 0.0 && row.tr_sigma_est == 0.0);
    assert_true(fabs(row.grad_sq_est - row.grad_sq) <= 1e-12 * row.grad_sq);
    noise_probe_free(&p);
    problem_free(pb);
    config_free(c);
}

/* N > n: grad_moments accumulates Sigma densely; compare with sum_j s_j^T H s_j over the
 * per-example deviations s_j = (g_j - g)/sqrt(N), computed here one example at a time. */
static void dense_trace_matches_per_example_sum(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = logreg\ndim = 7\nexamples = 150\nx0 = 0.4\n[run]\n"
                          "steps = 1\n[optimizer s]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    double *s = malloc(n * sizeof *s), *hs = malloc(n * sizeof *hs), trSH = 0.0, trS = 0.0;
    for (size_t j = 0; j < pb->examples; j++) {
        batch b = { 1.0, NULL, &j, 1, NULL };
        assert_int_equal(pb->type->grad(pb, pb->x0, &b, s), OD_OK);
        for (size_t i = 0; i < n; i++)
            s[i] = (s[i] - m.g[i]) / sqrt((double)pb->examples);
        assert_int_equal(pb->type->hvp(pb, pb->x0, s, hs), OD_OK);
        trSH += problem_dot(n, s, hs);
        trS += problem_dot(n, s, s);
    }
    printf("# tr(Sigma H): dense %.15g, per example %.15g\n", m.trSH, trSH);
    assert_true(fabs(m.trSH - trSH) <= 1e-12 * trSH);
    assert_true(fabs(m.trS - trS) <= 1e-12 * trS);
    free(s), free(hs);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* Along SGD on least squares (the figure's experiment, shortened): while B_simple < Bb the
 * smoothed estimate stays within a factor 2 of the exact value at every probe past the first 20. */
static void estimate_tracks_exact_along_sgd(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nseed = 1\n[problem]\ntype = linreg\ndim = 20\n"
                          "examples = 4000\nlabel_noise = 0.5\n[run]\nsteps = 400\nbatch = 16\n"
                          "[optimizer sgd]\ntype = sgd\nlr = 0.01\n");
    problem *pb = tu_problem(c);
    replicate rep;
    assert_int_equal(replicate_init(&rep, pb, c->opt[0].type, &c->opt[0].p, 16, 1, 0), OD_OK);
    noise_probe p;
    const double Bb = 512;
    assert_int_equal(noise_probe_init(&p, pb, 16, Bb, 0.95, 1, 1), OD_OK);
    long checked = 0, inside = 0;
    double worst = 1.0;
    for (long t = 0; t <= run_params_of(c)->steps; t++) {
        if (t > 0)
            assert_int_equal(replicate_step(&rep), OD_OK);
        noise_probe_row row;
        assert_int_equal(noise_probe_at(&p, rep.x, t, &row), OD_OK);
        if (t < 20 || row.B_simple >= Bb)
            continue;
        double r = row.B_simple_est / row.B_simple;
        checked++;
        inside += r > 0.5 && r < 2.0;
        worst = fabs(log(r)) > fabs(log(worst)) ? r : worst;
    }
    printf("# %ld of %ld probes with B_simple < Bb within 2x; worst ratio %.3f\n", inside,
           checked, worst);
    assert_true(checked > 200);
    assert_int_equal(inside, checked);
    noise_probe_free(&p);
    replicate_free(&rep);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unbiased_on_finite_data),
        cmocka_unit_test(unbiased_with_gaussian_noise),
        cmocka_unit_test(smoothing_is_bias_corrected_ema),
        cmocka_unit_test(noiseless_problem_has_no_noise),
        cmocka_unit_test(dense_trace_matches_per_example_sum),
        cmocka_unit_test(estimate_tracks_exact_along_sgd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
