/* tests/test_progress.c — progress in units of expected work: the ETA arithmetic with unequal
 * costs (where a count-based rate is wrong), the work meter under OpenMP threads, and the reports
 * of a sweep (exact cells of a closed-form and a stepped engine) and of a trajectory run. */
#include "testutil.h"
#include "../sim/core/status.h"
#include "../sim/kinds/progress.h"
#include "../sim/kinds/run.h"
#include "../sim/kinds/sweep.h"
#include "../sim/output/meta.h"
#include "../sim/output/rec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Four units of expected cost 1, 1, 1 and 9: three cheap ones took 3 s. What is left costs 9,
 * at the measured 1 per second 9 s; a count-based rate (3 units in 3 s, 1 unit left) says 1 s. */
static void eta_weights_work_not_units(void **state)
{
    (void)state;
    double cost[4] = { 1, 1, 1, 9 }, total = 0.0, done = 0.0;
    for (int i = 0; i < 4; i++)
        total += cost[i];
    for (int i = 0; i < 3; i++)
        done += cost[i];
    double eta = progress_eta(3.0, 0.0, done, total);
    assert_true(eta == 9.0);
    double count_based = (4 - 3) * 3.0 / 3;
    assert_true(fabs(eta - count_based) > 7.0);
    /* expensive first: 9 of 12 done in 9 s, then 3 cheap units left: 3 s (count: 3 units at
     * 9 s each, 27 s) */
    assert_true(progress_eta(9.0, 0.0, 9.0, 12.0) == 3.0);
    /* work done before the clock started (a resumed sweep's cells) is not throughput: 6 of 12
     * were journaled, 2 more took 4 s, 4 left at 0.5 per second */
    assert_true(progress_eta(4.0, 6.0, 8.0, 12.0) == 8.0);
    /* nothing measured yet: no estimate */
    assert_true(progress_eta(0.0, 0.0, 0.0, 12.0) < 0);
    assert_true(progress_eta(5.0, 6.0, 6.0, 12.0) < 0);
    assert_true(progress_eta(5.0, 0.0, 12.0, 12.0) == 0.0);
}

typedef struct seen {
    size_t reports, last_done, bad_order;
    double last_work, last_total;
    char what[64];
} seen;

static void record(void *user, const sim_progress *p)
{
    seen *s = user;
    if (s->reports && p->work_done < s->last_work)
        s->bad_order++;
    s->reports++;
    s->last_done = p->done;
    s->last_work = p->work_done;
    s->last_total = p->work_total;
    snprintf(s->what, sizeof s->what, "%s", p->what);
}

/* Adds from many threads: every one counted, reports serialized (work never goes back). */
static void meter_is_thread_safe(void **state)
{
    (void)state;
    seen s = { 0 };
    work_meter m;
    enum { N = 20000 };
    work_meter_init(&m, record, &s, "cells", N, (double)N * (N + 1) / 2);
#pragma omp parallel for num_threads(4) schedule(dynamic, 7)
    for (long i = 1; i <= N; i++)
        work_meter_add(&m, 1, (double)i);
    assert_int_equal(s.reports, N);
    assert_int_equal(s.last_done, N);
    assert_int_equal(s.bad_order, 0);
    assert_true(s.last_work == (double)N * (N + 1) / 2);      /* integers: exact in any order */
    work_meter_unit(&m, "next", 3);
    work_meter_skip(&m, 2, 100.0);
    assert_true(m.p.work_total == (double)N * (N + 1) / 2 - 100.0);
    assert_int_equal(m.p.done, 2);
    assert_string_equal(m.p.what, "next");
}

/* An exact sweep of a closed-form engine (constant lr) and a stepped one (a schedule): each
 * cell reported once, the last report at all of the expected work; a stepped cell is expected
 * to cost max_steps / (targets log2(max_steps + 1)) closed-form cells. */
static void sweep_reports_weighted_cells(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nkind = sweep\nseed = 2\n[problem]\ntype = nqm\ndim = 20\n"
                          "[sweep]\nmode = exact\nbatch = 1, 16\nlr = 0.01, 0.1\ntarget = 0.1\n"
                          "max_steps = 1023\n[optimizer constant]\ntype = sgd\n"
                          "[optimizer cosine]\ntype = sgd\nschedule = cosine\n");
    problem *pb = tu_problem(c);
    sweep_result res;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/progress.journal", tu_tmpdir());
    assert_int_equal(sweep_result_alloc(&res, c), OD_OK);
    double closed = sweep_cell_work(c, pb, &res, 0), stepped = sweep_cell_work(c, pb, &res, 4);
    assert_true(closed == 20.0 * 1 * 10);
    assert_true(stepped == 20.0 * 1023);
    seen s = { 0 };
    sweep_run_opts so = { 2, path, 0, 0, 1, record, &s };
    assert_int_equal(sim_sweep(c, pb, &so, &res, err, sizeof err), OD_OK);
    assert_int_equal(s.reports, res.cells + 1);            /* the start, then every cell */
    assert_int_equal(s.last_done, res.cells);
    assert_int_equal(s.bad_order, 0);
    assert_true(s.last_work == s.last_total);
    assert_true(s.last_total == 4 * closed + 4 * stepped);
    assert_string_equal(s.what, "cells");
    sweep_result_free(&res);
    problem_free(pb);
    config_free(c);
}

/* A trajectory run: every optimizer's steps, the steps a diverging one skips leave the total. */
static void trajectory_reports_steps(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 1\n[problem]\ntype = quadratic\ndim = 3\n"
                          "[run]\nsteps = 5000\nrecord_every = 100\n"
                          "[optimizer ok]\ntype = sgd\nlr = 0.01\n"
                          "[optimizer blows]\ntype = sgd\nlr = 50\n");
    problem *pb = tu_problem(c);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/progress.h5", tu_tmpdir());
    rec *r = rec_create(path, NULL, err, sizeof err);
    assert_non_null(r);
    meta_write_root(r, c, NULL, 0);
    meta_write_problem(r, c, pb);
    seen s = { 0 };
    assert_int_equal(sim_run_trajectory(c, pb, r, record, &s), OD_OK);
    if (rec_commit(r, err, sizeof err) != OD_OK)
        fail_msg("%s", err);
    double step = work_of_step(pb, INFINITY);
    assert_true(s.last_work == s.last_total);
    assert_true(s.last_total < 2 * 5000 * step);           /* "blows" stopped early */
    assert_true(s.last_total >= 5000 * step + step);
    assert_true(s.reports >= 5000 / 1024 + 2);
    assert_string_equal(s.what, "blows");
    assert_int_equal(s.bad_order, 0);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eta_weights_work_not_units),
        cmocka_unit_test(meter_is_thread_safe),
        cmocka_unit_test(sweep_reports_weighted_cells),
        cmocka_unit_test(trajectory_reports_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
