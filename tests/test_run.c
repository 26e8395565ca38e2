/* tests/test_run.c — the trajectory run loop end to end through the recorder: reruns are
 * bit-identical, optimizers share noise draws, divergence is recorded as data, recording cadence,
 * noise-scale probes leave the run untouched, a schedule's lr column, and crash safety of the
 * .partial file. */
#include "testutil.h"
#include "../sim/output/meta.h"
#include "../sim/output/rec.h"
#include "../sim/kinds/run.h"
#include "../sim/core/status.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run ini into path (committed). */
static void run_to(const char *ini, const char *path)
{
    char err[1024];
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    rec *r = rec_create(path, NULL, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    meta_write_root(r, c, NULL, 0);
    meta_write_problem(r, c, pb);
    assert_int_equal(sim_run_trajectory(c, pb, r, NULL, NULL), OD_OK);
    assert_int_equal(rec_commit(r, err, sizeof err), OD_OK);
    problem_free(pb);
    config_free(c);
}

/* A whole dataset as doubles (caller frees); *len = number of values. */
static double *read_all(const char *path, const char *dset, size_t *len)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hsize_t dims[2] = { 0, 1 };
    int rank;
    assert_true(H5LTget_dataset_ndims(f, dset, &rank) >= 0);
    assert_true(H5LTget_dataset_info(f, dset, dims, NULL, NULL) >= 0);
    *len = (size_t)dims[0] * (rank > 1 ? (size_t)dims[1] : 1);
    double *v = malloc((*len + 1) * sizeof *v);
    assert_true(H5LTread_dataset_double(f, dset, v) >= 0);
    H5Fclose(f);
    return v;
}

static long read_attr_long(const char *path, const char *obj, const char *name)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    long v = -99;
    assert_true(H5LTget_attribute_long(f, obj, name, &v) >= 0);
    H5Fclose(f);
    return v;
}

static void assert_same_dataset(const char *f1, const char *d1, const char *f2, const char *d2)
{
    size_t n1, n2;
    double *a = read_all(f1, d1, &n1), *b = read_all(f2, d2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1 * sizeof *a);
    free(a);
    free(b);
}

static const char noisy_ini[] =
    "[experiment]\nseed = 42\n[problem]\ntype = nqm\ndim = 30\n[run]\nsteps = 300\nbatch = 4\n"
    "record_every = 7\n"
    "[optimizer sgd]\ntype = sgd\nlr = 0.4\n"
    "[optimizer sgd_again]\ntype = sgd\nlr = 0.4\n"
    "[optimizer heavy0]\ntype = momentum\nlr = 0.4\nmomentum = 0\n"
    "[optimizer adam]\ntype = adam\nlr = 0.01\n";

static void reruns_are_bit_identical(void **unused)
{
    (void)unused;
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/run1.h5", tu_tmpdir());
    snprintf(p2, sizeof p2, "%s/run2.h5", tu_tmpdir());
    run_to(noisy_ini, p1);
    run_to(noisy_ini, p2);
    const char *names[] = { "sgd", "adam" }, *cols[] = { "step", "loss", "grad_norm", "lr", "x" };
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 5; k++) {
            char d[128];
            snprintf(d, sizeof d, "/trajectory/%s/%s", names[i], cols[k]);
            assert_same_dataset(p1, d, p2, d);
        }
    assert_same_dataset(p1, "/problem/x0", p2, "/problem/x0");
}

static void optimizers_share_noise(void **unused)
{
    (void)unused;
    char p[256];
    snprintf(p, sizeof p, "%s/crn.h5", tu_tmpdir());
    run_to(noisy_ini, p);
    /* same rule under another name, and heavy ball with mu = 0, see the same draws */
    assert_same_dataset(p, "/trajectory/sgd/x", p, "/trajectory/sgd_again/x");
    assert_same_dataset(p, "/trajectory/sgd/x", p, "/trajectory/heavy0/x");
    /* and the noise is real: a different seed changes the trajectory */
    char p2[256], ini[2048];
    snprintf(p2, sizeof p2, "%s/crn2.h5", tu_tmpdir());
    snprintf(ini, sizeof ini, "%s", noisy_ini);
    memcpy(strstr(ini, "seed = 42"), "seed = 43", 9);
    run_to(ini, p2);
    size_t n1, n2;
    double *a = read_all(p, "/trajectory/sgd/loss", &n1), *b = read_all(p2, "/trajectory/sgd/loss", &n2);
    assert_int_equal(n1, n2);
    assert_true(memcmp(a, b, n1 * sizeof *a) != 0);
    free(a);
    free(b);
    /* minibatch sampling: every optimizer gets the same batches too */
    snprintf(ini, sizeof ini, "[problem]\ntype = logreg\nexamples = 103\n[run]\nsteps = 60\nbatch = 9\n"
             "[optimizer a]\ntype = sgd\nlr = 0.2\n[optimizer b]\ntype = nesterov\nlr = 0.2\nmomentum = 0\n");
    run_to(ini, p2);
    assert_same_dataset(p2, "/trajectory/a/x", p2, "/trajectory/b/x");
}

/* [run] noise_scale_every draws its own batches (RNG_PROBE): the trajectory is bit-identical with
 * and without probes; probes come at step 0 and every k-th step, the same for every optimizer. */
static void noise_probe_leaves_run_untouched(void **unused)
{
    (void)unused;
    const char *base = "[experiment]\nseed = 4\n[problem]\ntype = linreg\ndim = 6\nexamples = 120\n"
                       "[run]\nsteps = 50\nbatch = 8\nrecord_every = 3\n%s"
                       "[optimizer sgd]\ntype = sgd\nlr = 0.05\n"
                       "[optimizer sgd_again]\ntype = sgd\nlr = 0.05\n";
    char p1[256], p2[256], ini[1024];
    snprintf(p1, sizeof p1, "%s/probe0.h5", tu_tmpdir());
    snprintf(p2, sizeof p2, "%s/probe1.h5", tu_tmpdir());
    snprintf(ini, sizeof ini, base, "");
    run_to(ini, p1);
    snprintf(ini, sizeof ini, base, "noise_scale_every = 7\nnoise_scale_batches = 4, 40\n");
    run_to(ini, p2);
    assert_same_dataset(p1, "/trajectory/sgd/x", p2, "/trajectory/sgd/x");
    assert_same_dataset(p1, "/trajectory/sgd/loss", p2, "/trajectory/sgd/loss");
    assert_same_dataset(p2, "/trajectory/sgd/noise_scale/B_simple_est", p2,
                        "/trajectory/sgd_again/noise_scale/B_simple_est");
    size_t n;
    double *step = read_all(p2, "/trajectory/sgd/noise_scale/step", &n);
    assert_int_equal(n, 8);                 /* 0, 7, ..., 49 */
    for (size_t i = 0; i < n; i++)
        assert_true(step[i] == 7.0 * (double)i);
    free(step);
}

static void recording_cadence(void **unused)
{
    (void)unused;
    char p[256];
    snprintf(p, sizeof p, "%s/cadence.h5", tu_tmpdir());
    run_to(noisy_ini, p);
    size_t n;
    double *step = read_all(p, "/trajectory/adam/step", &n);
    /* 0, 7, 14, ..., 294, then the last step 300 */
    assert_int_equal(n, 1 + 300 / 7 + 1);
    for (size_t i = 0; i + 1 < n; i++)
        assert_true(step[i] == 7.0 * (double)i);
    assert_true(step[n - 1] == 300.0);
    free(step);
    size_t nx;
    double *x = read_all(p, "/trajectory/adam/x", &nx);
    assert_int_equal(nx, n * 30);
    free(x);
    assert_int_equal(read_attr_long(p, "/trajectory/adam", "diverged_at"), -1);
    assert_int_equal(read_attr_long(p, "/trajectory/adam", "steps_done"), 300);
}

/* loss_expected: without noise it is the run's own loss (an explicit x0: nothing random); with
 * noise it equals the loss at step 0 and then follows the mean of many runs (test_gaussreg,
 * test_sweep check the engines); optimizers no engine covers get no column. */
static void expected_loss_column(void **unused)
{
    (void)unused;
    char p[256];
    snprintf(p, sizeof p, "%s/expected.h5", tu_tmpdir());
    run_to("[experiment]\nseed = 2\n[problem]\ntype = nqm\ndim = 50\nx0 = 1\n[optimizer sgd]\n"
           "type = sgd\nlr = 0.5\n[optimizer hb]\ntype = momentum\nlr = 0.3\nmomentum = 0.6\n"
           "[optimizer adam]\ntype = adam\nlr = 0.01\n[run]\nsteps = 40\nbatch = inf\n", p);
    for (int k = 0; k < 2; k++) {
        char d1[64], d2[64];
        size_t n1, n2;
        snprintf(d1, sizeof d1, "/trajectory/%s/loss", k ? "hb" : "sgd");
        snprintf(d2, sizeof d2, "/trajectory/%s/loss_expected", k ? "hb" : "sgd");
        double *a = read_all(p, d1, &n1), *b = read_all(p, d2, &n2);
        assert_int_equal(n1, n2);
        for (size_t i = 0; i < n1; i++)
            assert_true(fabs(a[i] - b[i]) <= 1e-12 * fabs(a[i]) + 1e-300);
        free(a), free(b);
    }
    hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Lexists(f, "/trajectory/adam/loss", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(f, "/trajectory/adam/loss_expected", H5P_DEFAULT) == 0);
    H5Fclose(f);
    snprintf(p, sizeof p, "%s/expected-noisy.h5", tu_tmpdir());
    run_to("[experiment]\nseed = 2\n[problem]\ntype = gaussreg\ndim = 20\nlabel_noise = 0.2\n"
           "[optimizer sgd]\ntype = sgd\nlr = 0.3\n[run]\nsteps = 10\nbatch = 2\n", p);
    size_t n1, n2;
    double *a = read_all(p, "/trajectory/sgd/loss", &n1);
    double *b = read_all(p, "/trajectory/sgd/loss_expected", &n2);
    assert_true(n1 == n2 && a[0] == b[0] && a[n1 - 1] != b[n1 - 1] && b[n1 - 1] < b[0]);
    free(a), free(b);
}

static void divergence_is_data(void **unused)
{
    (void)unused;
    char p[256];
    snprintf(p, sizeof p, "%s/diverge.h5", tu_tmpdir());
    /* lr*lambda = 2.2 > 2: |x| grows by 1.2 per step; loss passes 1e6 x initial near step 38 */
    run_to("[problem]\ntype = quadratic\ndim = 2\neigenvalues = 1, 0.5\nrotate = no\nx0 = 1, 1\n"
           "[run]\nsteps = 1000\nrecord_every = 100\n"
           "[optimizer bad]\ntype = sgd\nlr = 2.2\n[optimizer good]\ntype = sgd\nlr = 0.5\n", p);
    long at = read_attr_long(p, "/trajectory/bad", "diverged_at");
    /* loss_k ~ 0.5 * 1.44^k against 1e6 * loss_0 = 7.5e5: crosses at k = ln(1.5e6)/ln(1.44) = 39 */
    assert_true(at >= 37 && at <= 41);
    assert_int_equal(read_attr_long(p, "/trajectory/bad", "steps_done"), at);
    size_t n;
    double *step = read_all(p, "/trajectory/bad/step", &n);
    assert_int_equal(n, 2);                     /* step 0 and the divergence step */
    assert_true(step[1] == (double)at);
    free(step);
    assert_int_equal(read_attr_long(p, "/trajectory/good", "diverged_at"), -1);
}

/* Finite data with record_every > 1: the loss is evaluated only at recorded steps, so a run
 * diverges at the first recorded step past the limit (or where x stops being finite): between
 * the exact step (record_every = 1) and the next multiple of record_every; the recorded rows of
 * a run that does not diverge are unchanged. */
static void sparse_loss_on_finite_data(void **unused)
{
    (void)unused;
    char p1[256], p7[256];
    const char *ini = "[experiment]\nseed = 5\n[problem]\ntype = linreg\ndim = 6\nexamples = 64\n"
                      "[run]\nsteps = 700\nbatch = 8\nrecord_every = %d\n"
                      "[optimizer bad]\ntype = sgd\nlr = 1.5\n[optimizer good]\ntype = sgd\n"
                      "lr = 0.05\n";
    char buf[512];
    snprintf(p1, sizeof p1, "%s/sparse1.h5", tu_tmpdir());
    snprintf(p7, sizeof p7, "%s/sparse7.h5", tu_tmpdir());
    snprintf(buf, sizeof buf, ini, 1);
    run_to(buf, p1);
    snprintf(buf, sizeof buf, ini, 7);
    run_to(buf, p7);
    long a1 = read_attr_long(p1, "/trajectory/bad", "diverged_at");
    long a7 = read_attr_long(p7, "/trajectory/bad", "diverged_at");
    if (!(a1 > 0 && a7 >= a1 && a7 <= (a1 + 6) / 7 * 7))
        fail_msg("diverged at %ld (every step) and %ld (record_every 7)", a1, a7);
    size_t n1, n7;
    double *l1 = read_all(p1, "/trajectory/good/loss", &n1);
    double *l7 = read_all(p7, "/trajectory/good/loss", &n7);
    assert_int_equal(n7, 101);                      /* steps 0, 7, ..., 700 */
    for (size_t k = 0; k < n7; k++)
        assert_true(l7[k] == l1[7 * k]);
    free(l1), free(l7);
}

static void partial_file_never_under_final_name(void **unused)
{
    (void)unused;
    char p[256], partial[300], err[512];
    snprintf(p, sizeof p, "%s/aborted.h5", tu_tmpdir());
    snprintf(partial, sizeof partial, "%s.partial", p);
    rec *r = rec_create(p, NULL, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(access(partial, F_OK), 0);
    assert_int_not_equal(access(p, F_OK), 0);
    rec_abort(r);
    assert_int_not_equal(access(partial, F_OK), 0);
    assert_int_not_equal(access(p, F_OK), 0);
    /* an existing file survives a failed run untouched */
    run_to(noisy_ini, p);
    size_t n1, n2;
    double *before = read_all(p, "/trajectory/sgd/x", &n1);
    r = rec_create(p, NULL, err, sizeof err);
    rec_abort(r);
    double *after = read_all(p, "/trajectory/sgd/x", &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1 * sizeof *before);
    free(before);
    free(after);
    /* and an impossible location is refused up front */
    assert_null(rec_create("/nonexistent-dir/x.h5", NULL, err, sizeof err));
    assert_non_null(strstr(err, "does not exist"));
}

/* A schedule's lr is recorded per step (row 0: the lr of step 1) with the schedule's keys; a
 * run without one records lr and none of those keys. */
static void scheduled_lr_column(void **unused)
{
    (void)unused;
    char p[256];
    snprintf(p, sizeof p, "%s/sched.h5", tu_tmpdir());
    run_to("[problem]\ntype = nqm\ndim = 5\n[run]\nsteps = 20\nbatch = 4\nrecord_every = 3\n"
           "[optimizer wsd]\ntype = momentum\nlr = 0.2\nmomentum = 0.5\nschedule = wsd\n"
           "warmup = 4\ndecay_steps = 6\ndecay_shape = cosine\n"
           "[optimizer plain]\ntype = sgd\nlr = 0.2\n", p);
    size_t n, m;
    double *step = read_all(p, "/trajectory/wsd/step", &n), *lr = read_all(p, "/trajectory/wsd/lr", &m);
    assert_int_equal(n, m);
    assert_int_equal(n, 1 + 20 / 3 + 1);
    for (size_t i = 0; i < n; i++) {
        double t = step[i] < 1 ? 1 : step[i];
        double u = (t - 14) / 6, want = t <= 4 ? 0.2 * t / 4 : t <= 14 ? 0.2
                                    : 0.2 * 0.5 * (1 + cos(3.14159265358979323846 * u));
        assert_true(fabs(lr[i] - want) <= 1e-16);
    }
    free(step), free(lr);
    double *lr0 = read_all(p, "/trajectory/plain/lr", &m);
    for (size_t i = 0; i < m; i++)
        assert_true(lr0[i] == 0.2);
    free(lr0);
    assert_int_equal(read_attr_long(p, "/trajectory/wsd", "schedule_length"), 20);
    hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Aexists_by_name(f, "/trajectory/wsd", "schedule", H5P_DEFAULT) > 0);
    assert_true(H5Aexists_by_name(f, "/trajectory/plain", "schedule", H5P_DEFAULT) == 0);
    assert_true(H5Aexists_by_name(f, "/trajectory/plain", "weight_decay", H5P_DEFAULT) == 0);
    H5Fclose(f);
    /* without noise the scheduled engine's expected loss is the run's own loss */
    snprintf(p, sizeof p, "%s/sched-expected.h5", tu_tmpdir());
    run_to("[problem]\ntype = nqm\ndim = 50\nx0 = 1\n[run]\nsteps = 100\nbatch = inf\n"
           "[optimizer hb]\ntype = momentum\nlr = 0.3\nmomentum = 0.6\nschedule = wsd\n"
           "warmup = 5\n", p);
    double *a = read_all(p, "/trajectory/hb/loss", &n), *b = read_all(p, "/trajectory/hb/loss_expected", &m);
    assert_int_equal(n, m);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(a[i] - b[i]) <= 1e-12 * fabs(a[i]));
    free(a), free(b);
}

/* [run] full and reference: the full fine-tuning run is factorized = no from the same seed (the
 * same minibatches: x_t equals a direct iteration of that problem), and weight_gap is
 * |W_f + s A_t B_t - W_t^ref|_F from the recorded iterates (0 for the reference). */
static void full_finetuning_reference(void **unused)
{
    (void)unused;
    const char *prob = "[problem]\ntype = lora\nrows = 6\ncols = 5\nrank = 2\ndelta_rank = 3\n"
                       "examples = 40\nalpha = 3\n";
    char ini[2048], path[512];
    snprintf(path, sizeof path, "%s/lora_full.h5", tu_tmpdir());
    snprintf(ini, sizeof ini, "[experiment]\nseed = 4\n%s[run]\nsteps = 7\nbatch = 8\n"
             "record_every = 2\nfull = ft\nreference = ft\n[optimizer lora]\ntype = adam\n"
             "lr = 0.05\n[optimizer ft]\ntype = sgd\nlr = 0.1\n", prob);
    run_to(ini, path);
    size_t nf, nl, ng, ngr;
    double *xf = read_all(path, "/trajectory/ft/x", &nf), *xl = read_all(path, "/trajectory/lora/x", &nl),
           *gap = read_all(path, "/trajectory/lora/weight_gap", &ng),
           *gref = read_all(path, "/trajectory/ft/weight_gap", &ngr);
    assert_int_equal(read_attr_long(path, "/trajectory/ft", "full"), 1);
    assert_int_equal(read_attr_long(path, "/trajectory/lora", "full"), 0);
    assert_int_equal(ng, 5);                       /* steps 0, 2, 4, 6, 7 */
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    char full_ini[2048];
    snprintf(full_ini, sizeof full_ini, "[experiment]\nseed = 4\n%sfactorized = no\n[run]\n"
             "steps = 7\n[optimizer ft]\ntype = sgd\nlr = 0.1\n", prob);
    config *cf = tu_config(full_ini);
    problem *full = tu_problem(cf);
    size_t mk = full->n, n = pb->n;
    double *x = malloc(mk * sizeof *x), *W = malloc(mk * sizeof *W);
    tu_iterate(cf, full, &cf->opt[0], 8, 7, x);
    for (size_t i = 0; i < mk; i++)
        assert_true(x[i] == xf[4 * mk + i]);
    for (size_t j = 0; j < ng; j++) {
        pb->type->weight(pb, xl + j * n, W);
        double d = 0.0;
        for (size_t i = 0; i < mk; i++)
            d += (W[i] - xf[j * mk + i]) * (W[i] - xf[j * mk + i]);
        assert_true(fabs(sqrt(d) - gap[j]) <= 1e-14 * (1 + gap[j]));
        assert_true(gref[j] == 0.0);
    }
    assert_true(gap[0] < 1e-14 && gap[4] > 1e-3);
    free(x), free(W), free(xf), free(xl), free(gap), free(gref);
    problem_free(pb), problem_free(full);
    config_free(c), config_free(cf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reruns_are_bit_identical),
        cmocka_unit_test(optimizers_share_noise),
        cmocka_unit_test(noise_probe_leaves_run_untouched),
        cmocka_unit_test(recording_cadence),
        cmocka_unit_test(expected_loss_column),
        cmocka_unit_test(scheduled_lr_column),
        cmocka_unit_test(divergence_is_data),
        cmocka_unit_test(sparse_loss_on_finite_data),
        cmocka_unit_test(partial_file_never_under_final_name),
        cmocka_unit_test(full_finetuning_reference),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
