/* tests/test_fused.c — the fused Monte Carlo step (sim/core/replicate_fused.c) against the unfused
 * step it replaces, the test oracle: x, dx, the state, the iterate average and the loss
 * accumulated in the same pass bit for bit. */
#include "testutil.h"
#include "../sim/core/replicate.h"
#include "../sim/core/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dimensions around the tile (512) and the vector widths, optimizer sections of several rules
 * with the run loop's extras (schedule, weight decay, iterate averaging). */
static const long dims[] = { 1, 3, 7, 511, 512, 513, 1025, 1501 };
static const char *const opts[] = {
    "type = sgd\nlr = 0.3",
    "type = momentum\nlr = 0.05\nmomentum = 0.9",
    "type = adam\nlr = 0.01",
    "type = adamw\nlr = 0.01\nweight_decay = 0.1",
    "type = sgd\nlr = 0.3\nema = 0.9\nschedule = cosine\nschedule_steps = 30\nwarmup = 5",
    "type = momentum\nlr = 0.05\nmomentum = 0.5\nweight_decay = 0.01\nema = 0.5",
};

static config *nqm(long dim, const char *opt, double B)
{
    char ini[512];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 11\n[problem]\ntype = nqm\ndim = %ld\n"
             "[run]\nsteps = 30\nbatch = %g\n[optimizer o]\n%s\n", dim, B, opt);
    return tu_config(ini);
}

/* 30 steps fused and unfused from the same seed and replicate; every buffer compared after each. */
static void fused_equals_unfused(void **unused)
{
    (void)unused;
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
        for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
            config *c = nqm(dims[d], opts[o], 4);
            problem *pb = tu_problem(c);
            size_t n = pb->n, ns = opt_state_len(c->opt[0].type, pb);
            replicate a, b;
            assert_int_equal(replicate_init(&a, pb, c->opt[0].type, &c->opt[0].p, 4, 11, 3), 0);
            assert_int_equal(replicate_init(&b, pb, c->opt[0].type, &c->opt[0].p, 4, 11, 3), 0);
            assert_true(a.fused);
            b.fused = 0;
            for (int t = 0; t < 30; t++) {
                assert_int_equal(replicate_step(&a), replicate_step(&b));
                assert_memory_equal(a.x, b.x, n * sizeof *a.x);
                assert_memory_equal(a.dx, b.dx, n * sizeof *a.dx);
                if (ns)
                    assert_memory_equal(a.st, b.st, ns * sizeof *a.st);
                if (a.xbar)
                    assert_memory_equal(a.xbar, b.xbar, n * sizeof *a.xbar);
                double la = replicate_loss(&a), lb = replicate_loss(&b);   /* fused: accumulated */
                assert_int_equal(a.loss_t, a.t);
                assert_memory_equal(&la, &lb, sizeof la);
            }
            replicate_free(&a);
            replicate_free(&b);
            problem_free(pb);
            config_free(c);
        }
}

/* The same on both kernel paths (they give the same normals, so the same runs), with each
 * generator ([experiment] rng; the fused step draws tile by tile with rng_normals_at). */
static void fused_equals_unfused_on_each_path(void **unused)
{
    const rng_path paths[] = { RNG_PATH_GENERIC, RNG_PATH_AVX2 };
    const rng_gen gens[] = { RNG_GEN_PHILOX, RNG_GEN_SPLITMIX };
    for (int g = 0; g < 2; g++) {
        rng_set_generator(gens[g]);
        for (int p = 0; p < 2; p++)
            if (rng_set_path(paths[p]))
                fused_equals_unfused(unused);
    }
    rng_set_generator(RNG_GEN_PHILOX);
    rng_set_path(RNG_PATH_AUTO);
}

/* Not fused where the step is not element-wise: clipping (a global norm), an exact gradient
 * (no draws), a rule without a slice (nesterov's look-ahead), a problem without grad_slice. */
static void fusion_only_where_it_applies(void **unused)
{
    (void)unused;
    struct { const char *opt; double batch; const char *problem; } cases[] = {
        { "type = sgd\nlr = 0.1\nclip_norm = 1", 4, NULL },
        { "type = sgd\nlr = 0.1", INFINITY, NULL },
        { "type = nesterov\nlr = 0.05", 4, NULL },
        { "type = sgd\nlr = 0.01", 4, "[problem]\ntype = quadratic\ndim = 8\nnoise = isotropic\nnoise_scale = 1\n" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        config *c;
        if (cases[k].problem) {
            char ini[512];
            snprintf(ini, sizeof ini, "[experiment]\nseed = 1\n%s[run]\nsteps = 3\nbatch = 4\n"
                     "[optimizer o]\n%s\n", cases[k].problem, cases[k].opt);
            c = tu_config(ini);
        } else {
            c = nqm(600, cases[k].opt, 4);
        }
        problem *pb = tu_problem(c);
        replicate r;
        assert_int_equal(replicate_init(&r, pb, c->opt[0].type, &c->opt[0].p, cases[k].batch, 1, 0), 0);
        assert_false(r.fused);
        replicate_free(&r);
        problem_free(pb);
        config_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fused_equals_unfused_on_each_path),
        cmocka_unit_test(fusion_only_where_it_applies),
    };
    return cmocka_run_group_tests_name("fused", tests, NULL, NULL);
}
