/* tests/test_conformance.c — every optimizer against every problem (table-driven): with exact
 * gradients a modest step size lowers the loss; with noise or minibatches every run stays
 * finite and returns OD_OK. A new optimizer or problem is covered by adding a table row. */
#include "testutil.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct pcase {
    const char *body;      /* [problem] section */
    double lr_gd;          /* safe for gradient-scaled rules (< 1/L near the path) */
    double lr_sign;        /* for sign-like rules (step ~ lr per coordinate) */
    double batch;          /* a noisy batch size for this problem */
} pcase;

static const pcase cases[] = {
    { "type = nqm\ndim = 64\n", 0.5, 0.01, 8 },
    { "type = quadratic\ndim = 9\ncond = 40\nnoise = isotropic\nnoise_scale = 0.2\n", 0.5, 0.01, 8 },
    { "type = rosenbrock\n", 1e-3, 1e-3, 8 },
    { "type = rosenbrock\ndim = 5\nnoise_scale = 0.01\n", 1e-3, 1e-3, 8 },
    { "type = beale\nnoise_scale = 0.01\n", 1e-3, 1e-3, 8 },
    { "type = linreg\ndim = 8\nexamples = 200\n", 0.05, 0.01, 16 },
    { "type = logreg\ndim = 6\nexamples = 180\n", 0.5, 0.01, 16 },
    { "type = matreg\nrows = 6\ncols = 4\nrank = 2\nexamples = 200\n", 0.5, 0.01, 16 },
    { "type = matreg\nrows = 4\ncols = 5\nrank = 3\nexamples = 0\ninit_scale = 1\n", 0.5, 0.01, 8 },
    { "type = lora\nrows = 6\ncols = 5\nrank = 2\ndelta_rank = 3\nexamples = 150\n", 0.2,
      0.01, 16 },
    { "type = lora\nrows = 6\ncols = 5\nrank = 1\nexamples = 0\nlabel_noise = 0\ninit = lora_ga\n"
      "alpha = 3\n", 0.2, 0.01, 8 },
    { "type = mlp\ninputs = 4\nhidden = 6\noutputs = 2\nteacher_hidden = 3\nactivation = linear\n"
      "examples = 120\n", 0.1, 0.01, 16 },
    { "type = mlp\ninputs = 3\nhidden = 5\noutputs = 2\nactivation = relu\nbias = yes\nexamples = 100\n"
      "label_noise = 0.1\n", 0.1, 0.01, 16 },
    { "type = mlp_lora\ninputs = 3\nwidth = 6\noutputs = 2\nrank = 2\nexamples = 60\n"
      "activation = relu\nlabel_noise = 0.1\n", 0.1, 0.01, 16 },
    { "type = fmnist_softmax\nexamples = 60\nclasses = 3\ntest_examples = 0\nl2 = 1e-3\n", 0.01, 0.001,
      8 },
    { "type = fmnist_mlp\nexamples = 60\nclasses = 3\nhidden = 4\nactivation = relu\n"
      "test_examples = 10\nl2 = 1e-3\n", 0.01, 0.001, 8 },
};

/* lr_gd assumes gradient descent's guarantee lr*L < 2; a rule that declares a smaller bound
 * (NAG-C: 1) gets lr_gd scaled down in proportion. */
static double lr_for(const opt_type *t, const pcase *pc)
{
    if (t->caps & OPT_CAP_SIGN_LIKE)
        return pc->lr_sign;
    return t->lr_bound > 0 && t->lr_bound < 2 ? pc->lr_gd * t->lr_bound / 2 : pc->lr_gd;
}

static void every_optimizer_on_every_problem(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (size_t j = 0; opt_types[j]; j++) {
            const opt_type *t = opt_types[j];
            char ini[1024];
            snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n%s[run]\nsteps = 1\n"
                     "[optimizer o]\ntype = %s\nlr = %.17g\n", cases[k].body, t->name,
                     lr_for(t, &cases[k]));
            config *c = tu_config(ini);
            problem *pb = tu_problem(c);
            double *x = malloc(pb->n * sizeof *x);
            double f0 = pb->type->loss(pb, pb->x0);
            tu_iterate(c, pb, &c->opt[0], INFINITY, 300, x);
            double f = pb->type->loss(pb, x);
            if (!(f < f0))
                fail_msg("%s on %s: loss %.6g -> %.6g with exact gradients", t->name,
                         pb->type->name, f0, f);
            tu_iterate(c, pb, &c->opt[0], cases[k].batch, 300, x);
            for (size_t i = 0; i < pb->n; i++)
                if (!isfinite(x[i]))
                    fail_msg("%s on %s with batch %g: non-finite iterate", t->name, pb->type->name,
                             cases[k].batch);
            free(x);
            problem_free(pb);
            config_free(c);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_optimizer_on_every_problem),
    };
    return cmocka_run_group_tests_name("conformance", tests, NULL, NULL);
}
