/* tests/test_h5check.c — the file check before info/export/merge: a result file passes, a
 * truncated or foreign file is refused with its path, directly and through the check server. */
#include "testutil.h"
#include "../sim/output/h5check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *GOOD = "fuzz/seeds/h5/trajectory.h5";
static char dir[64], truncated[96], foreign[96];

/* A copy of GOOD cut to its first half, and a text file. */
static int make_files(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_h5check.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(truncated, sizeof truncated, "%s/truncated.h5", dir);
    snprintf(foreign, sizeof foreign, "%s/foreign.h5", dir);
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
    return 0;
}

static int remove_files(void **state)
{
    (void)state;
    remove(truncated);
    remove(foreign);
    rmdir(dir);
    return 0;
}

/* Good passes; each bad file is refused, the message naming the file. */
static void check_all(void)
{
    char err[2048] = "";
    assert_int_equal(h5check_file(GOOD, err, sizeof err), 0);
    const char *bad[] = {truncated, foreign};
    for (int i = 0; i < 2; i++) {
        err[0] = '\0';
        assert_int_equal(h5check_file(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "not a readable optdyn file"));
        assert_non_null(strstr(err, bad[i]));
    }
}

static void test_direct_fork(void **state)
{
    (void)state;
    check_all();
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
