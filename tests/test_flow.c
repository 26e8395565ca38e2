/* tests/test_flow.c — optimizers as integrators: the limits' trajectories match closed forms on
 * (lambda/2) x^2; measured orders (GD vs gradient flow 1, vs modified flow 2, heavy ball vs
 * rescaled flow 1); integrator failures are reported with the time reached. */
#include "testutil.h"
#include "../sim/flow.h"
#include "../sim/status.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static config *quad(double lambda, double x0, const char *opt)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nkind = flow\n[problem]\ntype = quadratic\ndim = 1\n"
             "eigenvalues = %.17g\nrotate = no\nx0 = %.17g\n[flow]\nlr = 0.1\ntime = 1\n"
             "[optimizer o]\n%s\n", lambda, x0, opt);
    return tu_config(ini);
}

static void limits_match_closed_forms(void **unused)
{
    (void)unused;
    const double lambda = 2.385, x0 = 1.739, lr = 0.1;
    double t[4] = { 0.2, 0.7, 1.3, 2.9 }, x[4];
    char err[512];
    config *c = quad(lambda, x0, "type = sgd\nlr = 0.1");
    problem *pb = tu_problem(c);
    const opt_flow *grad = opt_flow_lookup(c->opt[0].type, "gradient");
    const opt_flow *mod = opt_flow_lookup(c->opt[0].type, "modified");
    assert_non_null(grad);
    assert_non_null(mod);
    assert_int_equal(flow_solve(grad, &c->opt[0].p, pb, pb->x0, 1e-12, 4, t, x, err, sizeof err), OD_OK);
    for (int j = 0; j < 4; j++)
        assert_true(fabs(x[j] - x0 * exp(-lambda * t[j])) <= 1e-9 * fabs(x[j]));
    assert_int_equal(flow_solve(mod, &c->opt[0].p, pb, pb->x0, 1e-12, 4, t, x, err, sizeof err), OD_OK);
    for (int j = 0; j < 4; j++)   /* modified rate lambda + lr lambda^2 / 2 */
        assert_true(fabs(x[j] - x0 * exp(-(lambda + lr * lambda * lambda / 2) * t[j])) <= 1e-9 * fabs(x[j]));
    problem_free(pb);
    config_free(c);
    c = quad(lambda, x0, "type = momentum\nlr = 0.1\nmomentum = 0.6");
    pb = tu_problem(c);
    const opt_flow *res = opt_flow_lookup(c->opt[0].type, "rescaled");
    double ts[4] = { 0.05, 0.2, 0.5, 0.9 };     /* values above the absolute tolerance */
    assert_int_equal(flow_solve(res, &c->opt[0].p, pb, pb->x0, 1e-12, 4, ts, x, err, sizeof err), OD_OK);
    for (int j = 0; j < 4; j++)   /* rate lambda / (1 - mu) */
        assert_true(fabs(x[j] - x0 * exp(-lambda / 0.4 * ts[j])) <= 1e-9 * fabs(x[j]));
    problem_free(pb);
    config_free(c);
}

/* Fitted order of optimizer `opt` against its limit `limit` on a rotated 2-D quadratic. */
static double measured_order(const char *opt, const char *limit, double *se)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nkind = flow\nseed = 3\n[problem]\ntype = quadratic\n"
             "dim = 2\neigenvalues = 2.385, 0.5\nx0 = 1.5, -1\n[flow]\nlr = 0.1\ntime = 2\n"
             "[optimizer o]\n%s\n", opt);
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    const opt_flow *f = opt_flow_lookup(c->opt[0].type, limit);
    double lrs[5] = { 0.04, 0.02, 0.01, 0.005, 0.0025 }, e[5], slope;
    char err[512];
    for (int i = 0; i < 5; i++) {
        long k;
        assert_int_equal(flow_error(&c->opt[0], f, pb, 3, lrs[i], 2.0, 1e-13, &k, &e[i], err,
                                    sizeof err), OD_OK);
        assert_int_equal(k, lround(2.0 / lrs[i]));
    }
    assert_int_equal(flow_order(5, lrs, e, &slope, se), OD_OK);
    problem_free(pb);
    config_free(c);
    return slope;
}

static void measured_orders(void **unused)
{
    (void)unused;
    double se, p;
    p = measured_order("type = sgd\nlr = 0.1", "gradient", &se);
    if (fabs(p - 1.0) > 0.05)
        fail_msg("GD vs gradient flow: order %.4f +- %.4f", p, se);
    p = measured_order("type = sgd\nlr = 0.1", "modified", &se);
    if (fabs(p - 2.0) > 0.1)
        fail_msg("GD vs modified flow: order %.4f +- %.4f", p, se);
    p = measured_order("type = momentum\nlr = 0.1\nmomentum = 0.5", "rescaled", &se);
    if (fabs(p - 1.0) > 0.1)
        fail_msg("heavy ball vs rescaled flow: order %.4f +- %.4f", p, se);
}

static void integrator_failure_is_reported(void **unused)
{
    (void)unused;
    /* the state overflows to inf on the way: a clear error, never a wrong answer */
    config *c = quad(1.0, 1.0, "type = sgd\nlr = 0.1");
    problem *pb = tu_problem(c);
    const opt_flow *mod = opt_flow_lookup(c->opt[0].type, "modified");
    opt_params p = c->opt[0].p;
    p.lr = -40.0;                   /* dx/dt = 19 x: e^(19 t) overflows before t = 50 */
    double t = 50.0, x;
    char err[512] = "";
    assert_int_equal(flow_solve(mod, &p, pb, pb->x0, 1e-12, 1, &t, &x, err, sizeof err), OD_EDOM);
    assert_non_null(strstr(err, "failed at t = "));
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_match_closed_forms),
        cmocka_unit_test(measured_orders),
        cmocka_unit_test(integrator_failure_is_reported),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
