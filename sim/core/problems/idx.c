/* sim/core/problems/idx.c — IDX reader (unsigned-byte tensors of MNIST and Fashion-MNIST) over zlib's
 * gz streams, which read gzip and plain files alike; every failure says which file and why. */
#include "idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "../status.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The uncompressed length of path: the gzip trailer's ISIZE (mod 2^32), or the plain size. */
static int stored_length(const char *path, uint64_t *n, int *mod32)
{
    FILE *fp = fopen(path, "rb");
    unsigned char b[4];
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0) {
        if (fp)
            fclose(fp);
        return -1;
    }
    int ok = fread(b, 1, 2, fp) == 2;
    *mod32 = ok && b[0] == 0x1f && b[1] == 0x8b;
    if (*mod32)
        ok = st.st_size >= 18 && fseek(fp, -4L, SEEK_END) == 0 && fread(b, 1, 4, fp) == 4;
    *n = *mod32 ? (uint64_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24)
                : (uint64_t)st.st_size;
    fclose(fp);
    return ok || !*mod32 ? 0 : -1;
}

static int header_from(gzFile gz, const char *path, int ndim, idx_file *f, char *why, size_t len)
{
    unsigned char h[4 + 4 * IDX_MAX_DIMS];
    memset(f, 0, sizeof *f);
    if (gzread(gz, h, 4) != 4) {
        snprintf(why, len, "%s: truncated: no IDX header (4 bytes of magic)", path);
        return OD_EINPUT;
    }
    if (h[0] != 0 || h[1] != 0 || h[2] != 0x08 || h[3] != ndim) {
        snprintf(why, len, "%s: wrong magic number 0x%08x (expected 0x%08x: unsigned bytes, %d "
                 "dimensions)", path, (unsigned)be32(h), 0x800u | (unsigned)ndim, ndim);
        return OD_EINPUT;
    }
    if (gzread(gz, h + 4, (unsigned)(4 * ndim)) != 4 * ndim) {
        snprintf(why, len, "%s: truncated: header ends before its %d sizes", path, ndim);
        return OD_EINPUT;
    }
    f->ndim = ndim;
    f->count = 1;
    for (int i = 0; i < ndim; i++) {
        f->dims[i] = be32(h + 4 + 4 * i);
        f->count *= f->dims[i];
    }
    if (f->count == 0 || f->count > (size_t)1 << 34) {
        snprintf(why, len, "%s: expected between 1 and 2^34 items in the header, got %zu", path,
                 f->count);
        return OD_EINPUT;
    }
    return OD_OK;
}

static gzFile open_gz(const char *path, char *why, size_t len)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        snprintf(why, len, "%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
    return gz;
}

int idx_header(const char *path, int ndim, idx_file *f, char *why, size_t len)
{
    memset(f, 0, sizeof *f);
    errno = 0;
    gzFile gz = open_gz(path, why, len);
    if (!gz)
        return OD_EINPUT;
    int status = header_from(gz, path, ndim, f, why, len);
    gzclose(gz);
    uint64_t have, want = 4 + 4 * (uint64_t)ndim + f->count;
    int gzipped;
    if (status == OD_OK && stored_length(path, &have, &gzipped) != 0) {
        snprintf(why, len, "%s: truncated: no gzip trailer", path);
        return OD_EINPUT;
    }
    if (status == OD_OK && (gzipped ? have != (want & 0xffffffffu) : have < want)) {
        snprintf(why, len, "%s: truncated: the header promises %llu bytes, the %s holds %llu",
                 path, (unsigned long long)want, gzipped ? "gzip trailer says it" : "file",
                 (unsigned long long)have);
        return OD_EINPUT;
    }
    return status;
}

int idx_read(const char *path, int ndim, size_t count, idx_file *f, char *why, size_t len)
{
    int status = idx_header(path, ndim, f, why, len);
    if (status != OD_OK)
        return status;
    size_t item = f->count / f->dims[0];
    if (count == 0 || count > f->dims[0])
        count = f->dims[0];
    gzFile gz = open_gz(path, why, len);
    if (!gz)
        return OD_EINPUT;
    gzbuffer(gz, 1u << 17);
    if ((status = header_from(gz, path, ndim, f, why, len)) != OD_OK) {
        gzclose(gz);
        return status;
    }
    f->dims[0] = count;
    f->count = count * item;
    if (!(f->data = malloc(f->count))) {
        gzclose(gz);
        return OD_ENOMEM;
    }
    size_t got = 0;
    while (got < f->count) {
        size_t want = f->count - got < (1u << 30) ? f->count - got : (1u << 30);
        int r = gzread(gz, f->data + got, (unsigned)want);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got < f->count) {
        int zerr;
        const char *msg = gzerror(gz, &zerr);
        snprintf(why, len, "%s: truncated or corrupt: %zu of %zu data bytes read (%s)", path,
                 got, f->count, zerr != Z_OK && msg ? msg : "end of file");
        status = OD_EINPUT;
        idx_free(f);
    }
    gzclose(gz);
    return status;
}

void idx_free(idx_file *f)
{
    free(f->data);
    f->data = NULL;
}

int idx_check_labels(const char *path, const idx_file *f, int classes, char *why, size_t len)
{
    for (size_t j = 0; j < f->count; j++)
        if (f->data[j] >= classes) {
            snprintf(why, len, "%s: label %u of item %zu is outside 0..%d", path,
                     (unsigned)f->data[j], j, classes - 1);
            return OD_EINPUT;
        }
    return OD_OK;
}
