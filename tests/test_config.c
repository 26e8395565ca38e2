/* tests/test_config.c — the experiment-file interpreter: a catalogue of malformed files, each
 * rejected with OD_EINPUT and a message naming the line and key; defaults; --set overrides; one
 * rule for tiny (subnormal) and overflowing numbers in every real-valued key of every registry. */
#include "testutil.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"
#include "../sim/kinds/kind.h"
#include "../sim/kinds/run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RUN "[run]\nsteps = 10\n"
#define PROB "[problem]\ntype = nqm\ndim = 5\n"
#define OPT "[optimizer a]\ntype = adam\nlr = 0.01\n"
#define SOPT "[optimizer a]\ntype = sgd\n"   /* in sweeps lr is an axis */

typedef struct bad_case {
    const char *ini;
    const char *expect[3];    /* substrings the message must contain */
} bad_case;

static const bad_case bad[] = {
    { PROB RUN OPT "[optimizer b]\ntype = sgd\nlr = 0.1\nlrr = 3\n", { ":12:", "lrr", "expected one of" } },
    { PROB RUN "[optimizer a]\ntype = nosuchrule\nlr = 0.1\n", { ":7:", "type", "nosuchrule" } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = -0.1\n", { ":8:", "lr", "(0, " } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = nan\n", { ":8:", "lr", "'nan'" } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = inf\n", { "lr", "finite" } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = 0.1x\n", { "lr", "'0.1x'" } },
    { PROB RUN "[optimizer a]\ntype = sgd\n", { "[optimizer a]", "missing required key 'lr'" } },
    { PROB RUN "[optimizer a]\nlr = 0.1\n", { "[optimizer a]", "missing required key 'type'" } },
    { PROB "[run]\nsteps = 10\nbatch = 0\n" OPT, { ":6:", "batch", "[1, inf]" } },
    { "[problem]\ntype = nqm\ndim = 0\n" RUN OPT, { ":3:", "dim" } },
    { RUN OPT, { "missing section [problem]" } },
    { PROB OPT, { "missing section [run]" } },
    { PROB RUN, { "no [optimizer NAME] section" } },
    { PROB "[run]\nsteps = 10\nsteps = 20\n" OPT, { ":6:", "steps", "given twice (first at line 5)" } },
    { PROB RUN OPT "[optimizer a]\ntype = sgd\nlr = 0.1\n", { ":9:", "repeated (first at line 6)" } },
    { PROB RUN OPT "[optimiser b]\ntype = sgd\n", { ":9:", "unknown section", "[optimiser b]" } },
    { PROB RUN "[optimizer a/b]\ntype = sgd\nlr = 0.1\n", { ":6:", "a/b", "NAME made of" } },
    { PROB RUN "[optimizer sgd_with_a_name_of_forty_one_characters_x]\ntype = sgd\nlr = 0.1\n",
      { ":6:", "longer than 49 characters" } },
    { PROB RUN "[optimizer a]\ntype = momentum\nlr = 0.1\nmomentum = 1\n", { ":9:", "momentum", "[0, 1)" } },
    { PROB RUN "[optimizer a]\ntype = adam\nlr = 0.1\nbeta2 = 1.5\n", { "beta2" } },
    { PROB RUN "[optimizer a]\ntype = adam\nlr = 0.1\neps = -1e-8\n", { "eps" } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = 0.1\nmomentum = 0.9\n", { ":9:", "momentum", "unknown key" } },
    { "[problem]\ntype = nqm\ndim = 5\nx0 = 1, 2\n" RUN OPT, { ":4:", "x0", "expected 5 numbers" } },
    { "[problem]\ntype = nqm\ndim = 5\ncond = 10\n" RUN OPT, { ":4:", "cond", "unknown key" } },
    { "[problem]\ntype = linreg\nexamples = 100\n" "[run]\nsteps = 10\nbatch = 200\n" OPT,
      { "batch", "examples = 100" } },
    { "[problem]\ntype = linreg\n" "[run]\nsteps = 10\nbatch = 2.5\n" OPT, { "batch", "integer" } },
    { "[problem]\ntype = beale\ndim = 3\n" RUN OPT, { ":3:", "dim", "[2, 2]" } },
    { "[problem]\ntype = quadratic\ndim = 3\neigenvalues = 1, 0, 2\n" RUN OPT, { "eigenvalues" } },
    { "[problem]\ntype = quadratic\ndim = 3\neigenvalues = 1, 2\n" RUN OPT, { "eigenvalues", "expected 3" } },
    { "[problem]\ntype = quadratic\nnoise = loud\n" RUN OPT, { ":3:", "noise", "none isotropic hessian" } },
    { "[experiment]\nkind = onestep\n" PROB RUN OPT, { ":6:", "[run]", "not used by kind = onestep" } },
    { "[experiment]\nkind = onestep\n" PROB "[onestep]\nbatch = 1, 2\n[optimizer a]\ntype = sgd\nlr = 0.1\n", { ":10:", "lr", "measures the optimal lr" } },
    { "[experiment]\nkind = onestep\n" PROB "[onestep]\nbatch = 0.5\n[optimizer a]\ntype = sgd\n", { ":7:", "batch", "[1, inf)" } },
    { "[experiment]\nkind = flow\n" PROB "[optimizer a]\ntype = signsgd\nlr = 0.1\n[flow]\nlr = 0.1\ntime = 1\n", { ":7:", "[optimizer a] type", "no continuous-time limit" } },
    { "[experiment]\nkind = flow\n" PROB "[optimizer a]\ntype = sgd\nlr = 0.1\n[flow]\nlr = 0.1\ntime = 1\nlimits = gradient, sbc\n", { "[flow] limits", "no optimizer", "'sbc'" } },
    { "[experiment]\nkind = flow\n" PROB "[optimizer a]\ntype = sgd\nlr = 0.1\n[optimizer b]\ntype = adam\nlr = 0.1\n[flow]\nlr = 0.1\ntime = 1\nlimits = gradient\n", { "[flow] limits", "none of the limits", "'b'" } },
    { "[experiment]\nkind = flow\n" PROB "[optimizer a]\ntype = sgd\nlr = 0.1\n[flow]\nlr = 0.1\ntime = 1\nintegrator = bdf\n", { "integrator", "rk8pd msbdf" } },
    { "[experiment]\nkind = flow\n" PROB SOPT "lr = 0.1\n[flow]\nlr = 0.1\n", { "[flow]", "missing required key 'time'" } },
    { "[experiment]\nkind = sweep\n" PROB RUN OPT, { ":6:", "[run]", "not used by kind = sweep" } },
    { PROB RUN OPT "[sweep]\nlr = 1\n", { ":9:", "[sweep]", "not used by kind = trajectory" } },
    { "[experiment]\nkind = sweep\n" PROB OPT "[sweep]\nbatch = pow2(0,3)\ntarget = 0.1\n", { "[sweep]", "missing required key 'lr'" } },
    { "[experiment]\nkind = sweep\n" PROB OPT "[sweep]\nbatch = pow2(0,x)\nlr = 1\ntarget = 0.1\n", { ":10:", "batch", "expected a grid" } },
    { "[experiment]\nkind = sweep\n" PROB OPT "[sweep]\nbatch = 0.5, 2\nlr = 1\ntarget = 0.1\n", { ":10:", "batch" } },
    { "[experiment]\nkind = sweep\n" PROB OPT "[sweep]\nbatch = 1\nlr = logspace(-3,0,0)\ntarget = 0.1\n", { ":11:", "lr" } },
    { "[experiment]\nkind = sweep\n" PROB "[optimizer a]\ntype = adam\n[sweep]\nbatch = 1\nlr = 1\ntarget = 0.1\nmode = exact\n", { ":7:", "[optimizer a] type", "exact supports" } },
    { "[experiment]\nkind = sweep\n" PROB OPT "[sweep]\nbatch = 1\nlr = 1\ntarget = 0.1\n", { ":8:", "[optimizer a] lr", "swept" } },
    { "[experiment]\nkind = sweep\n[problem]\ntype = linreg\n" SOPT "[sweep]\nbatch = 1\nlr = 1\ntarget = 0.1\nmode = exact\n", { ":4:", "type", "nqm" } },
    { "[experiment]\nkind = sweep\n[problem]\ntype = linreg\nexamples = 100\n" SOPT "[sweep]\nbatch = 10, 1000\nlr = 1\ntarget = 0.1\n", { "batch", "examples = 100" } },
    { "[experiment]\nkind = trajectories\n" PROB RUN OPT, { ":2:", "kind" } },
    { "[experiment]\nseed = -1\n" PROB RUN OPT, { ":2:", "seed" } },
    { "[experiment]\nseed = 1.5\n" PROB RUN OPT, { ":2:", "seed", "integer" } },
    { "[experiment]\nseed = 3\nrng = xorshift\n" PROB RUN OPT, { ":3:", "rng", "philox splitmix" } },
    { PROB "[run]\nsteps = 10\nrecord_every = 0\n" OPT, { ":6:", "record_every" } },
    { PROB "[run]\nsteps = 10\nlandscape = 0, 1, 0, 1\n" OPT, { "landscape", "2-D" } },
    { "steps = 10\n" PROB RUN OPT, { ":1:", "outside any [section]" } },
    { PROB RUN OPT "this line has no equals sign\n", { ":9:", "syntax error" } },
    { PROB RUN "[optimizer a]\ntype = sgd\nlr = 0.1\n[optimizer a ]\ntype = sgd\n", { ":9:", "got 'a '" } },
};

static const bad_case bad_sweeps[] = {
    { "[experiment]\nkind = sweep\n" PROB "[optimizer m]\ntype = momentum\nmomentum = 0.9\n"
      "[sweep]\nbatch = 1\nlr = 1\nmomentum = 0.5, 0.9\ntarget = 0.1\n", { ":8:", "momentum", "swept" } },
    { "[experiment]\nkind = sweep\n" PROB SOPT "[sweep]\nbatch = 1\nlr = 1\nmomentum = 0.5\ntarget = 0.1\n",
      { "[sweep]", "momentum", "no optimizer has a momentum key" } },
    { "[experiment]\nkind = sweep\n" PROB SOPT "[sweep]\nbatch = 1\nlr = 1\nmomentum = 1 - logspace(-3,0.5,4)\ntarget = 0.1\n",
      { "momentum", "[0, 1)" } },
};

/* Several swept keys: [sweep] at line 10, its own keys from line 14 on. */
#define KEYS_HEAD "[experiment]\nkind = sweep\n" PROB "[optimizer a]\ntype = adam\n" \
    "[optimizer m]\ntype = momentum\n[sweep]\nbatch = 1\nlr = 1\ntarget = 0.1\n"
#define LONG_NAME "abcdefghijklmnopqrstuvwxyzabcdefghijklm"   /* 39: inih keeps 49 of a section */

static const bad_case bad_keys[] = {
    { KEYS_HEAD "axis = beta2, beta2\nvalues = 0.9\nvalues2 = 0.99\n", { ":14:", "axis", "listed twice" } },
    { KEYS_HEAD "axis = beta2, beta1\nvalues = 0.9\n", { ":10: [sweep] values2", "expected values2 = the grid of beta1" } },
    { KEYS_HEAD "axis = beta2\nvalues = 0.9\nvalues2 = 0.5\n", { ":16:", "values2", "axis lists 1 key (beta2)" } },
    { KEYS_HEAD "axis = beta2, beta1\nvalues2 = 0.5\n", { "values", "go together" } },
    { KEYS_HEAD "axis = beta2, nosuch\nvalues = 0.9\nvalues2 = 1\n", { ":14:", "axis", "no optimizer has a real-valued key 'nosuch'" } },
    { KEYS_HEAD "axis = beta2, beta1\nvalues = 0.9\nvalues2 = 0.5, 1.5\n", { ":16:", "values2", "beta1 of [optimizer a]" } },
    { KEYS_HEAD "momentum = 0.5, 1\naxis = beta2\nvalues = 0.9\n", { ":14:", "momentum", "[0, 1)" } },
    { KEYS_HEAD "axis = beta2, lr\nvalues = 0.9\nvalues2 = 1\n", { ":14:", "axis", "[sweep] key of its own" } },
    { KEYS_HEAD "momentum = 0.5\naxis = momentum\nvalues = 0.9\n", { ":15:", "axis", "[sweep] key of its own" } },
    { KEYS_HEAD "axis = beta2, beta1, eps, weight_decay\nvalues = 0.9\n", { ":14:", "axis", "at most 3 keys" } },
    { KEYS_HEAD "axis = beta2,, beta1\nvalues = 0.9\n", { ":14:", "axis", "separated by commas" } },
    { KEYS_HEAD "axis = beta2 beta1\nvalues = 0.9\n", { ":14:", "axis", "separated by commas" } },
    { KEYS_HEAD "axis = beta2, beta1\nvalues = 0.9, 0.9000001\nvalues2 = 0.5\n", { ":15:", "values", "distinct in 6 significant digits" } },
    { KEYS_HEAD "momentum = 0.5, 0.5\n", { ":14:", "momentum", "distinct" } },
    { "[experiment]\nkind = sweep\n" PROB "[optimizer a]\ntype = adam\nbeta1 = 0.5\n[sweep]\nbatch = 1\n"
      "lr = 1\ntarget = 0.1\naxis = beta2, beta1\nvalues = 0.9\nvalues2 = 0.5\n", { ":8:", "beta1", "swept by [sweep] axis" } },
    /* the checks of each optimizer apply to each variant */
    { KEYS_HEAD "axis = lr_ratio\nvalues = 1, 4\n", { ":6: [optimizer a] lr_ratio", "1 parameter block", "variant a@lr_ratio=4" } },
    { "[experiment]\nkind = sweep\n" PROB SOPT "[sweep]\nmode = exact\nbatch = 1\nlr = 1\ntarget = 0.1\n"
      "axis = clip_norm\nvalues = 1\n", { ":6: [optimizer a] clip_norm", "clipping", "variant a@clip_norm=1 " } },
    { "[experiment]\nkind = sweep\n" PROB "[optimizer " LONG_NAME "]\ntype = adam\n[sweep]\nbatch = 1\n"
      "lr = 1\ntarget = 0.1\naxis = final_fraction, weight_decay, beta2\nvalues = 0.0000123457\n"
      "values2 = 0.0000123457\nvalues3 = 0.123457\n", { ":12:", "axis", "would have 106 characters" } },
};

/* momentum and axis = beta2, weight_decay: the momentum optimizer varies over momentum x
 * weight_decay, adam over beta2 x weight_decay, the last key fastest, each variant with its keys
 * set and named by them; a one-key optimizer name stays NAME@KEY=VALUE. */
static void several_swept_keys(void **unused)
{
    (void)unused;
    config *c = tu_config(KEYS_HEAD "momentum = 0.5, 0.9\naxis = beta2, weight_decay\n"
                          "values = 0.9, 0.99, 0.999\nvalues2 = 0, 0.01\n");
    assert_int_equal(c->nopt, 3 * 2 + 2 * 2);
    assert_string_equal(c->opt[0].name, "a@beta2=0.9,weight_decay=0");
    assert_string_equal(c->opt[3].name, "a@beta2=0.99,weight_decay=0.01");
    assert_string_equal(c->opt[5].name, "a@beta2=0.999,weight_decay=0.01");
    assert_string_equal(c->opt[7].name, "m@mu=0.5,weight_decay=0.01");
    assert_string_equal(c->opt[8].name, "m@mu=0.9,weight_decay=0");
    for (size_t o = 0; o < c->nopt; o++)
        assert_string_equal(c->opt[o].section, o < 6 ? "a" : "m");
    const param_spec *a = c->opt[3].type->params, *m = c->opt[8].type->params;
    assert_true(param_get(a, &c->opt[3].p, "beta2", 0) == 0.99 &&
                c->opt[3].p.train.weight_decay == 0.01);
    assert_true(param_get(m, &c->opt[8].p, "momentum", 0) == 0.9 &&
                c->opt[8].p.train.weight_decay == 0);
    config_free(c);
    c = tu_config(KEYS_HEAD "axis = beta2, weight_decay\nvalues = 0.9\nvalues2 = 0.5\n");
    assert_string_equal(c->opt[1].name, "m@weight_decay=0.5");
    config_free(c);
    c = tu_config(KEYS_HEAD "momentum = 0.5\n");
    assert_int_equal(c->nopt, 2);
    assert_string_equal(c->opt[0].name, "a");
    assert_string_equal(c->opt[1].name, "m@mu=0.5");
    config_free(c);
}

static void bad_files_are_rejected_with_location(void **unused)
{
    (void)unused;
    const bad_case *tables[] = { bad, bad_sweeps, bad_keys };
    size_t sizes[] = { sizeof bad / sizeof bad[0], sizeof bad_sweeps / sizeof bad_sweeps[0],
                       sizeof bad_keys / sizeof bad_keys[0] };
    for (int t = 0; t < 3; t++)
        for (size_t k = 0; k < sizes[t]; k++) {
            const bad_case *b = &tables[t][k];
            char err[4096] = "";
            int status = tu_config_status(b->ini, err, sizeof err);
            if (status != OD_EINPUT)
                fail_msg("table %d case %zu accepted (status %d):\n%s", t, k, status, b->ini);
            for (int j = 0; j < 3 && b->expect[j]; j++)
                if (!strstr(err, b->expect[j]))
                    fail_msg("table %d case %zu: message lacks '%s':\n  %s", t, k, b->expect[j], err);
        }
}

static void defaults_are_filled(void **unused)
{
    (void)unused;
    config *c = tu_config(PROB RUN OPT "[optimizer r]\ntype = rmsprop\nlr = 0.5\n");
    assert_string_equal(config_kind_name(c), "trajectory");
    assert_int_equal(c->exp.seed, 1);
    assert_int_equal(c->exp.rng, RNG_GEN_PHILOX);
    assert_true(isinf(run_params_of(c)->batch));
    assert_int_equal(run_params_of(c)->record_every, 1);
    assert_int_equal(c->nopt, 2);
    assert_string_equal(c->opt[0].name, "a");
    const param_spec *a = c->opt[0].type->params, *r = c->opt[1].type->params;
    assert_true(param_get(a, &c->opt[0].p, "beta1", 0) == 0.9 &&
                param_get(a, &c->opt[0].p, "beta2", 0) == 0.999 &&
                param_get(a, &c->opt[0].p, "eps", 0) == 1e-8);
    assert_true(param_get(r, &c->opt[1].p, "alpha", 0) == 0.99);
    assert_true(param_get(problem_types[c->problem.type]->params, &c->problem, "hessian_power", 0) == 1.0 &&
                c->problem.dim == 5);
    assert_null(strchr(c->exp.output, '/'));         /* the default lands in the current folder */
    config_free(c);
}

static void set_overrides_and_adds(void **unused)
{
    (void)unused;
    char path[256], err[2048];
    snprintf(path, sizeof path, "%s/set.ini", tu_tmpdir());
    FILE *f = fopen(path, "w");
    fputs(PROB RUN OPT, f);
    fclose(f);
    const char *sets[] = { "run.steps=77", "optimizer a.lr=0.125", "optimizer s.type=sgd",
                           "optimizer s.lr=2", "run.batch=inf" };
    config *c = NULL;
    assert_int_equal(config_load(path, sets, 5, &c, err, sizeof err), OD_OK);
    assert_int_equal(run_params_of(c)->steps, 77);
    assert_true(c->opt[0].p.lr == 0.125);
    assert_int_equal(c->nopt, 2);
    assert_string_equal(c->opt[1].type->name, "sgd");
    config_free(c);
    const char *bad_set[] = { "optimizer a.lr=-2" };
    assert_int_equal(config_load(path, bad_set, 1, &c, err, sizeof err), OD_EINPUT);
    assert_non_null(strstr(err, "--set optimizer a.lr"));
    const char *malformed[] = { "steps=3" };
    assert_int_equal(config_load(path, malformed, 1, &c, err, sizeof err), OD_EINPUT);
    assert_non_null(strstr(err, "section.key=value"));
    assert_null(c);
}

/* Every numeric key (REAL, INT, LIST, GRID) of every problem, optimizer and kind refuses a
 * subnormal value, one that rounds to 0 and one that overflows, each with a message that says
 * why (not "expected a number in [0, 10]"), and leaves the target unchanged. */
static void tiny_and_huge_numbers_refused_everywhere(void **unused)
{
    (void)unused;
    static const char *const texts[] = { "1e-320", "4.9e-324", "-1e-310", "1e-400", "1e400" };
    static const char *const grid_texts[] = { "logspace(-330, -320, 2)", "0.5, 2e-315" };
    const param_spec *tables[256];
    size_t nt = 0;
    for (size_t i = 0; problem_types[i]; i++)
        tables[nt++] = problem_types[i]->params;
    for (size_t i = 0; opt_types[i]; i++)
        tables[nt++] = opt_types[i]->params;
    for (size_t i = 0; kind_types[i]; i++)
        tables[nt++] = kind_types[i]->specs;
    size_t checked = 0;
    static char block[1 << 17];       /* more than any params struct (sweep_params: ~78 KB) */
    for (size_t t = 0; t < nt; t++)
        for (const param_spec *s = tables[t]; s->key; s++) {
            if (s->kind == PARAM_CHOICE || s->kind == PARAM_STRING)
                continue;
            assert_true(s->offset + sizeof(param_list) <= sizeof block);
            for (size_t k = 0; k < sizeof texts / sizeof *texts + 2; k++) {
                const char *text = k < 5 ? texts[k] : grid_texts[k - 5];
                if (k >= 5 && s->kind != PARAM_GRID)
                    continue;
                char why[1024] = "";
                memset(block, 0x5a, sizeof block);
                assert_int_equal(param_set(s, block, text, why, sizeof why), OD_EINPUT);
                if (!strstr(why, "too small") && !strstr(why, "too large") &&
                    !strstr(why, "overflows"))
                    fail_msg("%s = %s: %s", s->key, text, why);
                assert_int_equal((unsigned char)block[s->offset], 0x5a);
                checked++;
            }
        }
    assert_true(checked > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_files_are_rejected_with_location),
        cmocka_unit_test(several_swept_keys),
        cmocka_unit_test(defaults_are_filled),
        cmocka_unit_test(set_overrides_and_adds),
        cmocka_unit_test(tiny_and_huge_numbers_refused_everywhere),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
