/* tests/test_h5check.c — the file check before info/export/merge: a result file passes, a
 * truncated, foreign or bad-axis file is refused with its path, directly and through the server. */
#include "testutil.h"
#include "../sim/output/h5check.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *GOOD = "fuzz/seeds/h5/trajectory.h5";
static char dir[64], truncated[96], foreign[96], bad_axis[96];

/* A copy of GOOD whose loss column has a dimension list libhdf5_hl cannot read (integers where
 * references belong): its axis lookup fails there, and a lookup failing half way leaks. */
static int make_bad_axis(void)
{
    FILE *in = fopen(GOOD, "rb"), *out = fopen(bad_axis, "wb");
    int c;
    if (!in || !out)
        return -1;
    while ((c = fgetc(in)) != EOF)
        fputc(c, out);
    fclose(in);
    fclose(out);
    hid_t f = H5Fopen(bad_axis, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "/trajectory/adam/loss", H5P_DEFAULT);
    if (f < 0 || d < 0 || H5Adelete(d, "DIMENSION_LIST") < 0)
        return -1;
    hsize_t one = 1;
    hid_t s = H5Screate_simple(1, &one, NULL);
    hid_t a = H5Acreate2(d, "DIMENSION_LIST", H5T_NATIVE_INT, s, H5P_DEFAULT, H5P_DEFAULT);
    int seven = 7;
    herr_t rc = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_INT, &seven);
    H5Aclose(a);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return rc < 0 ? -1 : 0;
}

/* A copy of GOOD cut to its first half, a text file and a file with a bad axis. */
static int make_files(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_h5check.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(truncated, sizeof truncated, "%s/truncated.h5", dir);
    snprintf(foreign, sizeof foreign, "%s/foreign.h5", dir);
    snprintf(bad_axis, sizeof bad_axis, "%s/bad_axis.h5", dir);
    FILE *in = fopen(GOOD, "rb"), *out = fopen(truncated, "wb"), *txt = fopen(foreign, "w");
    if (!in || !out || !txt)
        return -1;
    fseek(in, 0, SEEK_END);
    long half = ftell(in) / 2;
    fseek(in, 0, SEEK_SET);
    for (long i = 0; i < half; i++)
        fputc(fgetc(in), out);
    fputs("[experiment]\nkind = trajectory\n", txt);
    fclose(in);
    fclose(out);
    fclose(txt);
    return make_bad_axis();
}

static int remove_files(void **state)
{
    (void)state;
    remove(truncated);
    remove(foreign);
    remove(bad_axis);
    rmdir(dir);
    return 0;
}

/* Good passes; each bad file is refused, the message naming the file. */
static void check_all(void)
{
    char err[2048] = "";
    assert_int_equal(h5check_file(GOOD, err, sizeof err), 0);
    const char *bad[] = {truncated, foreign, bad_axis};
    for (int i = 0; i < 3; i++) {
        err[0] = '\0';
        assert_int_equal(h5check_file(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "not a readable optdyn file"));
        assert_non_null(strstr(err, bad[i]));
    }
    assert_non_null(strstr(err, "DIMENSION_LIST: not the dimension-scale list"));  /* not a crash */
}

static void test_direct_fork(void **state)
{
    (void)state;
    check_all();
    char again[2048] = "", first[2048] = "";     /* the last verdict repeated, message and all */
    assert_int_equal(h5check_file(truncated, first, sizeof first), -1);
    assert_int_equal(h5check_file(truncated, again, sizeof again), -1);
    assert_string_equal(first, again);
    assert_int_equal(h5check_file(GOOD, again, sizeof again), 0);
}

/* Through the server: the same answers, a relative path resolved against the caller's current
 * directory (not the server's), and direct forks again after the server stops. */
static void test_server(void **state)
{
    (void)state;
    char cwd[4096], err[2048];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(h5check_server_start(), 0);
    assert_int_equal(h5check_server_start(), 0);          /* already running: a no-op */
    check_all();
    assert_int_equal(chdir("fuzz/seeds"), 0);     /* no h5/trajectory.h5 in the server's directory */
    assert_int_equal(h5check_file("h5/trajectory.h5", err, sizeof err), 0);
    assert_int_equal(chdir(dir), 0);
    err[0] = '\0';
    assert_int_equal(h5check_file("truncated.h5", err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated.h5"));
    assert_int_equal(chdir(cwd), 0);
    h5check_server_stop();
    check_all();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_fork),
        cmocka_unit_test(test_server),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
