/* tests/test_gaussreg.c — online Gaussian-feature regression: its noise model against Isserlis'
 * covariance, and the exact moment recursion against Monte Carlo of the run loop and closed forms. */
#include "testutil.h"
#include "../sim/core/replicate.h"
#include "../sim/core/status.h"
#include "../sim/theory/gaussreg_exact.h"
#include "../sim/theory/grad_moments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The experiment text of problem `prob` and one optimizer `opt` (both INI key lines). */
static config *setup(const char *prob, const char *opt)
{
    char ini[2048];
    snprintf(ini, sizeof ini, "[experiment]\nkind = trajectory\nseed = 7\n[problem]\ntype = "
             "gaussreg\n%s\n[optimizer o]\n%s\n[run]\nsteps = 1\nbatch = 1\n", prob, opt);
    return tu_config(ini);
}

/* E[(x0 - x*)^2] per coordinate (x0 fixed). */
static double *start_moments(const problem *pb)
{
    double *c0 = malloc(pb->n * sizeof *c0);
    for (size_t k = 0; k < pb->n; k++)
        c0[k] = (pb->x0[k] - pb->xstar[k]) * (pb->x0[k] - pb->xstar[k]);
    return c0;
}

/* Mean and standard error of the judged loss after `steps` over `reps` replicates. */
static void monte_carlo(const config *c, const problem *pb, double B, long steps, int reps,
                        double *mean, double *se)
{
    double s = 0.0, s2 = 0.0;
    for (int r = 0; r < reps; r++) {
        replicate rp;
        assert_int_equal(replicate_init(&rp, pb, c->opt[0].type, &c->opt[0].p, B, 11,
                                        (uint64_t)r), OD_OK);
        for (long t = 0; t < steps; t++)
            assert_int_equal(replicate_step(&rp), OD_OK);
        double L = replicate_judged_loss(&rp);
        s += L, s2 += L * L;
        replicate_free(&rp);
    }
    *mean = s / reps;
    *se = sqrt((s2 / reps - *mean * *mean) / (reps - 1));
}

static double exact_loss(const config *c, const problem *pb, double B, long steps)
{
    gaussreg_exact e;
    double *c0 = start_moments(pb);
    assert_int_equal(gaussreg_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, B, c0), OD_OK);
    double L = gaussreg_exact_loss(&e, steps);
    gaussreg_exact_free(&e);
    free(c0);
    return L;
}

/* The independent figure: d = 20, lambda_k = 1/k, w*_k = k^-0.75 (beta = 2.5), sigma =
 * 0.3, lr 0.5, B = 4, 60 steps from w0 = 0: E[L] = 0.0166341 by the recursion, 0.016612 +-
 * 0.000073 by 20000 independent Monte Carlo runs. */
static void independent_figure(void **unused)
{
    (void)unused;
    config *c = setup("dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3", "type = sgd\nlr = 0.5");
    problem *pb = tu_problem(c);
    double L = exact_loss(c, pb, 4.0, 60);
    printf("# d = 20, B = 4, lr 0.5, 60 steps: exact %.7f (independent recursion 0.0166341)\n", L);
    assert_true(fabs(L / 0.0166341 - 1.0) < 1e-5);
    assert_true(fabs(L - 0.016612) < 4.0 * 0.000073);
    problem_free(pb);
    config_free(c);
}

/* Exact vs Monte Carlo of the run loop itself (true minibatches of fresh Gaussian features),
 * 4000 replicates, within 4 standard errors. */
static void exact_matches_monte_carlo(void **unused)
{
    (void)unused;
    static const struct { const char *prob, *opt; double B; long steps; } cases[] = {
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3", "type = sgd\nlr = 0.5", 4, 60 },
        { "dim = 30\nalpha = 1.5\nbeta = 1.25\nlabel_noise = 0.1", "type = sgd\nlr = 0.25", 1, 40 },
        { "dim = 30\nalpha = 1.5\nbeta = 1.25", "type = sgd\nlr = 1.2", 16, 30 },
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3",
          "type = momentum\nlr = 0.1\nmomentum = 0.8", 4, 50 },
        { "dim = 30\nalpha = 2\nbeta = 1.5\nlabel_noise = 0.2",
          "type = momentum\nlr = 0.3\nmomentum = 0.5", 2, 40 },
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3", "type = sgd\nlr = 0.5\nema = 0.9",
          4, 60 },
        { "dim = 20\nalpha = 1.2\nbeta = 2\nlabel_noise = 0.1",
          "type = precond\nlr = 0.3\nprecond_power = 0.5", 8, 40 },
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3",       /* schedules */
          "type = sgd\nlr = 0.8\nschedule = cosine\nwarmup = 10\nschedule_steps = 60", 4, 60 },
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3", "type = momentum\nlr = 0.2\n"
          "momentum = 0.8\nschedule = wsd\nwarmup = 5\nschedule_steps = 50", 4, 50 },
        { "dim = 20\nalpha = 1\nbeta = 2.5\nlabel_noise = 0.3",
          "type = sgd\nlr = 0.6\nema = 0.9\nschedule = linear\nschedule_steps = 60", 2, 60 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        config *c = setup(cases[i].prob, cases[i].opt);
        problem *pb = tu_problem(c);
        double mean, se, L = exact_loss(c, pb, cases[i].B, cases[i].steps);
        monte_carlo(c, pb, cases[i].B, cases[i].steps, 4000, &mean, &se);
        printf("# case %zu (%s, B = %g, %ld steps): exact %.6g, Monte Carlo %.6g +- %.2g (%+.2f SE)\n",
               i, c->opt[0].type->name, cases[i].B, cases[i].steps, L, mean, se, (L - mean) / se);
        assert_true(fabs(L - mean) < 4.0 * se);
        problem_free(pb);
        config_free(c);
    }
}

/* sigma = 0 and B = inf: gradient descent, E[e_k(t)^2] = (1 - lr lambda_k)^(2t) e_k(0)^2. */
static void reduces_to_gradient_descent(void **unused)
{
    (void)unused;
    config *c = setup("dim = 50\nalpha = 1.3\nbeta = 1.1", "type = sgd\nlr = 0.7");
    problem *pb = tu_problem(c);
    const double *lam;
    double sigma;
    pb->type->feature_facts(pb, &lam, &sigma);
    for (long t = 0; t <= 2000; t += 250) {
        double want = 0.0;
        for (size_t k = 0; k < pb->n; k++)
            want += 0.5 * lam[k] * pow(1.0 - 0.7 * lam[k], 2.0 * (double)t) * pb->xstar[k] *
                    pb->xstar[k];
        double got = exact_loss(c, pb, INFINITY, t);
        assert_true(fabs(got - want) <= 1e-12 * want);
    }
    problem_free(pb);
    config_free(c);
}

/* One example's gradient covariance (the problem's noise columns, through grad_moments) against
 * the sample covariance of B = 1 gradients at a point off the minimizer. */
static void noise_columns_match_sampling(void **unused)
{
    (void)unused;
    config *c = setup("dim = 6\nalpha = 1\nbeta = 1\nlabel_noise = 0.5", "type = sgd\nlr = 0.1");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    grad_moments m;
    assert_int_equal(grad_moments_compute(pb, pb->x0, &m), OD_OK);
    enum { R = 200000 };
    double *g = malloc(n * sizeof *g), *z = malloc((n + 1) * sizeof *z);
    double *s = calloc(n, sizeof *s), *s2 = calloc(n, sizeof *s2), *s4 = calloc(n, sizeof *s4);
    rng_stream st = rng_stream_make(3, RNG_NOISE, 0);
    for (long r = 0; r < R; r++) {
        rng_normals(&st, (uint64_t)r, n + 1, z);
        batch b = { 1.0, z, NULL, 0, NULL };
        pb->type->grad(pb, pb->x0, &b, g);
        for (size_t k = 0; k < n; k++) {
            double d = g[k] - m.g[k];
            s[k] += g[k], s2[k] += d * d, s4[k] += d * d * d * d;
        }
    }
    for (size_t k = 0; k < n; k++) {
        double mean = s[k] / R, var = s2[k] / R, se_var = sqrt((s4[k] / R - var * var) / R);
        double se_mean = sqrt(var / R);
        printf("# coordinate %zu: mean %.5f vs %.5f, variance %.5f vs Sigma_kk %.5f (%+.2f SE)\n",
               k, mean, m.g[k], var, m.sd[k] * m.sd[k], (var - m.sd[k] * m.sd[k]) / se_var);
        assert_true(fabs(mean - m.g[k]) < 4.0 * se_mean);
        assert_true(fabs(var - m.sd[k] * m.sd[k]) < 4.0 * se_var);
    }
    free(g), free(z), free(s), free(s2), free(s4);
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
}

/* The closed-form stationary risk against the recursion run to its limit, for SGD, SGD with
 * averaging and preconditioned SGD; an unstable lr gives inf and heavy ball NaN (not in closed form). */
static void stationary_risk_is_the_limit(void **unused)
{
    (void)unused;
    static const struct { const char *opt; double B; } cases[] = {
        { "type = sgd\nlr = 0.5", 4 }, { "type = sgd\nlr = 0.2\nema = 0.95", 2 },
        { "type = precond\nlr = 0.2\nprecond_power = 0.5", 8 }, { "type = sgd\nlr = 1.9", 1 },
        { "type = momentum\nlr = 0.1\nmomentum = 0.5", 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        config *c = setup("dim = 40\nalpha = 1.2\nbeta = 1.5\nlabel_noise = 0.4", cases[i].opt);
        problem *pb = tu_problem(c);
        gaussreg_exact e;
        double *c0 = start_moments(pb);
        assert_int_equal(gaussreg_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, cases[i].B, c0),
                         OD_OK);
        double want = gaussreg_exact_loss(&e, 200000), got = gaussreg_exact_stationary(&e);
        printf("# %s, B = %g: stationary %.15g, recursion at 2e5 steps %.15g\n",
               c->opt[0].type->name, cases[i].B, got, want);
        if (i == 3)
            assert_true(isinf(got) && !e.stable && !(want < 1e3));
        else if (i == 4)
            assert_true(isnan(got));
        else
            assert_true(fabs(got - want) <= 1e-10 * want);
        gaussreg_exact_free(&e);
        free(c0);
        problem_free(pb);
        config_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(independent_figure),
        cmocka_unit_test(exact_matches_monte_carlo),
        cmocka_unit_test(reduces_to_gradient_descent),
        cmocka_unit_test(noise_columns_match_sampling),
        cmocka_unit_test(stationary_risk_is_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
