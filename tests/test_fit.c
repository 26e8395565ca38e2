/* tests/test_fit.c — scaling-law fits: each law recovers its own parameters from exact data with
 * a deterministic +-2% multiplicative wobble (inside the 95% intervals), ranks first by residual
 * among the five lr laws, and the steps hyperbola gives E_min = S_min B_crit. */
#include "testutil.h"
#include "../sim/theory/critical_batch.h"
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

/* S = S_min (1 + Bn/B): B S / (B0 S(B0)) = (B + Bn)/(B0 + Bn) crosses 1.2 at B* = 1.2 B0 + 0.2 Bn.
 * On a fine grid (ratio 1.02) the log-log interpolation is within 0.1%; on a coarse one (ratio 2)
 * B* lies in the bracket. Batches that never reach the target, and no crossing at all. */
static void critical_batch_of_a_hyperbola(void **unused)
{
    (void)unused;
    enum { N = 400 };
    double B[N], S[N];
    const double Bn = 300.0, B0 = 1.0, want = 1.2 * B0 + 0.2 * Bn;
    for (double ratio = 1.02; ratio < 3.0; ratio *= 1.4) {
        size_t n = 0;
        for (double b = B0; n < N && b < 1e5; b *= ratio)
            B[n] = b, S[n] = 1000.0 * (1.0 + Bn / b), n++;
        critical_batch cb;
        critical_batch_find(n, B, S, &cb);
        printf("# grid ratio %.3g: B_crit %.4g in [%.4g, %.4g] (exact %.4g); B_opt %g\n", ratio,
               cb.B_crit, cb.B_crit_lo, cb.B_crit_hi, want, cb.B_opt);
        assert_true(cb.B_crit_lo <= want && want <= cb.B_crit_hi);
        assert_true(cb.B_crit_lo <= cb.B_crit && cb.B_crit <= cb.B_crit_hi);
        if (ratio < 1.03)
            assert_true(fabs(cb.B_crit / want - 1.0) < 1e-3);
        assert_true(cb.B_opt == B0 && cb.reference == B0);     /* examples grow with B */
    }
    double b2[4] = { 1, 2, 4, 8 }, s2[4] = { 100, 51, -1, 20 };
    critical_batch cb;
    critical_batch_find(4, b2, s2, &cb);
    assert_true(isnan(cb.B_crit) && cb.B_crit_lo == 2 && cb.B_crit_hi == 4);
    double s3[4] = { 100, 50, 25, 12.5 };                      /* perfect scaling throughout */
    critical_batch_find(4, b2, s3, &cb);
    assert_true(isnan(cb.B_crit) && cb.B_crit_lo == 8 && isinf(cb.B_crit_hi));
    double s4[4] = { NAN, 100, 70, 40 };                       /* reference: the first reached */
    critical_batch_find(4, b2, s4, &cb);
    assert_true(cb.reference == 2 && cb.points == 3 && cb.B_crit_lo == 2 && cb.B_crit_hi == 4);
    assert_true(fabs(cb.B_crit - exp(log(2) + log(1.2) / log(1.4) * log(2))) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(laws_recover_their_parameters),
        cmocka_unit_test(hyperbola_gives_critical_batch),
        cmocka_unit_test(critical_batch_of_a_hyperbola),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
