/* tests/test_fmnist.c — the IDX reader on Debian's Fashion-MNIST files (counts, shapes, the label
 * histogram, the first labels; skipped, saying why, where the package is absent) and on small
 * crafted files (missing, wrong magic, truncated plain and gzip, corrupt stream, bad label). */
#include "testutil.h"
#include "../sim/core/problems/idx.h"
#include "../sim/core/status.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(package_files_have_known_facts),
        cmocka_unit_test(crafted_files_give_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
