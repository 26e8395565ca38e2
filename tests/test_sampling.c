/* tests/test_sampling.c — column-row sampled minibatches (sampling = cr, issue 28 item 3): unbiased, and
 * the measured gradient variance of uniform and CR batches against their formulas within 5%. */
#include "testutil.h"
#include "../sim/theory/batch_variance.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The batch variance at x0 of the problem with `sampling`, B = 8, over 20000 draws. */
static batch_variance measure(const char *problem_text, const char *sampling)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 11\n[problem]\n%s\nsampling = %s\n[run]\n"
             "steps = 1\n[optimizer s]\ntype = sgd\nlr = 0.1\n", problem_text, sampling);
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    batch_variance v;
    assert_int_equal(batch_variance_at(pb, pb->x0, 8.0, 20000, 11, &v), OD_OK);
    assert_true(v.z_max <= 4.0);                      /* unbiased: every coordinate within 4 SE */
    problem_free(pb);
    config_free(c);
    return v;
}

static void cr_variance_matches_formula(void **unused)
{
    (void)unused;
    const char *names[] = { "matreg", "linreg", "mlp" };
    const char *problems[] = {
        "type = matreg\nrows = 8\ncols = 4\nrank = 2\nexamples = 200\nlabel_noise = 0.5\ninit_scale = 1",
        "type = linreg\ndim = 10\nexamples = 200\nlabel_noise = 0.5",
        "type = mlp\ninputs = 5\nhidden = 6\noutputs = 2\nexamples = 200\nlabel_noise = 0.3",
    };
    for (int k = 0; k < 3; k++) {
        batch_variance u = measure(problems[k], "uniform"), c = measure(problems[k], "cr");
        double ru = u.measured / u.formula, rc = c.measured / c.formula;
        double predicted = c.formula / u.formula, measured = c.measured / u.measured;
        printf("%-6s B = 8: E|g_B - g|^2 measured/formula uniform %.4f, cr %.4f (SE %.1f%%, %.1f%%); "
               "cr/uniform predicted %.4f, measured %.4f; B_simple uniform %.4g, cr %.4g\n",
               names[k], ru, rc, 100 * u.measured_se / u.measured, 100 * c.measured_se / c.measured,
               predicted, measured, u.tr_uniform / u.grad_sq, c.tr_cr / c.grad_sq);
        assert_true(fabs(ru - 1.0) <= 0.05);
        assert_true(fabs(rc - 1.0) <= 0.05);
        assert_true(fabs(measured / predicted - 1.0) <= 0.05);
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
