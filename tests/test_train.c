/* tests/test_train.c — training practice around the update rules: every schedule's lr factor
 * against its formula (table-driven, endpoints, warmup 0 and 1), the schedule applied in the run
 * loop and in sweeps, decoupled and coupled weight decay, clipping, and the keys' checks. */
#include "testutil.h"
#include "../optimizers/schedule.h"
#include "../sim/core/replicate.h"
#include "../sim/core/status.h"
#include "../sim/kinds/sweep.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const double R2 = 1.41421356237309504880;   /* sqrt(2): cos(pi/4) = R2/2 */

/* One schedule: its keys, then the factor s(t) expected at steps t. */
typedef struct sched_case {
    const char *what;
    int schedule, shape;
    long W, T, decay_steps, step_every;
    double f, decay_fraction, step_factor;
    long t[6];
    double s[6];
    int nt;
} sched_case;

static const sched_case cases[] = {
    { "constant, no warmup", SCHED_CONSTANT, 0, 0, 0, 0, 0, 0, 0.2, 0.1,
      { 0, 1, 2, 1000 }, { 1, 1, 1, 1 }, 4 },
    { "constant, warmup 1", SCHED_CONSTANT, 0, 1, 0, 0, 0, 0, 0.2, 0.1,
      { 1, 2 }, { 1, 1 }, 2 },
    { "linear warmup 4 then constant", SCHED_CONSTANT, 0, 4, 0, 0, 0, 0, 0.2, 0.1,
      { 0, 1, 2, 3, 4, 5 }, { 0.25, 0.25, 0.5, 0.75, 1, 1 }, 6 },
    { "cosine to 0", SCHED_COSINE, 0, 0, 4, 0, 0, 0, 0.2, 0.1,
      { 1, 2, 3, 4, 9 }, { (2 + R2) / 4, 0.5, (2 - R2) / 4, 0, 0 }, 5 },
    { "cosine, warmup 2, to 0.1", SCHED_COSINE, 0, 2, 6, 0, 0, 0.1, 0.2, 0.1,
      { 1, 2, 3, 4, 6, 7 }, { 0.5, 1, 0.1 + 0.9 * (2 + R2) / 4, 0.55, 0.1, 0.1 }, 6 },
    { "cosine, warmup 1", SCHED_COSINE, 0, 1, 3, 0, 0, 0, 0.2, 0.1,
      { 1, 2, 3 }, { 1, 0.5, 0 }, 3 },
    { "linear to 0", SCHED_LINEAR, 0, 0, 5, 0, 0, 0, 0.2, 0.1,
      { 1, 3, 5, 6 }, { 0.8, 0.4, 0, 0 }, 4 },
    { "linear to 0.5", SCHED_LINEAR, 0, 0, 5, 0, 0, 0.5, 0.2, 0.1,
      { 1, 3, 5 }, { 0.9, 0.7, 0.5 }, 3 },
    { "linear, warmup 1", SCHED_LINEAR, 0, 1, 5, 0, 0, 0, 0.2, 0.1,
      { 1, 2, 5 }, { 1, 0.75, 0 }, 3 },
    { "wsd, warmup 2, last 20% linear", SCHED_WSD, SHAPE_LINEAR, 2, 10, 0, 0, 0, 0.2, 0.1,
      { 1, 2, 8, 9, 10, 11 }, { 0.5, 1, 1, 0.5, 0, 0 }, 6 },
    { "wsd, 4 steps cosine", SCHED_WSD, SHAPE_COSINE, 0, 10, 4, 0, 0, 0.2, 0.1,
      { 1, 6, 7, 8, 10 }, { 1, 1, (2 + R2) / 4, 0.5, 0 }, 5 },
    { "wsd, 4 steps sqrt to 0.2", SCHED_WSD, SHAPE_SQRT, 0, 10, 4, 0, 0.2, 0.2, 0.1,
      { 6, 7, 10 }, { 1, 0.6, 0.2 }, 3 },
    { "wsd, cooldown = everything after warmup 1", SCHED_WSD, SHAPE_LINEAR, 1, 5, 4, 0, 0, 0.2,
      0.1, { 1, 2, 5 }, { 1, 0.75, 0 }, 3 },
    { "step every 3 by 0.5", SCHED_STEP, 0, 0, 0, 0, 3, 0, 0.2, 0.5,
      { 1, 3, 4, 6, 7 }, { 1, 1, 0.5, 0.5, 0.25 }, 5 },
    { "step, warmup 2", SCHED_STEP, 0, 2, 0, 0, 3, 0, 0.2, 0.5,
      { 1, 2, 5, 6 }, { 0.5, 1, 1, 0.5 }, 4 },
    { "rsqrt", SCHED_RSQRT, 0, 0, 0, 0, 0, 0, 0.2, 0.1,
      { 1, 4, 100 }, { 1, 0.5, 0.1 }, 3 },
    { "rsqrt, warmup 1", SCHED_RSQRT, 0, 1, 0, 0, 0, 0, 0.2, 0.1,
      { 1, 9 }, { 1, 1.0 / 3.0 }, 2 },
    { "rsqrt, warmup 4", SCHED_RSQRT, 0, 4, 0, 0, 0, 0, 0.2, 0.1,
      { 2, 4, 16 }, { 0.5, 1, 0.5 }, 3 },
};

static opt_train train_of(const sched_case *k)
{
    opt_train tr;
    param_defaults(opt_train_specs, &tr);
    tr.schedule = k->schedule;
    tr.decay_shape = k->shape;
    tr.warmup = k->W;
    tr.length = k->T;
    tr.decay_steps = k->decay_steps;
    tr.step_every = k->step_every;
    tr.final_fraction = k->f;
    tr.decay_fraction = k->decay_fraction;
    tr.step_factor = k->step_factor;
    return tr;
}

static void schedules_match_formulas(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        opt_train tr = train_of(&cases[i]);
        char why[256];
        const char *bad = opt_train_resolve(&tr, 0, why, sizeof why);
        if (bad)
            fail_msg("%s: %s: %s", cases[i].what, bad, why);
        for (int j = 0; j < cases[i].nt; j++) {
            double s = opt_schedule_factor(&tr, cases[i].t[j]);
            if (!(fabs(s - cases[i].s[j]) <= 1e-15))
                fail_msg("%s: s(%ld) = %.17g, expected %.17g", cases[i].what, cases[i].t[j], s,
                         cases[i].s[j]);
        }
    }
}

/* The schedule's length comes from the kind's budget when schedule_steps = 0. */
static void length_from_budget(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = quadratic\ndim = 1\n[run]\nsteps = 8\n"
                          "[optimizer o]\ntype = sgd\nlr = 0.1\nschedule = linear\n"
                          "[optimizer p]\ntype = sgd\nlr = 0.1\nschedule = linear\n"
                          "schedule_steps = 4\n");
    assert_int_equal(c->opt[0].p.train.T, 8);
    assert_true(opt_schedule_factor(&c->opt[0].p.train, 4) == 0.5);
    assert_int_equal(c->opt[1].p.train.T, 4);
    assert_true(opt_schedule_factor(&c->opt[1].p.train, 4) == 0.0);
    config_free(c);
    c = tu_config("[experiment]\nkind = sweep\n[problem]\ntype = quadratic\ndim = 1\n[sweep]\nbatch = inf\nlr = 0.1, 0.2\n"
                  "target = 0.1\nmax_steps = 100\n[optimizer o]\ntype = sgd\nschedule = wsd\n");
    assert_int_equal(c->opt[0].p.train.T, 100);
    assert_int_equal(opt_schedule_cooldown(&c->opt[0].p.train), 20);
    config_free(c);
}

/* SGD on (lambda/2) x^2 without noise: x_T = prod_t (1 - lr_t lambda) x0, with lr_t = lr s(t);
 * with decoupled decay x_T = prod_t (1 - lr_t wd - lr_t lambda) x0 (the same here: the update
 * is linear); with coupled l2 x_T = prod_t (1 - lr_t (lambda + l2)) x0. */
static void sgd_scheduled_closed_form(void **unused)
{
    (void)unused;
    const double lambda = 1.3, lr = 0.4, x0 = 1.7, wd = 0.3, l2 = 0.2;
    static const char *const extra[] = { "", "weight_decay = 0.3\n", "l2 = 0.2\n" };
    for (int k = 0; k < 3; k++) {
        char ini[512];
        snprintf(ini, sizeof ini, "[problem]\ntype = quadratic\ndim = 1\neigenvalues = 1.3\n"
                 "rotate = no\nx0 = 1.7\n[run]\nsteps = 30\n[optimizer o]\ntype = sgd\n"
                 "lr = 0.4\nschedule = cosine\nwarmup = 5\nfinal_fraction = 0.1\n%s", extra[k]);
        config *c = tu_config(ini);
        problem *pb = tu_problem(c);
        double want = x0, x;
        for (long t = 1; t <= 30; t++) {
            double lt = lr * opt_schedule_factor(&c->opt[0].p.train, t);
            want *= k == 0 ? 1 - lt * lambda : k == 1 ? (1 - lt * wd) - lt * lambda
                                                      : 1 - lt * (lambda + l2);
        }
        tu_iterate(c, pb, &c->opt[0], INFINITY, 30, &x);
        if (!(fabs(x - want) <= 1e-13 * fabs(want)))
            fail_msg("case %d: x_30 = %.17g, expected %.17g", k, x, want);
        problem_free(pb);
        config_free(c);
    }
}

/* Clipping: on (1/2)|x|^2 from x0 with |x0| > c, the clipped gradient step moves x by exactly
 * lr*c along -x0/|x0|; per block each block's gradient is clipped on its own. */
static void clipping(void **unused)
{
    (void)unused;
    config *c = tu_config("[problem]\ntype = quadratic\ndim = 2\neigenvalues = 1, 1\n"
                          "rotate = no\nx0 = 3, 4\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\n"
                          "lr = 0.5\nclip_norm = 2\n");
    problem *pb = tu_problem(c);
    double x[2];
    tu_iterate(c, pb, &c->opt[0], INFINITY, 1, x);
    /* g = (3, 4), |g| = 5 -> (1.2, 1.6); x = (3 - 0.6, 4 - 0.8) */
    assert_true(fabs(x[0] - 2.4) <= 1e-15 && fabs(x[1] - 3.2) <= 1e-15);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 10, x);   /* |x| = 5 - 10: stops clipping at 2 */
    double r = sqrt(x[0] * x[0] + x[1] * x[1]);
    /* 3 clipped steps of 1: |x| = 2, then 7 halvings: 2/128 */
    assert_true(fabs(r - 2.0 / 128.0) <= 1e-14);
    problem_free(pb);
    config_free(c);
    /* per block on a 2-block problem: each block of g scaled to norm <= c */
    c = tu_config("[problem]\ntype = mlp\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\n"
                  "lr = 0.1\nclip_norm = 1e-3\nclip_per_block = yes\n");
    pb = tu_problem(c);
    assert_true(problem_block_count(pb) >= 2);
    double g[4096];
    assert_true(pb->n <= 4096);
    assert_int_equal(pb->type->grad(pb, pb->x0, NULL, g), OD_OK);
    train_grad_clip(pb, 1e-3, 1, g);
    for (size_t k = 0; k < problem_block_count(pb); k++) {
        size_t off;
        problem_block bl = problem_block_at(pb, k, &off);
        size_t m = problem_block_size(&bl);
        double nb = sqrt(problem_dot(m, g + off, g + off));
        assert_true(nb <= 1e-3 * (1 + 1e-15));
        assert_true(nb >= 1e-3 * (1 - 1e-12));   /* the mlp's blocks start with |g_k| > 1e-3 */
    }
    problem_free(pb);
    config_free(c);
}

/* A Monte Carlo sweep with a schedule: the swept lr is the peak, the schedule spans max_steps,
 * and steps-to-target is the first k with 1/2 h x_k^2 <= target, x_k = prod (1 - lr_t h) x0. */
static void sweep_with_schedule(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = sweep\n[problem]\ntype = quadratic\ndim = 1\n"
                          "eigenvalues = 1.3\nrotate = no\nx0 = 1.7\n[sweep]\nbatch = inf\n"
                          "lr = 0.2, 0.5, 1.0\ntarget = 0.01, 1e-4\nmax_steps = 60\n"
                          "[optimizer o]\ntype = sgd\nschedule = cosine\nwarmup = 3\n");
    problem *pb = tu_problem(c);
    sweep_result res;
    assert_int_equal(sweep_result_alloc(&res, c), OD_OK);
    static const double lrs[] = { 0.2, 0.5, 1.0 }, targets[] = { 0.01, 1e-4 };
    int reached = 0;
    for (size_t cell = 0; cell < res.cells; cell++) {
        double steps[2], fl, div, x = 1.7, want[2] = { -1, -1 };
        assert_int_equal(sweep_cell(c, pb, NULL, cell, &res, steps, &fl, &div), OD_OK);
        for (long t = 1; t <= 60; t++) {
            x *= 1 - lrs[cell] * opt_schedule_factor(&c->opt[0].p.train, t) * 1.3;
            for (int k = 0; k < 2; k++)
                if (want[k] < 0 && 0.5 * 1.3 * x * x <= targets[k])
                    want[k] = (double)t;
        }
        for (int k = 0; k < 2; k++) {
            if (steps[k] != want[k])
                fail_msg("lr %g target %g: %g steps, expected %g", lrs[cell], targets[k],
                         steps[k], want[k]);
            reached += want[k] > 0;
        }
        assert_true(div == -1);
    }
    assert_true(reached >= 4);   /* the comparison is not all -1 */
    sweep_result_free(&res);
    problem_free(pb);
    config_free(c);
}

/* Bad combinations are refused with the key and what was expected. */
static void refused(void **unused)
{
    (void)unused;
    static const struct { const char *ini, *needle; } bad[] = {
        { "[run]\nsteps = 5\n[optimizer o]\ntype = sgd\nlr = 1\nschedule = cosine\nwarmup = 5\n",
          "warmup: expected warmup < the schedule length T = 5" },
        { "[run]\nsteps = 5\n[optimizer o]\ntype = sgd\nlr = 1\nschedule = step\n",
          "step_every" },
        { "[run]\nsteps = 10\n[optimizer o]\ntype = sgd\nlr = 1\nschedule = wsd\n"
          "decay_fraction = 0.01\n", "decay_fraction: wsd: expected a cooldown of 1 to" },
        { "[run]\nsteps = 10\n[optimizer o]\ntype = sgd\nlr = 1\nschedule = wsd\nwarmup = 8\n"
          "decay_steps = 3\n", "decay_steps" },
        { "[run]\nsteps = 10\n[optimizer o]\ntype = sgd\nlr = 1\nschedule = often\n",
          "schedule" },
        { "[experiment]\nkind = flow\n[flow]\nlr = 0.1\ntime = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n"
          "weight_decay = 0.1\n", "weight_decay: kind = flow takes no weight decay" },
        { "[experiment]\nkind = sweep\n[sweep]\nmode = exact\nbatch = inf\nlr = 0.1\ntarget = 0.1\nmax_steps = 10\n"
          "[optimizer o]\ntype = sgd\nclip_norm = 1\n", "clip_norm: mode = exact has no recursion" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char ini[1024], err[2048];
        snprintf(ini, sizeof ini, "%s%s", strstr(bad[i].ini, "[experiment]") ? "" :
                 "[problem]\ntype = nqm\ndim = 4\n", bad[i].ini);
        if (strstr(bad[i].ini, "[experiment]"))
            snprintf(ini, sizeof ini, "%s[problem]\ntype = %s\ndim = 2\n", bad[i].ini,
                     strstr(bad[i].ini, "sweep") ? "nqm" : "quadratic");
        int status = tu_config_status(ini, err, sizeof err);
        if (status != OD_EINPUT || !strstr(err, bad[i].needle))
            fail_msg("case %zu: status %d, message '%s' lacks '%s'", i, status, err,
                     bad[i].needle);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedules_match_formulas),
        cmocka_unit_test(length_from_budget),
        cmocka_unit_test(sgd_scheduled_closed_form),
        cmocka_unit_test(clipping),
        cmocka_unit_test(sweep_with_schedule),
        cmocka_unit_test(refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
