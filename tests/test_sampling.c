/* tests/test_sampling.c — column-row sampled minibatches (sampling = cr, issue 28 item 3): unbiased, and
 * the measured gradient variance of uniform and CR batches against their formulas within 5%. */
#include "testutil.h"
#include "../sim/core/draw.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* E|g_B - g|^2 over D batches of size B drawn by the run loop's draw at x0, and the formula:
 * uniform without replacement (N-B)/(N-1) (1/B) (1/N) sum_j |g_j - g|^2; cr (1/B) ((1/N sum_j
 * |g_j|)^2 - |g|^2). Returns measured / formula; *formula receives the formula. */
static double variance_ratio(const char *problem_text, const char *sampling, double B, long D,
                             double *formula, double *gnorm2)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 11\n[problem]\n%s\nsampling = %s\n[run]\n"
             "steps = 1\n[optimizer s]\ntype = sgd\nlr = 0.1\n", problem_text, sampling);
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    size_t n = pb->n, N = pb->examples;
    double *g = malloc(n * sizeof *g), *gj = malloc(n * sizeof *gj), *gb = malloc(n * sizeof *gb);
    double *mean = calloc(n, sizeof *mean), *sq = calloc(n, sizeof *sq);
    const double *x = pb->x0;
    assert_int_equal(pb->type->grad(pb, x, NULL, g), OD_OK);
    double dev2 = 0.0, abs_mean = 0.0, g2 = 0.0;
    for (size_t i = 0; i < n; i++)
        g2 += g[i] * g[i];
    for (size_t j = 0; j < N; j++) {
        batch one = { 1.0, NULL, &j, 1, NULL };
        assert_int_equal(pb->type->grad(pb, x, &one, gj), OD_OK);
        double nj = 0.0, dj = 0.0;
        for (size_t i = 0; i < n; i++) {
            nj += gj[i] * gj[i];
            dj += (gj[i] - g[i]) * (gj[i] - g[i]);
        }
        abs_mean += sqrt(nj) / (double)N;
        dev2 += dj / (double)N;
    }
    int cr = strcmp(sampling, "cr") == 0;
    *formula = cr ? (abs_mean * abs_mean - g2) / B : dev2 / B * ((double)N - B) / ((double)N - 1);
    *gnorm2 = g2;
    draw d;
    assert_int_equal(draw_init(&d, pb, B, 11, 0), OD_OK);
    double tot = 0.0;
    for (long t = 1; t <= D; t++) {
        batch b;
        draw_step_at(&d, t, x, &b);
        assert_true(cr ? b.w != NULL : b.w == NULL);
        assert_int_equal(pb->type->grad(pb, x, &b, gb), OD_OK);
        for (size_t i = 0; i < n; i++) {
            double e = gb[i] - g[i];
            mean[i] += e;
            sq[i] += e * e;
            tot += e * e;
        }
    }
    for (size_t i = 0; i < n; i++) {                 /* unbiased: each coordinate within 4 SE */
        double m = mean[i] / (double)D, sd = sqrt(sq[i] / (double)D - m * m);
        assert_true(fabs(m) <= 4.0 * sd / sqrt((double)D) + 1e-15);
    }
    draw_free(&d);
    free(g); free(gj); free(gb); free(mean); free(sq);
    problem_free(pb);
    config_free(c);
    return tot / (double)D / *formula;
}

static void cr_variance_matches_formula(void **unused)
{
    (void)unused;
    const char *problems[] = {
        "type = matreg\nrows = 8\ncols = 4\nrank = 2\nexamples = 200\nlabel_noise = 0.5\ninit_scale = 1",
        "type = linreg\ndim = 10\nexamples = 200\nlabel_noise = 0.5",
        "type = mlp\ninputs = 5\nhidden = 6\noutputs = 2\nexamples = 200\nlabel_noise = 0.3",
    };
    const char *names[] = { "matreg", "linreg", "mlp" };
    const double B = 8;
    for (int k = 0; k < 3; k++) {
        double fu, fc, g2, ru = variance_ratio(problems[k], "uniform", B, 20000, &fu, &g2);
        double rc = variance_ratio(problems[k], "cr", B, 20000, &fc, &g2);
        /* per-example noise scales tr(Sigma)/|g|^2 (B_simple) of i.i.d. uniform and of CR */
        double bu = fu * B / (((double)200 - B) / 199.0) / g2, bc = fc * B / g2;
        printf("%-6s B = %g: E|g_B - g|^2 uniform measured/formula %.4f, cr %.4f; formula ratio "
               "cr/uniform %.4f, measured %.4f; B_simple uniform %.4g, cr %.4g\n",
               names[k], B, ru, rc, fc / fu, rc * fc / (ru * fu), bu, bc);
        assert_true(fabs(ru - 1.0) <= 0.05);
        assert_true(fabs(rc - 1.0) <= 0.05);
        assert_true(fabs(rc * fc / (ru * fu) / (fc / fu) - 1.0) <= 0.05);
    }
}

/* sampling = cr needs a dataset: matreg's Gaussian model (examples = 0) is refused. */
static void cr_needs_examples(void **unused)
{
    (void)unused;
    char err[512];
    assert_int_equal(tu_config_status("[problem]\ntype = matreg\nexamples = 0\nsampling = cr\n"
                                      "[run]\nsteps = 1\n[optimizer s]\ntype = sgd\nlr = 0.1\n",
                                      err, sizeof err), OD_EINPUT);
    assert_non_null(strstr(err, "sampling"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cr_variance_matches_formula),
        cmocka_unit_test(cr_needs_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
