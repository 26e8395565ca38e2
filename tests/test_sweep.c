/* tests/test_sweep.c — the exact NQM dynamics against an explicit iteration of the moment
 * recursions and against closed forms (stationary risks), exact vs Monte Carlo expected loss,
 * and sweep cells: divergence recorded as data, steps-to-target consistent with the loss. */
#include "testutil.h"
#include "../sim/core/replicate.h"
#include "../sim/theory/exact.h"
#include "../sim/theory/nqm_exact.h"
#include "../sim/core/status.h"
#include "../sim/kinds/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static config *nqm_config(const char *extra_problem, const char *opt)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 9\n[problem]\ntype = nqm\n%s[run]\nsteps = 1\n"
             "[optimizer o]\n%s\n", extra_problem, opt);
    return tu_config(ini);
}

/* E[L(x_k)] by iterating the second-moment recursions step by step (no closed form). */
static double iterate_moments(const problem *pb, const cfg_optimizer *o, int momentum, double B,
                              long k, double pw)
{
    const opt_params *p = &o->p;
    const double *h, *c;
    assert_non_null(pb->type->diag_facts);
    pb->type->diag_facts(pb, &h, &c);
    double loss = 0.0;
    for (size_t i = 0; i < pb->n; i++) {
        double hp = pow(h[i], 1 - pw), cp = c[i] * pow(h[i], -2 * pw);
        double a = p->lr * (momentum ? h[i] : hp), mu = momentum ? param_get(o->type->params, p, "momentum", 0) : 0.0;
        double g = isinf(B) ? 0.0 : p->lr * p->lr * (momentum ? c[i] : cp) / B;
        double xx = 1.0, xw = 0.0, ww = 0.0;       /* E x0^2 = 1, w0 = 0 */
        for (long t = 0; t < k; t++) {
            double nxx = (1 - a) * (1 - a) * xx - 2 * (1 - a) * mu * xw + mu * mu * ww + g;
            double nxw = a * (1 - a) * xx + mu * (1 - 2 * a) * xw - mu * mu * ww - g;
            double nww = a * a * xx + 2 * a * mu * xw + mu * mu * ww + g;
            xx = nxx, xw = nxw, ww = nww;
        }
        loss += h[i] * xx;
    }
    return 0.5 * loss;
}

static void exact_matches_iterated_recursion(void **unused)
{
    (void)unused;
    struct { const char *opt; int momentum; double pw; } cases[] = {
        { "type = sgd\nlr = 0.7", 0, 0 },
        { "type = precond\nlr = 0.3\nprecond_power = 0.5", 0, 0.5 },
        { "type = momentum\nlr = 0.3\nmomentum = 0.9", 1, 0 },       /* complex roots */
        { "type = momentum\nlr = 1.9\nmomentum = 0.05", 1, 0 },      /* real roots, some negative */
        { "type = momentum\nlr = 0.5\nmomentum = 0", 1, 0 },
    };
    double batches[] = { 3.0, INFINITY };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int b = 0; b < 2; b++) {
            config *c = nqm_config("dim = 30\nhessian_power = 1.1\nnoise_power = 0.9\n", cases[k].opt);
            problem *pb = tu_problem(c);
            double *s0 = exact_start_moments(pb);
            nqm_exact e;
            assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, batches[b], s0), OD_OK);
            for (long t = 0; t <= 300; t += 23) {
                double want = iterate_moments(pb, &c->opt[0], cases[k].momentum, batches[b], t,
                                              cases[k].pw);
                double got = nqm_exact_loss(&e, (double)t);
                if (fabs(got - want) > 1e-12 * want)
                    fail_msg("%s B=%g k=%ld: closed form %.17g, iteration %.17g", cases[k].opt,
                             batches[b], t, got, want);
            }
            nqm_exact_free(&e);
            free(s0);
            problem_free(pb);
            config_free(c);
        }
}

/* E[L(xbar_k)] of SGD with iterate averaging, iterating the (xx, x xbar, xbar xbar) recursion. */
static double iterate_ema(const problem *pb, double lr, double gam, double B, long k)
{
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    double loss = 0.0;
    for (size_t i = 0; i < pb->n; i++) {
        double q = 1 - lr * h[i], g = isinf(B) ? 0.0 : lr * lr * c[i] / B, m = 1 - gam;
        double xx = 1, xm = 1, mm = 1;
        for (long t = 0; t < k; t++) {
            double nxx = q * q * xx + g;
            double nxm = q * gam * xm + m * q * q * xx + m * g;
            double nmm = gam * gam * mm + 2 * gam * m * q * xm + m * m * (q * q * xx + g);
            xx = nxx, xm = nxm, mm = nmm;
        }
        loss += h[i] * mm;
    }
    return 0.5 * loss;
}

static void exact_ema_matches_iterated_recursion(void **unused)
{
    (void)unused;
    double batches[] = { 2.0, INFINITY };
    for (int b = 0; b < 2; b++) {
        config *c = nqm_config("dim = 30\nhessian_power = 1.1\n", "type = sgd\nlr = 0.7\nema = 0.9");
        problem *pb = tu_problem(c);
        double *s0 = exact_start_moments(pb);
        nqm_exact e;
        assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, batches[b], s0), OD_OK);
        for (long t = 0; t <= 400; t += 37) {
            double want = iterate_ema(pb, 0.7, 0.9, batches[b], t), got = nqm_exact_loss(&e, (double)t);
            if (fabs(got - want) > 1e-10 * want)
                fail_msg("ema B=%g k=%ld: closed form %.17g, iteration %.17g", batches[b], t, got, want);
        }
        /* averaging lowers the noise floor: stationary loss below plain SGD's */
        opt_params p = c->opt[0].p;
        p.ema = 0;
        nqm_exact plain;
        nqm_exact_init(&plain, pb, c->opt[0].type, &p, batches[b], s0);
        if (!isinf(batches[b]))
            assert_true(nqm_exact_loss(&e, 1e6) < 0.5 * nqm_exact_loss(&plain, 1e6));
        nqm_exact_free(&plain);
        nqm_exact_free(&e);
        free(s0);
        problem_free(pb);
        config_free(c);
    }
}

static void stationary_risks_match_theory(void **unused)
{
    (void)unused;
    const double lr = 0.37, mu = 0.8, B = 5.0;
    config *c = nqm_config("dim = 12\n", "type = momentum\nlr = 0.37\nmomentum = 0.8");
    problem *pb = tu_problem(c);
    const double *h, *cc;
    pb->type->diag_facts(pb, &h, &cc);
    double *s0 = exact_start_moments(pb), want = 0.0, want_sgd = 0.0;
    for (size_t i = 0; i < pb->n; i++) {
        /* docs/theory.md "The noisy quadratic model": heavy ball (1+mu) lr c / (2B(1-mu)(2mu+2-lr h)); SGD lr c/(2B(2 - lr h)) */
        want += (1 + mu) * lr * cc[i] / (2 * B * (1 - mu) * (2 * mu + 2 - lr * h[i]));
        want_sgd += lr * cc[i] / (2 * B * (2 - lr * h[i]));
    }
    nqm_exact e;
    nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, B, s0);
    double got = nqm_exact_loss(&e, 1e7);
    assert_true(fabs(got - want) <= 1e-12 * want);
    nqm_exact_free(&e);
    opt_params p = c->opt[0].p;
    nqm_exact_init(&e, pb, opt_lookup("sgd"), &p, B, s0);
    got = nqm_exact_loss(&e, 1e7);
    assert_true(fabs(got - want_sgd) <= 1e-12 * want_sgd);
    /* SGD's closed form s_i(t) = s* + (1 - lr h)^(2t) (s0 - s*) at t = 17 */
    double direct = 0.0;
    for (size_t i = 0; i < pb->n; i++) {
        double ss = lr * cc[i] / (B * h[i] * (2 - lr * h[i]));
        direct += 0.5 * h[i] * (ss + pow(1 - lr * h[i], 34) * (1 - ss));
    }
    assert_true(fabs(nqm_exact_loss(&e, 17) - direct) <= 1e-12 * direct);
    nqm_exact_free(&e);
    free(s0);
    problem_free(pb);
    config_free(c);
}

/* Monte Carlo mean of the judged loss L(x_k) (L(xbar_k) with averaging) over R replicates, each
 * with its own start and noise, exactly as sweep cells run them. */
static void monte_carlo_loss(const config *c, const problem *pb, double B, long k, long R,
                             double *mean, double *se)
{
    double s = 0.0, ss = 0.0;
    for (long r = 0; r < R; r++) {
        replicate rep;
        assert_int_equal(replicate_init(&rep, pb, c->opt[0].type, &c->opt[0].p, B,
                                        (uint64_t)c->exp.seed, (uint64_t)r), OD_OK);
        while (rep.t < k)
            replicate_step(&rep);
        double L = replicate_judged_loss(&rep);
        s += L;
        ss += L * L;
        replicate_free(&rep);
    }
    *mean = s / (double)R;
    *se = sqrt((ss / (double)R - *mean * *mean) / (double)(R - 1));
}

/* The exact engine's E[L] against 4000 Monte Carlo replicates within 4 standard errors, for each
 * optimizer text with `extra` keys appended, at B = 4. */
static void check_monte_carlo(const char *const *opts, int nopts, const char *extra)
{
    for (int k = 0; k < nopts; k++) {
        char opt[512];
        snprintf(opt, sizeof opt, "%s%s", opts[k], extra);
        config *c = nqm_config("dim = 16\n", opt);
        problem *pb = tu_problem(c);
        double *s0 = exact_start_moments(pb), mean, se;
        exact e;
        assert_int_equal(exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, 4.0, s0), OD_OK);
        for (long t = 5; t <= 80; t *= 4) {
            monte_carlo_loss(c, pb, 4.0, t, 4000, &mean, &se);
            double want = e.engine->loss(e.state, (double)t);
            if (fabs(mean - want) > 4 * se)
                fail_msg("%s k=%ld: Monte Carlo %.6g +- %.2g, exact %.6g", opt, t, mean, se, want);
        }
        exact_free(&e);
        free(s0);
        problem_free(pb);
        config_free(c);
    }
}

static void exact_agrees_with_monte_carlo(void **unused)
{
    (void)unused;
    const char *opts[] = { "type = sgd\nlr = 0.6", "type = momentum\nlr = 0.2\nmomentum = 0.7",
                           "type = precond\nlr = 0.2\nprecond_power = 0.5",
                           "type = sgd\nlr = 0.6\nema = 0.8" };
    check_monte_carlo(opts, 4, "");
}

static void cells_record_divergence_and_targets(void **unused)
{
    (void)unused;
    for (int mode = 0; mode < 2; mode++) {
        char ini[1024];
        snprintf(ini, sizeof ini, "[experiment]\nkind = sweep\nseed = 2\n[problem]\ntype = nqm\n"
                 "dim = 20\n[optimizer s]\ntype = sgd\n[sweep]\nbatch = 8, inf\nlr = 0.3, 2.5\n"
                 "target = 0.5, 0.05\nmax_steps = 100000\nmode = %s\n",
                 mode ? "exact" : "montecarlo");
        config *c = tu_config(ini);
        problem *pb = tu_problem(c);
        sweep_result res;
        assert_int_equal(sweep_result_alloc(&res, c), OD_OK);
        double *s0 = exact_start_moments(pb);
        for (size_t cell = 0; cell < res.cells; cell++) {
            double steps[2], fl, div;
            assert_int_equal(sweep_cell(c, pb, s0, cell, &res, steps, &fl, &div), OD_OK);
            size_t l = cell % 2;           /* S = 1: cell = b*NL + l */
            if (l == 1) {                  /* lr*h_1 = 2.5 > 2: diverges; the loose target may be
                                              crossed on the way (the other coordinates shrink) */
                assert_true(div > 0);
                assert_true(steps[0] == -1 || steps[0] < div);
                assert_true(steps[1] == -1);
            } else {
                assert_true(div == -1);
                assert_true(steps[0] > 0 && steps[1] > steps[0]);
                assert_true(fl < 0.05);
            }
        }
        free(s0);
        sweep_result_free(&res);
        problem_free(pb);
        config_free(c);
    }
}

/* With a schedule the stepped engine (nqm_sched) takes over. Under warmup = 1 (s = 1 at every
 * step) it must reproduce the closed forms of nqm_exact to 1e-12, for SGD, heavy ball,
 * precond and SGD with averaging, with and without noise. */
static void scheduled_engine_matches_closed_form(void **unused)
{
    (void)unused;
    const char *opts[] = { "type = sgd\nlr = 0.7", "type = momentum\nlr = 0.3\nmomentum = 0.9",
                           "type = momentum\nlr = 1.9\nmomentum = 0.05",
                           "type = precond\nlr = 0.3\nprecond_power = 0.5",
                           "type = sgd\nlr = 0.6\nema = 0.8" };
    double batches[] = { 3.0, INFINITY };
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
        for (int b = 0; b < 2; b++) {
            char opt[256];
            snprintf(opt, sizeof opt, "%s\nwarmup = 1", opts[k]);
            config *c = nqm_config("dim = 30\nhessian_power = 1.1\nnoise_power = 0.9\n", opt);
            problem *pb = tu_problem(c);
            double *s0 = exact_start_moments(pb);
            opt_params plain = c->opt[0].p;
            param_defaults(opt_train_specs, &plain.train);
            exact sched, closed;
            assert_int_equal(exact_init(&sched, pb, c->opt[0].type, &c->opt[0].p, batches[b], s0),
                             OD_OK);
            assert_string_equal(sched.engine->name, "nqm_sched");
            assert_int_equal(exact_init(&closed, pb, c->opt[0].type, &plain, batches[b], s0), OD_OK);
            assert_string_equal(closed.engine->name, "nqm");
            for (long t = 0; t <= 300; t += 23) {
                double want = closed.engine->loss(closed.state, (double)t);
                double got = sched.engine->loss(sched.state, (double)t);
                if (!(fabs(got - want) <= 1e-12 * want))
                    fail_msg("%s B=%g k=%ld: stepped %.17g, closed form %.17g", opts[k],
                             batches[b], t, got, want);
            }
            exact_free(&sched);
            exact_free(&closed);
            free(s0);
            problem_free(pb);
            config_free(c);
        }
}

/* The stepped engine under a real schedule (cosine with warmup) against Monte Carlo replicates
 * run through the optimizers' own code. */
static void scheduled_engine_agrees_with_monte_carlo(void **unused)
{
    (void)unused;
    const char *opts[] = { "type = sgd\nlr = 0.6", "type = momentum\nlr = 0.2\nmomentum = 0.7",
                           "type = sgd\nlr = 0.6\nema = 0.8" };
    check_monte_carlo(opts, 3, "\nschedule = cosine\nwarmup = 10\nschedule_steps = 80\n"
                      "final_fraction = 0.05");
}

/* Weight decay (decoupled) and L2 (coupled) under a schedule: without noise the engine's E[L]
 * is the loss of the run itself (an explicit x0) to 1e-12; with noise it agrees with Monte
 * Carlo within 4 SE; for sgd, heavy ball, precond (whose diag H includes l2) and averaging. */
static void decay_engine_matches_runs(void **unused)
{
    (void)unused;
    const char *opts[] = { "type = sgd\nlr = 0.6", "type = momentum\nlr = 0.2\nmomentum = 0.7",
                           "type = precond\nlr = 0.2\nprecond_power = 0.5",
                           "type = sgd\nlr = 0.6\nema = 0.8" };
    const char *decay = "\nweight_decay = 0.3\nl2 = 0.2\nschedule = linear\n"
                        "schedule_steps = 80\nfinal_fraction = 0.2";
    for (int k = 0; k < 4; k++) {
        char opt[512];
        snprintf(opt, sizeof opt, "%s%s", opts[k], decay);
        config *c = nqm_config("dim = 30\nx0 = 1\n", opt);
        problem *pb = tu_problem(c);
        double *s0 = exact_start_moments(pb);
        exact e;
        assert_int_equal(exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, INFINITY, s0), OD_OK);
        replicate rep;
        assert_int_equal(replicate_init(&rep, pb, c->opt[0].type, &c->opt[0].p, INFINITY,
                                        (uint64_t)c->exp.seed, 0), OD_OK);
        while (rep.t < 100) {
            assert_int_equal(replicate_step(&rep), OD_OK);
            double got = e.engine->loss(e.state, (double)rep.t), want = replicate_judged_loss(&rep);
            if (!(fabs(got - want) <= 1e-12 * want))
                fail_msg("%s k=%ld: engine %.17g, run %.17g", opt, rep.t, got, want);
        }
        replicate_free(&rep);
        exact_free(&e);
        free(s0);
        problem_free(pb);
        config_free(c);
    }
    check_monte_carlo(opts, 4, decay);
}

/* A momentum grid: variants per value, mu = 0 equal to SGD, best_tuned the best variant. */
static void momentum_grid_variants(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = sweep\n[problem]\ntype = nqm\ndim = 200\n"
                          "[sweep]\nmode = exact\nbatch = 1, 64, inf\nlr = logspace(-3, 0.5, 12)\n"
                          "momentum = 0, 0.5, 0.9\ntarget = 0.05\nmax_steps = 1e8\n"
                          "[optimizer sgd]\ntype = sgd\n[optimizer hb]\ntype = momentum\n");
    assert_int_equal(c->nopt, 4);
    assert_string_equal(c->opt[1].name, "hb@mu=0");
    assert_string_equal(c->opt[3].name, "hb@mu=0.9");
    assert_string_equal(c->opt[3].section, "hb");
    assert_true(param_get(c->opt[2].type->params, &c->opt[2].p, "momentum", 0) == 0.5);
    problem *pb = tu_problem(c);
    sweep_result res;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/mg.journal", tu_tmpdir());
    assert_int_equal(sweep_result_alloc(&res, c), OD_OK);
    assert_int_equal(res.NS, 2);
    sweep_run_opts so = { 2, path, 0, 0, 1, NULL, NULL };
    assert_int_equal(sim_sweep(c, pb, &so, &res, err, sizeof err), OD_OK);
    assert_int_equal(sim_sweep_best(c, pb, 2, &res), OD_OK);
    for (size_t b = 0; b < 3; b++) {
        /* heavy ball with mu = 0 is SGD, step for step */
        assert_true(res.best_steps[0 * 3 + b] == res.best_steps[1 * 3 + b]);
        double tuned = res.tuned_steps[1 * 3 + b];
        for (size_t o = 1; o < 4; o++)
            assert_true(tuned <= res.best_steps[o * 3 + b] || res.best_steps[o * 3 + b] < 0);
        assert_true(res.tuned_steps[0 * 3 + b] == res.best_steps[b]);
    }
    /* tuned momentum beats SGD clearly with exact gradients, and uses mu > 0 there */
    assert_true(res.tuned_steps[1 * 3 + 2] < 0.5 * res.tuned_steps[0 * 3 + 2]);
    assert_true(res.tuned_key[0][1 * 3 + 2] > 0);
    sweep_result_free(&res);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_matches_iterated_recursion),
        cmocka_unit_test(exact_ema_matches_iterated_recursion),
        cmocka_unit_test(stationary_risks_match_theory),
        cmocka_unit_test(exact_agrees_with_monte_carlo),
        cmocka_unit_test(scheduled_engine_matches_closed_form),
        cmocka_unit_test(scheduled_engine_agrees_with_monte_carlo),
        cmocka_unit_test(decay_engine_matches_runs),
        cmocka_unit_test(cells_record_divergence_and_targets),
        cmocka_unit_test(momentum_grid_variants),
    };
    return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
