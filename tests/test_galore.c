/* tests/test_galore.c — GaLore's measured state (moments r/min(rows, cols) of Adam's on matrix blocks),
 * the fallback on vector blocks equal to Adam, and reproducible random sketches (issue 28 item 2). */
#include "testutil.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nonzero doubles of st[from, to). */
static size_t nonzero(const double *st, size_t from, size_t to)
{
    size_t k = 0;
    for (size_t i = from; i < to; i++)
        k += st[i] != 0.0;
    return k;
}

/* Runs optimizer o for `steps` steps with exact gradients from x0, keeping its state. */
static double *run_state(const cfg_optimizer *o, const problem *pb, long steps)
{
    size_t n = pb->n;
    double *st = opt_state_alloc(o->type, n, &o->p), *x = malloc(n * sizeof *x);
    double *dx = malloc(n * sizeof *dx);
    memcpy(x, pb->x0, n * sizeof *x);
    for (long t = 1; t <= steps; t++) {
        assert_int_equal(o->type->step(st, n, t, &o->p, x, pb, NULL, dx), OD_OK);
        for (size_t i = 0; i < n; i++)
            x[i] += dx[i];
    }
    free(x);
    free(dx);
    return st;
}

/* The moments GaLore holds on a 12 x 8 and a 6 x 10 block at rank 3, counted in its state after
 * 25 steps (two refreshes), against Adam's: the ratio is 3/8 and 3/6; the declared count agrees. */
static void state_is_rank_over_min(void **unused)
{
    (void)unused;
    const size_t shapes[2][2] = { { 12, 8 }, { 6, 10 } };
    for (int s = 0; s < 2; s++) {
        char ini[1024];
        size_t r = shapes[s][0], c = shapes[s][1], d = r < c ? r : c, e = r < c ? c : r;
        snprintf(ini, sizeof ini, "[experiment]\nseed = 3\n[problem]\ntype = matreg\nrows = %zu\n"
                 "cols = %zu\nrank = 2\nexamples = 100\ninit_scale = 1\n[run]\nsteps = 1\n"
                 "[optimizer g]\ntype = galore\nlr = 0.01\nrank = 3\nperiod = 10\n"
                 "[optimizer a]\ntype = adam\nlr = 0.01\n", r, c);
        config *cf = tu_config(ini);
        problem *pb = tu_problem(cf);
        size_t n = pb->n;
        double *sg = run_state(&cf->opt[0], pb, 25), *sa = run_state(&cf->opt[1], pb, 25);
        size_t mg = nonzero(sg, 0, 2 * n), basis = nonzero(sg, 2 * n, 3 * n);
        size_t ma = nonzero(sa, 0, 2 * n);
        printf("galore rank 3 on %zux%zu: moments %zu doubles, Adam %zu, ratio %.4f (r/min = %.4f); "
               "basis %zu; state_doubles %zu\n", r, c, mg, ma, (double)mg / (double)ma,
               3.0 / (double)d, basis, opt_state_doubles(cf->opt[0].type, &cf->opt[0].p, pb));
        assert_int_equal(mg, 2 * 3 * e);
        assert_int_equal(ma, 2 * n);
        assert_int_equal(mg * d, ma * 3);
        assert_int_equal(basis, 3 * d);
        assert_int_equal(opt_state_doubles(cf->opt[0].type, &cf->opt[0].p, pb), mg + basis);
        free(sg);
        free(sa);
        problem_free(pb);
        config_free(cf);
    }
}

/* On the MLP with biases the vector blocks b1, b2 take the fallback: Adam with the same betas. */
static void vector_blocks_take_adam(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nseed = 4\n[problem]\ntype = mlp\ninputs = 5\nhidden = 6\n"
                          "outputs = 3\nbias = yes\nexamples = 64\n[run]\nsteps = 1\n"
                          "[optimizer g]\ntype = galore\nlr = 0.01\nrank = 2\nperiod = 5\n"
                          "[optimizer a]\ntype = adam\nlr = 0.01\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    double *sg = run_state(&c->opt[0], pb, 1), *sa = run_state(&c->opt[1], pb, 1);
    /* after one step from the same x0 the moments of the vector blocks coincide with Adam's */
    for (size_t k = 0; k < problem_block_count(pb); k++) {
        size_t off;
        problem_block b = problem_block_at(pb, k, &off);
        if (b.cols)
            continue;
        for (size_t i = off; i < off + b.rows; i++) {
            assert_true(sg[i] == sa[i]);
            assert_true(sg[n + i] == sa[n + i]);
        }
    }
    free(sg);
    free(sa);
    problem_free(pb);
    config_free(c);
}

/* projection = random: the same sketch_seed gives the same iterates, another seed others; the
 * loss decreases. */
static void random_sketches_reproducible(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nseed = 5\n[problem]\ntype = matreg\nrows = 10\ncols = 7\n"
                          "rank = 3\nexamples = 100\ninit_scale = 1\n[run]\nsteps = 1\n"
                          "[optimizer r1]\ntype = galore\nlr = 0.02\nrank = 2\nperiod = 5\n"
                          "projection = random\n"
                          "[optimizer r1b]\ntype = galore\nlr = 0.02\nrank = 2\nperiod = 5\n"
                          "projection = random\n"
                          "[optimizer r2]\ntype = galore\nlr = 0.02\nrank = 2\nperiod = 5\n"
                          "projection = random\nsketch_seed = 2\n");
    problem *pb = tu_problem(c);
    double x1[70], x1b[70], x2[70];
    tu_iterate(c, pb, &c->opt[0], INFINITY, 40, x1);
    tu_iterate(c, pb, &c->opt[1], INFINITY, 40, x1b);
    tu_iterate(c, pb, &c->opt[2], INFINITY, 40, x2);
    assert_memory_equal(x1, x1b, sizeof x1);
    assert_memory_not_equal(x1, x2, sizeof x1);
    assert_true(pb->type->loss(pb, x1) < pb->type->loss(pb, pb->x0));
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_is_rank_over_min),
        cmocka_unit_test(vector_blocks_take_adam),
        cmocka_unit_test(random_sketches_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
