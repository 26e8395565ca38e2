/* tests/test_h5check.c — the file check before info/export/merge: a result file passes, a
 * truncated, foreign, bad-axis or bad-attribute-message file is refused with its path, directly
 * and through the server; raw object headers of version 1 and 2 read with bounds; a chunk index
 * whose nodes share children stopped; global heap references checked against their collections. */
#include "testutil.h"
#include "../sim/output/h5check.h"

#include <hdf5.h>
#include <stdint.h>
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

/* The first occurrence of the n bytes of s in m (len bytes), or NULL. */
static unsigned char *find(unsigned char *m, size_t len, const char *s, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(m + i, s, n))
            return m + i;
    return NULL;
}

/* The bytes of path in *buf (its length returned), or 0. */
static size_t slurp(const char *path, unsigned char **buf)
{
    FILE *in = fopen(path, "rb");
    long n = in && fseek(in, 0, SEEK_END) == 0 ? ftell(in) : -1;
    *buf = n > 0 ? malloc((size_t)n) : NULL;
    size_t got = *buf && fseek(in, 0, SEEK_SET) == 0 ? fread(*buf, 1, (size_t)n, in) : 0;
    if (in)
        fclose(in);
    return got == (size_t)n ? got : 0;
}

/* A copy of the sweep seed with one field of its first REFERENCE_LIST attribute message (a
 * version 1 message: 8 header bytes, the name padded to 16, the type padded to 120, the space)
 * replaced: at byte `at` of the message body, `bytes` little-endian bytes of value v. Refused by
 * the check with reason `why`, before libhdf5 decodes the message. */
/* Write the n bytes of m (then freed) as dir/NAME, expect the check to refuse it, reason in err. */
static void refused(unsigned char *m, size_t n, const char *name, char *err, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(m, 1, n, out), n);
    fclose(out);
    free(m);
    assert_int_equal(h5check_file(path, err, len), -1);
    remove(path);
}

static void refuse_attr(size_t at, int bytes, unsigned long long v, const char *why)
{
    unsigned char *m;
    size_t n = slurp("fuzz/seeds/h5/sweep.h5", &m);
    assert_true(n > 0);
    unsigned char *name = find(m, n, "REFERENCE_LIST", 15);
    assert_non_null(name);
    unsigned char *body = name - 8;
    assert_int_equal(body[0], 1);                              /* version 1 */
    for (int i = 0; i < bytes; i++)
        body[at + (size_t)i] = (unsigned char)(v >> (8 * i));
    char err[2048] = "";
    refused(m, n, "attr.h5", err, sizeof err);
    if (!strstr(err, "attribute message 'REFERENCE_LIST") || !strstr(err, why))
        fail_msg("%s: expected '%s'", err, why);
}

/* libhdf5 1.10.8 trusts these sizes and copies the value from past the message (a heap read
 * beyond the chunk: tests/fuzz-regress/h5/attr-shape-size-overread.h5 is the first case). */
static void test_attr_messages(void **state)
{
    (void)state;
    refuse_attr(6, 2, 45592, "do not fit its");                   /* dataspace size */
    refuse_attr(2, 2, 60000, "do not fit its");                   /* name size */
    refuse_attr(2, 2, 14, "name is not a string of its stated length");
    refuse_attr(24 + 1, 2, 300, "type does not fit");             /* compound members */
    refuse_attr(24 + 120 + 8, 8, 1000000, "value is larger than the message");  /* dims */
    refuse_attr(0, 1, 7, "(version 7): of a version or flags optdyn does not write");
}

/* A file of the latest format (version 2 object headers: "OHDR", a continuation chunk "OCHK"),
 * 40 attributes kept compact: its header passes; its last attribute grown past its message does
 * not. */
static void test_v2_header(void **state)
{
    (void)state;
    char path[128], why[512] = "";
    snprintf(path, sizeof path, "%s/v2.h5", dir);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    H5Pset_attr_phase_change(gcpl, 100, 50);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    hid_t g = H5Gcreate2(f, "g", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    hsize_t ten = 10;
    hid_t s = H5Screate_simple(1, &ten, NULL);
    double v[10] = { 0 };
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "attr%02d", i);
        hid_t a = H5Acreate2(g, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, v) >= 0);
        H5Aclose(a);
        if (i == 20)                  /* the header cannot grow in place: a new chunk follows */
            H5Gclose(H5Gcreate2(f, "h", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    }
    H5O_info_t oi;
    assert_true(H5Oget_info2(g, &oi, H5O_INFO_BASIC | H5O_INFO_HDR) >= 0);
    if (oi.hdr.version != 2 || oi.hdr.nchunks < 2)
        fail_msg("header version %u, %u chunks", oi.hdr.version, oi.hdr.nchunks);
    H5Sclose(s);
    H5Gclose(g);
    H5Pclose(gcpl);
    H5Fclose(f);
    H5Pclose(fapl);
    h5check_bytes b;
    assert_int_equal(h5check_bytes_map(path, &b, why, sizeof why), 0);
    h5check_ohdr *h = h5check_ohdr_open(&b, 0, 8, 8);
    assert_non_null(h);
    assert_int_equal(h5check_ohdr_check(h, oi.addr, why, sizeof why), 0);
    h5check_ohdr_free(h);
    h5check_bytes_unmap(&b);
    unsigned char *m;
    size_t n = slurp(path, &m);
    unsigned char *last = find(m, n, "attr39", 7);
    assert_non_null(last);
    last[-9 + 6] = 0xff;                      /* version 3 attribute message: its space size */
    FILE *out = fopen(path, "wb");
    assert_int_equal(fwrite(m, 1, n, out), n);
    fclose(out);
    free(m);
    assert_int_equal(h5check_bytes_map(path, &b, why, sizeof why), 0);
    h = h5check_ohdr_open(&b, 0, 8, 8);
    assert_int_equal(h5check_ohdr_check(h, oi.addr, why, sizeof why), -1);
    assert_non_null(strstr(why, "attribute message 'attr39'"));
    h5check_ohdr_free(h);
    h5check_bytes_unmap(&b);
    remove(path);
}

static uint64_t le64(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put(unsigned char *p, int n, uint64_t v)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* A copy of onestep.h5 whose root attribute "program" ("optdyn", a variable-length string: length
 * 6, global heap collection address, object index) has one field of its heap reference, or of the
 * collection it names, changed (what: 0 the length, 1 the address, 2 the index, 3 the collection
 * size, 4 the object's size) to v: refused by the check with reason `why`, before libhdf5's
 * H5HG_read copies the object's size into a buffer of the length's. */
static void refuse_heap(int what, uint64_t v, const char *why)
{
    unsigned char *m, id[16];
    size_t n = slurp("fuzz/seeds/h5/onestep.h5", &m);
    unsigned char *g = find(m, n, "GCOL\1", 5), *obj = NULL, *ref;
    assert_non_null(g);
    uint64_t ga = (uint64_t)(g - m), csize = le64(g + 8, 8);
    for (uint64_t p = 16; !obj && p + 16 <= csize && le64(g + p, 2) != 0;
         p += 16 + ((le64(g + p + 8, 8) + 7) & ~(uint64_t)7))
        if (le64(g + p + 8, 8) == 6 && !memcmp(g + p + 16, "optdyn", 6))
            obj = g + p;
    assert_non_null(obj);
    put(id, 4, 6);
    put(id + 4, 8, ga);
    put(id + 12, 4, le64(obj, 2));
    ref = find(m, n, (const char *)id, 16);
    assert_non_null(ref);
    switch (what) {
    case 0: put(ref, 4, v); break;
    case 1: put(ref + 4, 8, v); break;
    case 2: put(ref + 12, 4, v); break;
    case 3: put(g + 8, 8, v); break;
    default: put(obj + 8, 8, v); break;
    }
    char err[2048] = "";
    refused(m, n, "heap.h5", err, sizeof err);
    /* a collection changed fails for the first string of the root header that lives there */
    const char *attr = what == 3 ? "message 'experiment'" : "message 'program'";
    if (!strstr(err, attr) || !strstr(err, why))
        fail_msg("%s: expected %s, '%s'", err, attr, why);
}

/* The global heap reference of a string attribute, checked against the raw collection
 * (tests/fuzz-regress/h5/gheap-object-size-write.h5: libhdf5 wrote 20,000 bytes into 4,104). */
static void test_heap_refs(void **state)
{
    (void)state;
    refuse_heap(0, 5, "holds 6 bytes where its value claims 5");
    refuse_heap(0, 7, "holds 6 bytes where its value claims 7");
    refuse_heap(1, 8, "no heap collection at 8");
    refuse_heap(1, (uint64_t)1 << 40, "no heap collection at");
    refuse_heap(2, 999, "global heap object 999: not in its collection");
    refuse_heap(3, 1000000, "(1000000 bytes) is beyond the file");
    refuse_heap(4, 5, "holds 5 bytes where its value claims 6");    /* still fits its 8 */
}

/* A superblock byte set to v: refused from the raw superblock, before libhdf5 opens the file. */
static void refuse_superblock(size_t at, unsigned char v, const char *why)
{
    unsigned char *m;
    size_t n = slurp("fuzz/seeds/h5/sweep.h5", &m);
    assert_true(n > 64);
    m[at] = v;
    char err[2048] = "";
    refused(m, n, "super.h5", err, sizeof err);
    if (!strstr(err, why))
        fail_msg("expected '%s' in: %s", why, err);
}

/* The superblock (version 0: version at byte 8, address size at 13, length size at 14, the root
 * header's address at 64) and the root object header are read raw before H5Fopen. */
static void test_superblock(void **state)
{
    (void)state;
    refuse_superblock(0, 'X', "no HDF5 signature");
    refuse_superblock(8, 4, "superblock version 4");
    refuse_superblock(13, 3, "addresses of 3 bytes");
    refuse_superblock(14, 16, "lengths of 16");
    refuse_superblock(64 + 6, 0x7f, "/: object header at 35747322042253408: beyond the file");
}

/* A chunk index whose nodes share children (a DAG: five internal nodes, each with its 64 entries
 * all pointing to the next, the last to a real leaf) names 64^5 leaf visits without a cycle or a
 * depth over 16: refused after 2^22 entries instead of walked for hours. The file's own index
 * passes first. */
static void test_chunk_index_dag(void **state)
{
    (void)state;
    char path[128], why[512] = "";
    snprintf(path, sizeof path, "%s/chunks.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n100 = 100, one = 1;
    hid_t s = H5Screate_simple(1, &n100, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &one);               /* 100 chunks: two leaves under a level-1 root */
    hid_t d = H5Dcreate2(f, "d", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    double v[100] = { 0 };
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5O_info_t oi;
    assert_true(H5Oget_info2(d, &oi, H5O_INFO_BASIC) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(s);
    H5Fclose(f);
    unsigned char *m;
    size_t n = slurp(path, &m);
    remove(path);
    uint64_t root = 0, leaf = 0;               /* the index's root (level 1) and a leaf */
    for (size_t i = 0; i + 8 <= n; i++)
        if (!memcmp(m + i, "TREE\1", 5))
            *(m[i + 5] ? &root : &leaf) = i;
    assert_true(root > 0 && leaf > 0);
    h5check_bytes b = { m, n };
    h5check_ohdr *h = h5check_ohdr_open(&b, 0, 8, 8);
    assert_int_equal(h5check_ohdr_check(h, oi.addr, why, sizeof why), 0);
    h5check_ohdr_free(h);
    enum { LEVELS = 5, USED = 64, KEY = 8 + 8 * 2, NODE = 24 + (USED + 1) * KEY + USED * 8 };
    m = realloc(m, n + LEVELS * NODE);
    assert_non_null(m);
    memset(m + n, 0, LEVELS * NODE);
    for (int l = 0; l < LEVELS; l++) {
        unsigned char *p = m + n + (size_t)l * NODE;
        uint64_t child = l + 1 < LEVELS ? n + (uint64_t)(l + 1) * NODE : leaf;
        memcpy(p, "TREE\1", 5);
        p[5] = (unsigned char)(LEVELS - l);
        p[6] = USED;
        memset(p + 8, 0xff, 16);               /* no siblings */
        for (int e = 0; e < USED; e++)
            for (int k = 0; k < 8; k++)
                p[24 + (size_t)e * (KEY + 8) + KEY + (size_t)k] = (unsigned char)(child >> (8 * k));
    }
    size_t hits = 0;                           /* the layout message's index address -> node 0 */
    for (size_t i = (size_t)oi.addr; i + 8 <= n && i < (size_t)oi.addr + 512; i++)
        if (h5check_le(m + i, 8) == root) {
            for (int k = 0; k < 8; k++)
                m[i + (size_t)k] = (unsigned char)(n >> (8 * k));
            hits++;
        }
    assert_int_equal(hits, 1);
    b = (h5check_bytes){ m, n + LEVELS * NODE };
    h = h5check_ohdr_open(&b, 0, 8, 8);
    assert_int_equal(h5check_ohdr_check(h, oi.addr, why, sizeof why), -1);
    if (!strstr(why, "a chunk index of more than 4194304 entries"))
        fail_msg("%s", why);
    h5check_ohdr_free(h);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_fork),
        cmocka_unit_test(test_server),
        cmocka_unit_test(test_attr_messages),
        cmocka_unit_test(test_v2_header),
        cmocka_unit_test(test_heap_refs),
        cmocka_unit_test(test_superblock),
        cmocka_unit_test(test_chunk_index_dag),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
