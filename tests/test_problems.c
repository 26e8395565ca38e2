/* tests/test_problems.c — every problem's derivatives against finite differences, its facts
 * (gradient 0 at xstar, spectrum = eigenvalues of H), and its noise model: unbiased minibatch
 * gradients, NQM noise variance c_i/B, matreg's sigma^2/B at W*, full-batch SGD == GD; block
 * layouts tile x. */
#include "testutil.h"
#include "../sim/core/draw.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One case per problem type (and variants): [problem] body. */
static const char *const problems[] = {
    "type = nqm\ndim = 40\nhessian_power = 1.3\nnoise_power = 0.7\n",
    "type = quadratic\ndim = 7\ncond = 30\nlambda_max = 2.385\nnoise = hessian\nnoise_scale = 0.3\n",
    "type = rosenbrock\ndim = 2\n",
    "type = rosenbrock\ndim = 6\nb = 37.5\n",
    "type = beale\n",
    "type = linreg\ndim = 5\nexamples = 300\n",
    "type = logreg\ndim = 4\nexamples = 250\nl2 = 0.03\n",
    "type = matreg\nrows = 5\ncols = 3\nrank = 2\nexamples = 200\n",
    "type = matreg\nrows = 3\ncols = 6\nrank = 3\ndecay = 0.5\nexamples = 0\nlabel_noise = 0.2\n",
    "type = lora\nrows = 5\ncols = 4\nrank = 2\ndelta_rank = 3\nexamples = 60\nfactorized = no\n",
    "type = mlp\ninputs = 3\nhidden = 4\noutputs = 2\nteacher_hidden = 2\nactivation = tanh\nexamples = 60\n",
    "type = mlp\ninputs = 4\nhidden = 5\noutputs = 3\nteacher_hidden = 5\nactivation = relu\nbias = yes\nexamples = 40\n",
    "type = mlp\ninputs = 2\nhidden = 3\noutputs = 1\nteacher_hidden = 1\nactivation = linear\nbias = yes\nexamples = 30\n",
    "type = mlp\ninputs = 5\nhidden = 2\noutputs = 4\nteacher_hidden = 2\nactivation = tanh\nbias = yes\ninit = kaiming\nexamples = 25\n",
};
#define NPROBLEMS (sizeof problems / sizeof problems[0])

static config *problem_config(const char *body, const char *run)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 11\n[problem]\n%s[run]\nsteps = 1\n%s"
             "[optimizer o]\ntype = sgd\nlr = 0.01\n", body, run ? run : "");
    return tu_config(ini);
}

/* A point away from the minimizer with O(1) coordinates, drawn from a private stream. */
static void test_point(size_t n, double *x, uint64_t tag)
{
    rng_stream s = rng_stream_make(99, RNG_INIT, tag);
    rng_normals(&s, 0, n, x);
    for (size_t i = 0; i < n; i++)
        x[i] = 0.5 * x[i] + 0.3;
}

static void gradients_match_finite_differences(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NPROBLEMS; k++) {
        config *c = problem_config(problems[k], NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x);
        test_point(n, x, k);
        tu_gradient_fd(pb, x, 1, pb->type->name);
        free(x);
        problem_free(pb);
        config_free(c);
    }
}

/* problem_loss_gnorm (a recorded step's loss and exact-gradient norm, one pass where the type
 * has loss_gnorm) gives loss and sqrt(problem_dot(g, g)) of grad bit for bit, for every problem
 * (nqm at dim 1000 too: a long sum, where any reordering would show). */
static void loss_gnorm_is_loss_and_grad_norm(void **unused)
{
    (void)unused;
    for (size_t k = 0; k <= NPROBLEMS; k++) {
        config *c = problem_config(k < NPROBLEMS ? problems[k] : "type = nqm\ndim = 1000\n", NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), gnorm = -1;
        int status = -1;
        test_point(n, x, k);
        double loss = problem_loss_gnorm(pb, x, g, &gnorm, &status);
        assert_int_equal(status, OD_OK);
        pb->type->grad(pb, x, NULL, g);
        if (loss != pb->type->loss(pb, x) || gnorm != sqrt(problem_dot(n, g, g)))
            fail_msg("%s: loss %.17g gnorm %.17g, apart %.17g %.17g", pb->type->name, loss, gnorm,
                     pb->type->loss(pb, x), sqrt(problem_dot(n, g, g)));
        free(x), free(g);
        problem_free(pb);
        config_free(c);
    }
}

static void hessians_match_finite_differences(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NPROBLEMS; k++) {
        config *c = problem_config(problems[k], NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x), *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv),
               *gp = malloc(n * sizeof *gp), *gm = malloc(n * sizeof *gm), *xs = malloc(n * sizeof *xs),
               *diag = malloc(n * sizeof *diag), *e = calloc(n, sizeof *e);
        test_point(n, x, k);
        test_point(n, v, k + 100);
        assert_int_equal(pb->type->hvp(pb, x, v, hv), OD_OK);
        double h = 1e-5;
        for (size_t i = 0; i < n; i++)
            xs[i] = x[i] + h * v[i];
        pb->type->grad(pb, xs, NULL, gp);
        for (size_t i = 0; i < n; i++)
            xs[i] = x[i] - h * v[i];
        pb->type->grad(pb, xs, NULL, gm);
        for (size_t i = 0; i < n; i++) {
            double fd = (gp[i] - gm[i]) / (2 * h);
            if (fabs(fd - hv[i]) > 1e-6 * (1 + fabs(hv[i])))
                fail_msg("%s: (Hv)_%zu = %.12g, finite difference %.12g", pb->type->name, i, hv[i], fd);
        }
        /* the diagonal is e_i^T H e_i */
        assert_int_equal(pb->type->hess_diag(pb, x, diag), OD_OK);
        for (size_t i = 0; i < n; i++) {
            e[i] = 1.0;
            pb->type->hvp(pb, x, e, hv);
            e[i] = 0.0;
            assert_true(fabs(hv[i] - diag[i]) <= 1e-12 * (1 + fabs(diag[i])));
        }
        free(x), free(v), free(hv), free(gp), free(gm), free(xs), free(diag), free(e);
        problem_free(pb);
        config_free(c);
    }
}

static void minimizers_are_stationary(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NPROBLEMS; k++) {
        config *c = problem_config(problems[k], NULL);
        problem *pb = tu_problem(c);
        assert_non_null(pb->xstar);
        double *g = malloc(pb->n * sizeof *g);
        pb->type->grad(pb, pb->xstar, NULL, g);
        assert_true(sqrt(problem_dot(pb->n, g, g)) < 1e-10);
        assert_true(fabs(pb->type->loss(pb, pb->xstar) - pb->fstar) <= 1e-14 * (1 + fabs(pb->fstar)));
        free(g);
        problem_free(pb);
        config_free(c);
    }
}

/* The spectrum recorded for constant-Hessian problems is the eigenvalues of H built by hvp. */
static void spectra_are_hessian_eigenvalues(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NPROBLEMS; k++) {
        config *c = problem_config(problems[k], NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        if (!pb->spectrum) {
            problem_free(pb);
            config_free(c);
            continue;
        }
        gsl_matrix *H = gsl_matrix_alloc(n, n);
        gsl_vector *ev = gsl_vector_alloc(n);
        gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(n);
        double *e = calloc(n, sizeof *e), *col = malloc(n * sizeof *col);
        for (size_t j = 0; j < n; j++) {
            e[j] = 1.0;
            pb->type->hvp(pb, pb->x0, e, col);
            e[j] = 0.0;
            for (size_t i = 0; i < n; i++)
                gsl_matrix_set(H, i, j, col[i]);
        }
        gsl_eigen_symm(H, ev, w);
        gsl_sort_vector(ev);
        for (size_t i = 0; i < n; i++)
            assert_true(fabs(gsl_vector_get(ev, i) - pb->spectrum[i]) <= 1e-12 * pb->spectrum[n - 1]);
        free(e), free(col);
        gsl_eigen_symm_free(w);
        gsl_vector_free(ev);
        gsl_matrix_free(H);
        problem_free(pb);
        config_free(c);
    }
}

/* Over many steps' batches: mean and variance of the gradient at a fixed x, per coordinate. */
static void minibatch_gradients_are_unbiased(void **unused)
{
    (void)unused;
    /* N = 997 is not a multiple of B = 10: each epoch drops 7 examples, so the mean over
     * epochs is not trivially the full gradient. */
    const char *cases[] = { "type = linreg\ndim = 5\nexamples = 997\n",
                            "type = logreg\ndim = 4\nexamples = 997\n",
                            "type = matreg\nrows = 3\ncols = 2\nrank = 1\nexamples = 997\n",
                            "type = mlp\ninputs = 2\nhidden = 2\noutputs = 1\nteacher_hidden = 3\n"
                            "activation = tanh\nexamples = 997\nlabel_noise = 0.3\n" };
    for (int k = 0; k < 4; k++) {
        config *c = problem_config(cases[k], NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double x[8], full[8], mean[8], var[8];
        assert_true(n <= 8);
        const long draws = 20000;
        test_point(n, x, 7);
        pb->type->grad(pb, x, NULL, full);
        tu_batch_moments(pb, 10.0, draws, x, mean, var);
        for (size_t i = 0; i < n; i++) {
            double se = sqrt(var[i] / (double)draws);
            if (fabs(mean[i] - full[i]) > 4 * se)
                fail_msg("%s: coordinate %zu: mean %.6g vs full %.6g (SE %.3g)", pb->type->name, i,
                         mean[i], full[i], se);
            assert_true(var[i] > 0);   /* genuine sampling noise */
        }
        problem_free(pb);
        config_free(c);
    }
}

static void nqm_noise_has_configured_variance(void **unused)
{
    (void)unused;
    config *c = problem_config("type = nqm\ndim = 20\nnoise_power = 0.8\n", NULL);
    problem *pb = tu_problem(c);
    const double B = 3.0;
    const long draws = 40000;
    double mean[20], var[20], full[20];
    pb->type->grad(pb, pb->x0, NULL, full);
    tu_batch_moments(pb, B, draws, pb->x0, mean, var);
    for (size_t i = 0; i < 20; i++) {
        double want = pow((double)(i + 1), -0.8) / B;
        double se_var = want * sqrt(2.0 / (double)(draws - 1));   /* Gaussian sample variance */
        if (fabs(var[i] - want) > 4 * se_var)
            fail_msg("nqm: Var[g_%zu] = %.6g, configured c_i/B = %.6g (SE %.3g)", i, var[i], want, se_var);
        assert_true(fabs(mean[i] - full[i]) <= 4 * sqrt(want / (double)draws));
    }
    problem_free(pb);
    config_free(c);
}

/* matreg's Gaussian model at W*: gradient noise N(0, sigma^2/B) per coordinate, mean 0. */
static void matreg_gauss_noise_at_minimizer(void **unused)
{
    (void)unused;
    config *c = problem_config("type = matreg\nrows = 4\ncols = 3\nrank = 2\nexamples = 0\n"
                               "label_noise = 0.7\n", NULL);
    problem *pb = tu_problem(c);
    const double B = 5.0, want = 0.49 / B;
    const long draws = 40000;
    double mean[12], var[12];
    assert_int_equal(pb->noise, PROBLEM_NOISE_GAUSS);
    tu_batch_moments(pb, B, draws, pb->xstar, mean, var);
    for (size_t i = 0; i < 12; i++) {
        double se_var = want * sqrt(2.0 / (double)(draws - 1));
        if (fabs(var[i] - want) > 4 * se_var)
            fail_msg("matreg: Var[g_%zu] = %.6g, sigma^2/B = %.6g (SE %.3g)", i, var[i], want, se_var);
        assert_true(fabs(mean[i]) <= 4 * sqrt(want / (double)draws));
    }
    problem_free(pb);
    config_free(c);
}

/* Full-batch SGD (batch = N, and batch = inf) equals hand-written gradient descent, bit for bit. */
static void full_batch_sgd_is_gd(void **unused)
{
    (void)unused;
    const char *cases[] = { "type = linreg\ndim = 5\nexamples = 200\n",
                            "type = logreg\ndim = 4\nexamples = 150\n" };
    for (int k = 0; k < 2; k++) {
        config *c = problem_config(cases[k], NULL);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double xs[5], xi[5], xg[5], g[5];
        tu_iterate(c, pb, &c->opt[0], (double)pb->examples, 50, xs);
        tu_iterate(c, pb, &c->opt[0], INFINITY, 50, xi);
        memcpy(xg, pb->x0, n * sizeof *xg);
        for (int t = 0; t < 50; t++) {
            pb->type->grad(pb, xg, NULL, g);
            for (size_t i = 0; i < n; i++)
                xg[i] += -0.01 * g[i];
        }
        assert_memory_equal(xs, xg, n * sizeof *xs);
        assert_memory_equal(xi, xg, n * sizeof *xi);
        /* and a real minibatch does differ */
        tu_iterate(c, pb, &c->opt[0], 10.0, 50, xs);
        assert_true(memcmp(xs, xg, n * sizeof *xs) != 0);
        problem_free(pb);
        config_free(c);
    }
}

/* Every problem's blocks tile x in order; a type without a layout is one vector "x". */
static void blocks_tile_x(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NPROBLEMS; k++) {
        config *c = problem_config(problems[k], NULL);
        problem *pb = tu_problem(c);
        size_t total = 0, off;
        char text[PROBLEM_MAX_BLOCKS * 64];
        assert_true(problem_block_count(pb) >= 1 && problem_block_count(pb) <= PROBLEM_MAX_BLOCKS);
        for (size_t i = 0; i < problem_block_count(pb); i++) {
            problem_block b = problem_block_at(pb, i, &off);
            assert_int_equal(off, total);
            total += problem_block_size(&b);
        }
        assert_int_equal(total, pb->n);
        assert_int_equal(!!pb->blocks, !!pb->type->layout);
        problem_blocks_text(pb, text, sizeof text);
        if (!pb->type->layout) {
            char want[64];
            snprintf(want, sizeof want, "x %zu", pb->n);
            assert_string_equal(text, want);
        }
        problem_free(pb);
        config_free(c);
    }
    config *c = problem_config("type = matreg\nrows = 5\ncols = 3\nrank = 2\n", NULL);
    problem *pb = tu_problem(c);
    char text[64];
    problem_blocks_text(pb, text, sizeof text);
    assert_string_equal(text, "W 5x3");
    assert_int_equal(pb->n, 15);
    problem_free(pb);
    config_free(c);
    c = problem_config("type = mlp\ninputs = 4\nhidden = 5\noutputs = 3\nbias = yes\n", NULL);
    pb = tu_problem(c);
    problem_blocks_text(pb, text, sizeof text);
    assert_string_equal(text, "W1 5x4, b1 5, W2 3x5, b2 3");
    assert_int_equal(pb->n, 5 * 4 + 5 + 3 * 5 + 3);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gradients_match_finite_differences),
        cmocka_unit_test(loss_gnorm_is_loss_and_grad_norm),
        cmocka_unit_test(hessians_match_finite_differences),
        cmocka_unit_test(minimizers_are_stationary),
        cmocka_unit_test(spectra_are_hessian_eigenvalues),
        cmocka_unit_test(minibatch_gradients_are_unbiased),
        cmocka_unit_test(nqm_noise_has_configured_variance),
        cmocka_unit_test(matreg_gauss_noise_at_minimizer),
        cmocka_unit_test(full_batch_sgd_is_gd),
        cmocka_unit_test(blocks_tile_x),
    };
    return cmocka_run_group_tests_name("problems", tests, NULL, NULL);
}
