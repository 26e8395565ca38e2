/* tests/test_optimizers.c — update rules against closed forms and exact invariances:
 * SGD on a 1-D quadratic, stability edges of GD and heavy ball, Adam's first step, scale
 * invariance of Adam/RMSprop at eps = 0, signsgd == adam(b1 = b2 = 0, eps = 0), SignSGDM == lion(b1 = b2). */
#include "testutil.h"
#include "../sim/core/status.h"
#include "../sim/core/draw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1-D quadratic (lambda/2) x^2 from x0, one optimizer section given as text. */
static config *quad1(double lambda, double x0, const char *opt)
{
    char ini[1024];
    snprintf(ini, sizeof ini,
             "[problem]\ntype = quadratic\ndim = 1\neigenvalues = %.17g\nrotate = no\nx0 = %.17g\n"
             "[run]\nsteps = 1\n[optimizer o]\n%s\n", lambda, x0, opt);
    return tu_config(ini);
}

static void sgd_closed_form(void **unused)
{
    (void)unused;
    const double lambda = 2.385, lr = 0.3137, x0 = 1.739;
    config *c = quad1(lambda, x0, "type = sgd\nlr = 0.3137");
    problem *pb = tu_problem(c);
    for (long k = 1; k <= 200; k += 37) {
        double x;
        tu_iterate(c, pb, &c->opt[0], INFINITY, k, &x);
        double want = pow(1.0 - lr * lambda, (double)k) * x0;
        assert_true(fabs(x - want) <= 1e-12 * fmax(1e-300, fabs(want)) + 1e-300);
    }
    problem_free(pb);
    config_free(c);
}

/* |x_k / x_0| after k steps of optimizer text on lambda = 1.618 at lr*lambda = edge*(1+delta). */
static double growth(const char *type, double mu, double edge, double delta, long k)
{
    const double lambda = 1.618;
    char opt[256];
    snprintf(opt, sizeof opt, "type = %s\nlr = %.17g\n%s%s", type, edge * (1 + delta) / lambda,
             mu > 0 ? "momentum = " : "", mu > 0 ? "0.6" : "");
    config *c = quad1(lambda, 1.0, opt);
    problem *pb = tu_problem(c);
    double x;
    tu_iterate(c, pb, &c->opt[0], INFINITY, k, &x);
    problem_free(pb);
    config_free(c);
    return fabs(x);
}

static void gd_stability_edge(void **unused)
{
    (void)unused;
    /* GD: |1 - lr*lambda| < 1 iff lr*lambda < 2 */
    assert_true(growth("sgd", 0, 2.0, -1e-2, 3000) < 1e-10);
    assert_true(growth("sgd", 0, 2.0, +1e-2, 3000) > 1e10);
}

static void heavy_ball_stability_edge(void **unused)
{
    (void)unused;
    /* heavy ball, mu = 0.6: a root of z^2 - (1 + mu - lr*lambda) z + mu crosses -1 at
     * lr*lambda = 2(1 + mu) = 3.2 */
    assert_true(growth("momentum", 0.6, 3.2, -1e-2, 2000) < 1e-6);
    assert_true(growth("momentum", 0.6, 3.2, +1e-2, 2000) > 1e6);
    /* the GD edge (2) is inside heavy ball's stable region */
    assert_true(growth("momentum", 0.6, 2.0, +1e-2, 2000) < 1e-6);
}

static const char nqm_ini[] =
    "[experiment]\nseed = 7\n[problem]\ntype = nqm\ndim = 50\n[run]\nsteps = 1\n";

static config *nqm_with(const char *opts)
{
    char ini[2048];
    snprintf(ini, sizeof ini, "%s%s", nqm_ini, opts);
    return tu_config(ini);
}

static void adam_first_step_is_lr(void **unused)
{
    (void)unused;
    config *c = nqm_with("[optimizer a]\ntype = adam\nlr = 0.0271\neps = 0\n");
    problem *pb = tu_problem(c);
    double x[50];
    tu_iterate(c, pb, &c->opt[0], 8.0, 1, x);
    for (size_t i = 0; i < 50; i++) {
        double moved = fabs(x[i] - pb->x0[i]);
        assert_true(fabs(moved - 0.0271) <= 8 * DBL_EPSILON * (0.0271 + fabs(pb->x0[i])));
    }
    problem_free(pb);
    config_free(c);
}

/* Largest relative gap between trajectories of opt on a rotated noisy quadratic and on the
 * same quadratic with gradients (signal and noise) scaled by c_scale. */
static double scale_gap(const char *opt, double c_scale)
{
    char ini[1024];
    double x1[6], x2[6], gap = 0.0;
    for (int k = 0; k < 2; k++) {
        snprintf(ini, sizeof ini,
                 "[experiment]\nseed = 3\n[problem]\ntype = quadratic\ndim = 6\ncond = 50\n"
                 "lambda_max = %.17g\nnoise = isotropic\nnoise_scale = %.17g\n[run]\nsteps = 1\n"
                 "[optimizer o]\n%s\n", k ? 2.385 * c_scale : 2.385,
                 k ? 0.1 * c_scale * c_scale : 0.1, opt);
        config *c = tu_config(ini);
        problem *pb = tu_problem(c);
        tu_iterate(c, pb, &c->opt[0], 4.0, 300, k ? x2 : x1);
        problem_free(pb);
        config_free(c);
    }
    for (int i = 0; i < 6; i++)
        gap = fmax(gap, fabs(x1[i] - x2[i]) / (fabs(x1[i]) + 1e-3));
    return gap;
}

static void adam_rmsprop_scale_invariant(void **unused)
{
    (void)unused;
    /* a power of two: every operation is exact, trajectories are bit-identical */
    assert_true(scale_gap("type = adam\nlr = 0.01\neps = 0", 4.0) == 0.0);
    assert_true(scale_gap("type = rmsprop\nlr = 0.01\neps = 0", 4.0) == 0.0);
    /* a general factor: equal up to rounding */
    assert_true(scale_gap("type = adam\nlr = 0.01\neps = 0", 3.7) < 1e-10);
    assert_true(scale_gap("type = rmsprop\nlr = 0.01\neps = 0", 3.7) < 1e-10);
    /* eps > 0 breaks the invariance, and the measure sees it */
    assert_true(scale_gap("type = adam\nlr = 0.01\neps = 0.5", 3.7) > 1e-3);
    /* so does plain SGD */
    assert_true(scale_gap("type = sgd\nlr = 0.01", 3.7) > 1e-3);
}

static void signsgd_is_adam_limit(void **unused)
{
    (void)unused;
    config *c = nqm_with("[optimizer s]\ntype = signsgd\nlr = 0.013\n"
                         "[optimizer a]\ntype = adam\nlr = 0.013\nbeta1 = 0\nbeta2 = 0\neps = 0\n");
    problem *pb = tu_problem(c);
    double xs[50], xa[50];
    for (int noisy = 0; noisy < 2; noisy++) {
        tu_iterate(c, pb, &c->opt[0], noisy ? 16.0 : INFINITY, 400, xs);
        tu_iterate(c, pb, &c->opt[1], noisy ? 16.0 : INFINITY, 400, xa);
        assert_memory_equal(xs, xa, sizeof xs);
    }
    problem_free(pb);
    config_free(c);
}

/* SignSGDM, m <- b*m + (1-b)*g; x <- x - lr*sign(m), is lion with beta1 = beta2 = b
 * (docs/config.md), on a matrix problem with minibatch noise. */
static void signsgdm_is_lion_with_equal_betas(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nseed = 8\n[problem]\ntype = matreg\nrows = 4\ncols = 3\n"
                          "rank = 2\nexamples = 64\n[run]\nsteps = 1\n"
                          "[optimizer l]\ntype = lion\nlr = 0.02\nbeta1 = 0.7\nbeta2 = 0.7\n");
    problem *pb = tu_problem(c);
    const double b = 0.7, lr = 0.02;
    double x[12], m[12] = { 0 }, g[12], xl[12];
    draw dr;
    memcpy(x, pb->x0, sizeof x);
    assert_int_equal(draw_init(&dr, pb, 8.0, (uint64_t)c->exp.seed, 0), 0);
    for (long t = 1; t <= 150; t++) {
        batch bt;
        draw_step(&dr, t, &bt);
        pb->type->grad(pb, x, &bt, g);
        for (int i = 0; i < 12; i++) {
            m[i] = b * m[i] + (1 - b) * g[i];
            x[i] -= lr * (m[i] > 0 ? 1.0 : m[i] < 0 ? -1.0 : 0.0);
        }
    }
    draw_free(&dr);
    tu_iterate(c, pb, &c->opt[0], 8.0, 150, xl);
    assert_memory_equal(x, xl, sizeof x);
    problem_free(pb);
    config_free(c);
}

static void momentum_zero_is_sgd(void **unused)
{
    (void)unused;
    config *c = nqm_with("[optimizer s]\ntype = sgd\nlr = 0.3\n"
                         "[optimizer m]\ntype = momentum\nlr = 0.3\nmomentum = 0\n"
                         "[optimizer n]\ntype = nesterov\nlr = 0.3\nmomentum = 0\n");
    problem *pb = tu_problem(c);
    double x[3][50];
    for (int k = 0; k < 3; k++)
        tu_iterate(c, pb, &c->opt[k], 32.0, 250, x[k]);
    assert_memory_equal(x[0], x[1], sizeof x[0]);
    assert_memory_equal(x[0], x[2], sizeof x[0]);
    problem_free(pb);
    config_free(c);
}

/* Nesterov's look-ahead form equals torch's form p <- p - lr*(g(p) + mu*v) on the look-ahead
 * sequence y_k = x_k - lr*mu*v_k. */
static void nesterov_matches_torch_form(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = rosenbrock\n[run]\nsteps = 1\n"
                          "[optimizer n]\ntype = nesterov\nlr = 0.0007\nmomentum = 0.85\n");
    problem *pb = tu_problem(c);
    const double lr = 0.0007, mu = 0.85;
    double p[2] = { pb->x0[0], pb->x0[1] }, v[2] = { 0, 0 }, g[2], x[2];
    for (long k = 1; k <= 300; k++) {
        pb->type->grad(pb, p, NULL, g);
        for (int i = 0; i < 2; i++) {
            v[i] = mu * v[i] + g[i];
            p[i] -= lr * (g[i] + mu * v[i]);
        }
    }
    tu_iterate(c, pb, &c->opt[0], INFINITY, 300, x);
    /* y_300 = x_300 - lr*mu*v_300, and torch's v equals ours */
    for (int i = 0; i < 2; i++)
        assert_true(fabs((x[i] - lr * mu * v[i]) - p[i]) <= 1e-12 * (1 + fabs(p[i])));
    problem_free(pb);
    config_free(c);
}

/* eps = 0 started at the minimum: every gradient is 0, so every ratio is 0/0, defined as a
 * zero update (before: NaN at step 1, recorded as divergence). Limits too (rhs at g = 0). */
static void eps_zero_at_minimum_stays(void **unused)
{
    (void)unused;
    const char *opts[] = { "type = adam\nlr = 0.1\neps = 0", "type = rmsprop\nlr = 0.1\neps = 0" };
    for (int k = 0; k < 2; k++) {
        config *c = quad1(2.0, 0.0, opts[k]);
        problem *pb = tu_problem(c);
        for (int noisy = 0; noisy < 2; noisy++) {
            double x = NAN;
            tu_iterate(c, pb, &c->opt[0], noisy ? 4.0 : INFINITY, 50, &x);
            assert_true(x == 0.0);
        }
        const opt_type *t = c->opt[0].type;
        for (size_t f = 0; t->flows[f]; f++) {
            const opt_flow *fl = t->flows[f];
            opt_params p = c->opt[0].p;
            if (fl->couple)
                assert_int_equal(fl->couple(&p), OD_OK);
            double y[8], dy[8], work[16];
            double t0 = fl->start(pb->x0, 1, &p, pb, y, work);
            assert_true(y[0] == 0.0);
            assert_int_equal(fl->rhs(t0, y, dy, 1, &p, pb, work), OD_OK);
            for (size_t i = 0; i < fl->dim(1); i++)
                assert_true(dy[i] == 0.0);
            if (fl->jac) {
                double J[64];
                assert_int_equal(fl->jac(t0, y, J, 1, &p, pb, work), OD_OK);
                for (size_t i = 0; i < fl->dim(1) * fl->dim(1); i++)
                    assert_true(isfinite(J[i]));
            }
        }
        problem_free(pb);
        config_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sgd_closed_form),
        cmocka_unit_test(gd_stability_edge),
        cmocka_unit_test(heavy_ball_stability_edge),
        cmocka_unit_test(adam_first_step_is_lr),
        cmocka_unit_test(adam_rmsprop_scale_invariant),
        cmocka_unit_test(signsgd_is_adam_limit),
        cmocka_unit_test(signsgdm_is_lion_with_equal_betas),
        cmocka_unit_test(momentum_zero_is_sgd),
        cmocka_unit_test(nesterov_matches_torch_form),
        cmocka_unit_test(eps_zero_at_minimum_stays),
    };
    return cmocka_run_group_tests_name("optimizers", tests, NULL, NULL);
}
