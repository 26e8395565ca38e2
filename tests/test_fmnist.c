/* tests/test_fmnist.c — the IDX reader on Debian's Fashion-MNIST files (counts, shapes, the label
 * histogram, the first labels; skipped, saying why, where the package is absent) and on small
 * crafted files (missing, wrong magic, truncated plain and gzip, corrupt stream, bad label); the
 * fmnist problems' gradients, Hessian actions and diagonals against finite differences, unbiased
 * minibatches, and (FMNIST_DUMP=DIR) their values written for tests/fmnist_check.py (NumPy). */
#include "testutil.h"
#include "../sim/core/problems/fmnist.h"
#include "../sim/core/problems/idx.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"

/* path of one of the package's files, or NULL (test skipped with a message) when absent. */
static const char *package_file(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", FMNIST_DIR, name);
    if (access(buf, R_OK) == 0)
        return buf;
    print_message("SKIPPED: %s is not readable: install Debian's dataset-fashion-mnist "
                  "(scripts/deps.sh does)\n", buf);
    return NULL;
}

static void package_files_have_known_facts(void **unused)
{
    (void)unused;
    static const struct { const char *name; int ndim; size_t n; unsigned char first; } f[] = {
        { "train-images-idx3-ubyte.gz", 3, 60000, 0 },
        { "train-labels-idx1-ubyte.gz", 1, 60000, 9 },
        { "t10k-images-idx3-ubyte.gz", 3, 10000, 0 },
        { "t10k-labels-idx1-ubyte.gz", 1, 10000, 9 },
    };
    char path[512], why[1024];
    for (size_t k = 0; k < 4; k++) {
        if (!package_file(f[k].name, path, sizeof path)) {
            skip();
            return;
        }
        idx_file d;
        if (idx_read(path, f[k].ndim, 0, &d, why, sizeof why) != OD_OK)
            fail_msg("%s", why);
        assert_int_equal(d.dims[0], f[k].n);
        if (f[k].ndim == 3) {
            assert_int_equal(d.dims[1], 28);
            assert_int_equal(d.dims[2], 28);
            unsigned mx = 0;
            for (size_t i = 0; i < d.count; i++)
                mx = d.data[i] > mx ? d.data[i] : mx;
            assert_int_equal(mx, 255);
        } else {
            size_t hist[256] = { 0 };
            assert_int_equal(idx_check_labels(path, &d, 10, why, sizeof why), OD_OK);
            for (size_t i = 0; i < d.count; i++)
                hist[d.data[i]]++;
            for (int c = 0; c < 10; c++)
                assert_int_equal(hist[c], f[k].n / 10);    /* 6000 (train), 1000 (test) per class */
            assert_int_equal(d.data[0], f[k].first);          /* ankle boot */
        }
        idx_free(&d);
    }
    /* a prefix reads only the first items */
    idx_file d;
    package_file("train-labels-idx1-ubyte.gz", path, sizeof path);
    assert_int_equal(idx_read(path, 1, 5, &d, why, sizeof why), OD_OK);
    assert_int_equal(d.count, 5);
    assert_memory_equal(d.data, "\x09\x00\x00\x03\x00", 5);
    idx_free(&d);
}

/* Writes bytes to dir/name, gzipped when gz; returns the path (static buffer per slot). */
static const char *crafted(const char *name, const unsigned char *b, size_t n, int gz)
{
    static char paths[8][512];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", tu_tmpdir(), name);
    if (gz) {
        gzFile g = gzopen(p, "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, b, (unsigned)n), (int)n);
        assert_int_equal(gzclose(g), Z_OK);
    } else {
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(b, 1, n, f), n);
        fclose(f);
    }
    return p;
}

static void expect_error(const char *path, int ndim, const char *words)
{
    idx_file d;
    char why[1024] = "";
    assert_int_equal(idx_read(path, ndim, 0, &d, why, sizeof why), OD_EINPUT);
    if (!strstr(why, path) || !strstr(why, words))
        fail_msg("expected '%s' and the path in: %s", words, why);
    assert_null(d.data);
}

static void crafted_files_give_clear_errors(void **unused)
{
    (void)unused;
    /* 2 images of 2x3 and 3 labels; a good pair first */
    unsigned char img[16 + 12] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3 };
    unsigned char lab[8 + 3] = { 0, 0, 8, 1, 0, 0, 0, 3, 4, 9, 0 };
    for (int i = 0; i < 12; i++)
        img[16 + i] = (unsigned char)(20 * i);
    char why[1024];
    idx_file d;
    for (int gz = 0; gz < 2; gz++) {
        const char *p = crafted(gz ? "img.gz" : "img", img, sizeof img, gz);
        assert_int_equal(idx_read(p, 3, 0, &d, why, sizeof why), OD_OK);
        assert_int_equal(d.dims[0], 2);
        assert_int_equal(d.dims[2], 3);
        assert_int_equal(d.data[11], 220);
        idx_free(&d);
    }
    const char *lp = crafted("lab.gz", lab, sizeof lab, 1);
    assert_int_equal(idx_read(lp, 1, 0, &d, why, sizeof why), OD_OK);
    assert_int_equal(idx_check_labels(lp, &d, 10, why, sizeof why), OD_OK);
    lab[10] = 10;                                               /* a label outside 0..9 */
    idx_free(&d);
    lp = crafted("badlab.gz", lab, sizeof lab, 1);
    assert_int_equal(idx_read(lp, 1, 0, &d, why, sizeof why), OD_OK);
    assert_int_equal(idx_check_labels(lp, &d, 10, why, sizeof why), OD_EINPUT);
    assert_non_null(strstr(why, "label 10 of item 2 is outside 0..9"));
    assert_non_null(strstr(why, lp));
    idx_free(&d);

    char missing[512];
    snprintf(missing, sizeof missing, "%s/no-such-file.gz", tu_tmpdir());
    expect_error(missing, 1, "cannot open");
    expect_error(crafted("magic.gz", img, sizeof img, 1), 1, "wrong magic number 0x00000803");
    img[2] = 0x0d;                                              /* floats, not bytes */
    expect_error(crafted("float", img, sizeof img, 0), 3, "wrong magic number 0x00000d03");
    img[2] = 0x08;
    expect_error(crafted("short", img, sizeof img - 1, 0), 3, "truncated");
    expect_error(crafted("short.gz", img, sizeof img - 1, 1), 3, "truncated");
    expect_error(crafted("hdr.gz", img, 10, 1), 3, "truncated");
    expect_error(crafted("empty", img, 0, 0), 3, "truncated");

    /* a gzip file cut short (its trailer gone) and one with a corrupt deflate stream */
    unsigned char big[16 + 4000];
    memcpy(big, img, 16);
    big[7] = 200;                                               /* 200 images of 2x10 */
    big[15] = 10;
    for (size_t i = 16; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7 + i / 13);
    const char *bp = crafted("big.gz", big, sizeof big, 1);
    FILE *f = fopen(bp, "rb");
    unsigned char z[8192];
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    expect_error(crafted("cut.gz", z, zn - 9, 0), 3, "truncated");
    for (size_t i = zn / 2; i < zn / 2 + 8; i++)
        z[i] ^= 0x5a;
    expect_error(crafted("corrupt.gz", z, zn, 0), 3, "corrupt");
}

/* [problem] bodies; the numbers after each are read by tests/fmnist_check.py from the dump. */
static const struct fcase {
    const char *body;
    int classes, hidden, hidden2, act, bias, standardize;
    double l2;
} fcases[] = {
    { "type = fmnist_softmax\nexamples = 60\ntest_examples = 50\nl2 = 0.01\n", 10, 0, 0, 0, 1, 0,
      0.01 },
    { "type = fmnist_softmax\nexamples = 45\nclasses = 3\nbias = no\nstandardize = yes\n",
      3, 0, 0, 0, 0, 1, 0.0 },
    { "type = fmnist_mlp\nexamples = 40\nclasses = 4\nhidden = 7\nstandardize = yes\n",
      4, 7, 0, 0, 1, 1, 0.0 },
    { "type = fmnist_mlp\nexamples = 30\nhidden = 5\nactivation = relu\ninit = kaiming\nl2 = 0.003\n"
      "test_examples = 20\n", 10, 5, 0, 1, 1, 0, 0.003 },
    /* two hidden layers */
    { "type = fmnist_mlp\nexamples = 35\nclasses = 5\nhidden = 6\nhidden2 = 4\nstandardize = yes\n"
      "l2 = 0.002\ntest_examples = 30\n", 5, 6, 4, 0, 1, 1, 0.002 },
    { "type = fmnist_mlp\nexamples = 25\nhidden = 5\nhidden2 = 3\nactivation = relu\nbias = no\n"
      "init = kaiming\n", 10, 5, 3, 1, 0, 0, 0.0 },
    /* N >= 2 NET_CHUNK_MIN: sums over two chunks of examples */
    { "type = fmnist_mlp\nexamples = 1000\nclasses = 3\nhidden = 2\nhidden2 = 2\n"
      "test_examples = 40\n", 3, 2, 2, 0, 1, 0, 0.0 },
};
#define NFCASES (sizeof fcases / sizeof fcases[0])

static problem *fcase_problem(size_t k, config **c)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 3\n[problem]\n%s[run]\nsteps = 1\n"
             "[optimizer o]\ntype = sgd\nlr = 0.01\n", fcases[k].body);
    *c = tu_config(ini);
    return tu_problem(*c);
}

/* x0 + 0.3 N(0, 1) / sqrt(fan) per coordinate (fan 784 for the first layer, else 8): O(1) outputs. */
static void fpoint(const problem *pb, uint64_t tag, double *x)
{
    rng_stream s = rng_stream_make(77, RNG_INIT, tag);
    rng_normals(&s, 0, pb->n, x);
    size_t first = problem_block_size(&pb->blocks[0]);
    for (size_t i = 0; i < pb->n; i++)
        x[i] = pb->x0[i] + 0.3 * x[i] / sqrt(i < first ? 784.0 : 8.0);
}

static void fmnist_derivatives_match_finite_differences(void **unused)
{
    (void)unused;
    char path[512];
    if (!package_file("train-images-idx3-ubyte.gz", path, sizeof path)) {
        skip();
        return;
    }
    for (size_t k = 0; k < NFCASES; k++) {
        config *c;
        problem *pb = fcase_problem(k, &c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x), *v = malloc(n * sizeof *v), *g = malloc(n * sizeof *g),
               *hv = malloc(n * sizeof *hv), *gp = malloc(n * sizeof *gp),
               *gm = malloc(n * sizeof *gm), *xs = malloc(n * sizeof *xs),
               *dg = malloc(n * sizeof *dg), *e = calloc(n, sizeof *e);
        fpoint(pb, 2 * k, x);
        fpoint(pb, 2 * k + 1, v);
        assert_int_equal(pb->type->grad(pb, x, NULL, g), OD_OK);
        assert_int_equal(pb->type->hvp(pb, x, v, hv), OD_OK);
        assert_int_equal(pb->type->hess_diag(pb, x, dg), OD_OK);
        pb->threads = 2;                  /* bit-identical whatever the thread count */
        assert_int_equal(pb->type->grad(pb, x, NULL, gp), OD_OK);
        assert_memory_equal(g, gp, n * sizeof *g);
        assert_int_equal(pb->type->hvp(pb, x, v, gp), OD_OK);
        assert_memory_equal(hv, gp, n * sizeof *g);
        assert_int_equal(pb->type->hess_diag(pb, x, gp), OD_OK);
        assert_memory_equal(dg, gp, n * sizeof *g);
        double l1 = pb->type->loss(pb, x);
        pb->threads = 1;
        assert_true(l1 == pb->type->loss(pb, x));
        double hmax = 0.0;
        tu_gradient_fd(pb, x, 7, fcases[k].body);   /* every 7th coordinate, all blocks */
        /* H v against the difference of gradients, every coordinate */
        for (int sgn = 0; sgn < 2; sgn++) {
            for (size_t i = 0; i < n; i++)
                xs[i] = x[i] + (sgn ? -1e-5 : 1e-5) * v[i];
            pb->type->grad(pb, xs, NULL, sgn ? gm : gp);
        }
        for (size_t i = 0; i < n; i++) {
            double fd = (gp[i] - gm[i]) / 2e-5;
            hmax = fmax(hmax, fabs(hv[i]));
            if (fabs(fd - hv[i]) > 1e-6 * (1 + fabs(hv[i])))
                fail_msg("%s: (Hv)_%zu = %.12g, finite difference %.12g", fcases[k].body, i, hv[i], fd);
        }
        assert_true(hmax > 1e-3);                     /* not trivially zero */
        /* the diagonal is e_i^T H e_i (every 13th coordinate) */
        for (size_t i = 0; i < n; i += 13) {
            e[i] = 1.0;
            pb->type->hvp(pb, x, e, gp);
            e[i] = 0.0;
            if (fabs(gp[i] - dg[i]) > 1e-12 * (1 + fabs(dg[i])))
                fail_msg("%s: H_%zu%zu = %.17g, diagonal %.17g", fcases[k].body, i, i, gp[i], dg[i]);
        }
        free(x), free(v), free(g), free(hv), free(gp), free(gm), free(xs), free(dg), free(e);
        problem_free(pb);
        config_free(c);
    }
}

/* Mean of 20000 minibatch gradients (B = 10 from N = 997, 7 dropped per epoch) = the full gradient
 * within 4 standard errors, on 8 coordinates that vary (central pixels, biases, output layer). */
static void fmnist_minibatches_are_unbiased(void **unused)
{
    (void)unused;
    char path[512];
    if (!package_file("train-images-idx3-ubyte.gz", path, sizeof path)) {
        skip();
        return;
    }
    const char *bodies[] = { "type = fmnist_softmax\nexamples = 997\nclasses = 3\ntest_examples = 0\n",
                             "type = fmnist_mlp\nexamples = 997\nclasses = 3\nhidden = 3\n"
                             "test_examples = 0\n" };
    for (int k = 0; k < 2; k++) {
        config *c = tu_config(k ? "[experiment]\nseed = 4\n[problem]\ntype = fmnist_mlp\n"
                                  "examples = 997\nclasses = 3\nhidden = 3\ntest_examples = 0\n"
                                  "[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n"
                                : "[experiment]\nseed = 4\n[problem]\ntype = fmnist_softmax\n"
                                  "examples = 997\nclasses = 3\ntest_examples = 0\n"
                                  "[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
        problem *pb = tu_problem(c);
        size_t n = pb->n, h = k ? 3 : 0;
        size_t coord[8] = { 406, 784 + 300, 2 * 784 + 433, 3 * 784, 3 * 784 + 2, 0, 0, 0 };
        if (k) {           /* W1 (3x784), b1 (3), W2 (3x3), b2 (3) */
            size_t o = h * 784;
            size_t ck[8] = { 406, 784 + 378, 2 * 784 + 435, o, o + 2, o + 3 + 1, o + 3 + 5, o + 12 + 1 };
            memcpy(coord, ck, sizeof ck);
        } else {           /* W (3x784), b (3) */
            coord[5] = 3 * 784 + 1, coord[6] = 350, coord[7] = 784 + 461;
        }
        double *x = malloc(n * sizeof *x), *full = malloc(n * sizeof *full),
               *mean = malloc(n * sizeof *mean), *var = malloc(n * sizeof *var);
        fpoint(pb, 40 + (uint64_t)k, x);
        pb->type->grad(pb, x, NULL, full);
        const long draws = 20000;
        tu_batch_moments(pb, 10.0, draws, x, mean, var);
        for (int i = 0; i < 8; i++) {
            size_t j = coord[i];
            double se = sqrt(var[j] / (double)draws);
            assert_true(se > 0);
            if (fabs(mean[j] - full[j]) > 4 * se)
                fail_msg("%s: coordinate %zu: minibatch mean %.6g, full %.6g, %.2f SE", bodies[k],
                         j, mean[j], full[j], (mean[j] - full[j]) / se);
        }
        free(x), free(full), free(mean), free(var);
        problem_free(pb);
        config_free(c);
    }
}

/* With FMNIST_DUMP=DIR: DIR/caseK.bin = the case's numbers, then (as doubles) n, N, Nt, the
 * training and test file indices, x, v, g(x), H(x) v, L(x), test loss, test accuracy. */
static void fmnist_dump_for_numpy(void **unused)
{
    (void)unused;
    const char *dir = getenv("FMNIST_DUMP");
    char path[512];
    if (!dir || !package_file("train-images-idx3-ubyte.gz", path, sizeof path)) {
        skip();
        return;
    }
    for (size_t k = 0; k < NFCASES; k++) {
        config *c;
        problem *pb = fcase_problem(k, &c);
        size_t n = pb->n, N, Nt;
        const size_t *tr = fmnist_subset(pb, 0, &N), *te = fmnist_subset(pb, 1, &Nt);
        double *x = malloc(n * sizeof *x), *v = malloc(n * sizeof *v), *g = malloc(n * sizeof *g),
               *hv = malloc(n * sizeof *hv), tl, ta;
        fpoint(pb, 2 * k, x);
        fpoint(pb, 2 * k + 1, v);
        pb->type->grad(pb, x, NULL, g);
        pb->type->hvp(pb, x, v, hv);
        pb->type->test_eval(pb, x, &tl, &ta);
        double head[10] = { fcases[k].classes, fcases[k].hidden, fcases[k].hidden2, fcases[k].act,
                            fcases[k].bias, fcases[k].standardize, fcases[k].l2, (double)n,
                            (double)N, (double)Nt };
        double tail[3] = { pb->type->loss(pb, x), tl, ta };
        snprintf(path, sizeof path, "%s/case%zu.bin", dir, k);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(head, sizeof *head, 10, f);
        for (size_t j = 0; j < N + Nt; j++) {
            double d = (double)(j < N ? tr[j] : te[j - N]);
            fwrite(&d, sizeof d, 1, f);
        }
        fwrite(x, sizeof *x, n, f);
        fwrite(v, sizeof *v, n, f);
        fwrite(g, sizeof *g, n, f);
        fwrite(hv, sizeof *hv, n, f);
        fwrite(tail, sizeof *tail, 3, f);
        fclose(f);
        free(x), free(v), free(g), free(hv);
        problem_free(pb);
        config_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(package_files_have_known_facts),
        cmocka_unit_test(crafted_files_give_clear_errors),
        cmocka_unit_test(fmnist_derivatives_match_finite_differences),
        cmocka_unit_test(fmnist_minibatches_are_unbiased),
        cmocka_unit_test(fmnist_dump_for_numpy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
