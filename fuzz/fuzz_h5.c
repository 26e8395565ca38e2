/* fuzz/fuzz_h5.c — libFuzzer target (c): a mutated output file given to `optdyn info`, `optdyn
 * export` (EXPORTS of the objects the file lists, picked by a hash of the input) and, for one
 * input in MERGE_EVERY (by the same hash; a merge recomputes a sweep's best rates and fits),
 * `optdyn merge` (as a shard), through the CLI functions themselves (file checks through a check
 * server). An exit code outside {0, 1, 2}, a
 * crash, hang or sanitizer report is a defect. A checking child that dies of a sanitizer report
 * leaves a copy of the file it was checking next to its report (save_child_input). */
#include "fuzz_build.h"

#include "../sim/cli/cli.h"
#include "../sim/output/h5check.h"
#include "../sim/output/h5read.h"

#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_OBJECTS = 256, EXPORTS = 2, MERGE_EVERY = 4 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], in[96], out[96];
static char child_prefix[512];    /* the sanitizers' log_path ("child" in the current directory) */

/* Death callback of the check server and its walkers (set before the server is forked; libFuzzer
 * replaces it in this process with its own, which saves the input as crash-*): the file under
 * check is `in`, which this process leaves in place until the walker has ended, so a walker's
 * sanitizer report PREFIX.PID gets its input as PREFIX-input.PID.h5. Only async-signal-safe
 * calls: the callback runs inside the sanitizer's Die(). */
static void save_child_input(void)
{
    char dst[600], buf[4096], msg[700];
    long pid = (long)getpid();
    int n = snprintf(dst, sizeof dst, "%s-input.%ld.h5", child_prefix, pid);
    int src = open(in, O_RDONLY), fd = -1;
    if (n > 0 && (size_t)n < sizeof dst && src >= 0)
        fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t got = 0;
    while (fd >= 0 && (got = read(src, buf, sizeof buf)) > 0)
        if (write(fd, buf, (size_t)got) != got)
            got = -1;
    n = snprintf(msg, sizeof msg, "fuzz_h5: process %ld (file check) died; %s %s\n", pid,
                 fd >= 0 && got == 0 ? "its input saved as" : "could not save its input as", dst);
    if (n > 0 && write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0)
        n = 0;
    if (fd >= 0)
        close(fd);
    if (src >= 0)
        close(src);
}

/* child_prefix from ASAN_OPTIONS' log_path (fuzz/run.sh sets $work/child), else "child". */
static void set_child_prefix(void)
{
    const char *o = getenv("ASAN_OPTIONS"), *p = o ? strstr(o, "log_path=") : NULL;
    size_t n = p ? strcspn(p + 9, ":") : 0;
    if (n == 0 || n >= sizeof child_prefix || (n == 6 && !strncmp(p + 9, "stderr", 6)))
        snprintf(child_prefix, sizeof child_prefix, "child");
    else
        snprintf(child_prefix, sizeof child_prefix, "%.*s", (int)n, p + 9);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    const char *tmp = getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32 ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/fuzz_h5.XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        perror("fuzz_h5: mkdtemp");
        exit(1);
    }
    snprintf(in, sizeof in, "%s/in.h5", dir);
    snprintf(out, sizeof out, "%s/merged.h5", dir);
    setenv("OPTDYN_H5CHECK_SECONDS", "5", 1);
    set_child_prefix();
    __sanitizer_set_death_callback(save_child_input);     /* a hang in libhdf5 ends well before -timeout */
    /* The file check forks per input: through a server forked now, while this process is
     * small, a fork costs a fraction of one of the grown fuzzer's (whose page-table copy took
     * 78 % of the time without it). */
    if (h5check_server_start() != 0)
        fprintf(stderr, "fuzz_h5: no check server; checking by direct forks\n");
    return 0;
}

typedef struct objects {
    char *path[MAX_OBJECTS];
    size_t n;
} objects;

static herr_t note(hid_t loc, const char *name, const H5O_info_t *info, void *data)
{
    (void)loc;
    (void)info;
    objects *o = data;
    size_t len = strlen(name) + 2;
    if (o->n == MAX_OBJECTS || !(o->path[o->n] = malloc(len)))
        return 1;
    snprintf(o->path[o->n++], len, "/%s", strcmp(name, ".") ? name : "");
    return 0;
}

static void check_code(const char *cmd, int code)
{
    if (code != EXIT_OK && code != EXIT_FAILURE_OTHER && code != EXIT_USAGE) {
        fprintf(stderr, "fuzz_h5: optdyn %s exit code %d\n", cmd, code);
        abort();
    }
}

/* Could `optdyn merge` rebuild the recorded experiment within the harness's memory budget? */
static int mergeable(void)
{
    char err[256];
    hid_t f = h5r_open(in, err, sizeof err);
    if (f < 0)
        return 1;        /* merge reports it */
    char *text = h5r_attr_dup(f, "/", "experiment");
    H5Fclose(f);
    config *c = NULL;
    int ok = !text || config_load_from("recorded", text, NULL, 0, &c, err, sizeof err) != 0;
    if (c)
        ok = fuzz_buildable(c);
    config_free(c);
    free(text);
    return ok;
}

/* Close whatever a failed path left open, so the next input starts from a clean library. */
static void close_all(void)
{
    hid_t ids[256];
    ssize_t n;
    for (int round = 0; round < 64 && (n = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, 256, ids)) > 0;
         round++)
        for (ssize_t i = 0; i < n; i++)
            if (H5Iis_valid(ids[i]) > 0)
                H5Idec_ref(ids[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A new inode per input: a file libhdf5 failed to close (corrupt metadata) stays open inside
     * the library, and an input written over it would be opened as that same file, with the old
     * file's cached metadata (a crash no single command run can have). */
    unlink(in);
    FILE *f = fopen(in, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz_h5: writing the input");
        abort();
    }
    char *info[] = { "info", in, NULL };
    check_code("info", cmd_info(2, info));
    objects o = { { 0 }, 0 };
    char err[256];
    hid_t h = h5r_open(in, err, sizeof err);
    if (h >= 0) {
        H5Ovisit2(h, H5_INDEX_NAME, H5_ITER_INC, note, &o, H5O_INFO_BASIC);
        H5Fclose(h);
    }
    uint32_t hash = 2166136261u;      /* FNV-1a of the input picks the objects to export */
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ data[i]) * 16777619u;
    for (size_t k = 0; k < EXPORTS && k < o.n; k++) {
        char *exp[] = { "export", in, o.path[(hash + k * 7919u) % o.n], NULL };
        check_code("export", cmd_export(3, exp));
    }
    for (size_t i = 0; i < o.n; i++)
        free(o.path[i]);
    if (hash % MERGE_EVERY == 0 && mergeable()) {
        char *merge[] = { "merge", out, in, NULL };
        check_code("merge", cmd_merge(3, merge));
    }
    close_all();
    static int told;
    ssize_t left = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (left > 0 && !told++)
        fprintf(stderr, "fuzz_h5: libhdf5 kept %zd objects open after an input (said once)\n", left);
    unlink(out);
    return 0;
}
