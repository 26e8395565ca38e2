/* sim/output/rec_h5.c — the recorder on serial HDF5 1.10 (+ hdf5_hl dimension scales).
 * Invariants: every handle opened here is closed on every path; PATH exists only after commit. */
#include "rec.h"
#include "../core/status.h"
#include "out_claim.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

struct rec {
    hid_t file;
    char *path, *partial;
    int status;             /* first error, sticky */
    int sys_errno;          /* the system error behind it, when HDF5 reported one */
    out_claim *claim;       /* the lock on path */
};

/* The errno of the latest failed HDF5 call that reported one (its sec2 driver writes "errno =
 * N" into the error stack), captured by the automatic error handler before the stack is
 * cleared by the next call. */
static int h5_errno;

static herr_t errno_of_entry(unsigned n, const H5E_error2_t *e, void *found)
{
    (void)n;
    const char *p = e->desc ? strstr(e->desc, "errno = ") : NULL;
    if (p && isdigit((unsigned char)p[8]) && !*(int *)found)
        *(int *)found = atoi(p + 8);
    return 0;
}

static herr_t on_h5_error(hid_t stack, void *unused)
{
    (void)unused;
    int found = 0;
    H5Ewalk2(stack, H5E_WALK_DOWNWARD, errno_of_entry, &found);
    if (found)
        h5_errno = found;
    return 0;
}

struct rec_table {
    rec *r;
    size_t ncols, rows, nbuf, cap;   /* rows written, rows buffered, buffer capacity */
    hid_t *dset;
    size_t *width;
    const char **axis;      /* name of dimension 1 of each column (rec_column.axis) */
    double **buf;
    char **names;
};

static int fail(rec *r)
{
    if (r->status == OD_OK) {
        r->status = OD_EIO;
        r->sys_errno = h5_errno;
    }
    return r->status;
}

/* "no space left on device" (strerror, first letter lowered) or od_strerror(status). */
static void reason(int status, int sys_errno, char *buf, size_t len)
{
    snprintf(buf, len, "%s", sys_errno ? strerror(sys_errno) : od_strerror(status));
    if (sys_errno && *buf)
        *buf = (char)tolower((unsigned char)*buf);
}

void rec_error(const rec *r, char *err, size_t errlen)
{
    char why[256];
    reason(r->status, r->sys_errno, why, sizeof why);
    snprintf(err, errlen, "writing '%s' failed: %s", r->partial, why);
}

static hid_t creation_plist(hid_t cls)
{
    hid_t p = H5Pcreate(cls);
    if (p >= 0)
        H5Pset_obj_track_times(p, 0);    /* no timestamps: reruns give identical objects */
    return p;
}

/* Release everything of r but the HDF5 file (closed by the caller). */
static void rec_free(rec *r)
{
    out_claim_release(r->claim);
    free(r->path);
    free(r->partial);
    free(r);
}

rec *rec_create(const char *path, int *status, char *err, size_t errlen)
{
    int s = OD_ENOMEM;
    H5Eset_auto2(H5E_DEFAULT, on_h5_error, NULL);   /* errors are reported through status codes */
    h5_errno = 0;
    rec *r = calloc(1, sizeof *r);
    size_t n = strlen(path);
    if (!r || !(r->path = malloc(n + 1)) || !(r->partial = malloc(n + 9))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    memcpy(r->path, path, n + 1);
    snprintf(r->partial, n + 9, "%s.partial", path);
    if (!(r->claim = out_claim_take(path, &s, err, errlen)))
        goto fail;
    FILE *probe = fopen(r->partial, "wb");     /* for an errno the user can act on */
    if (!probe) {
        s = errno == ENOSPC || errno == EDQUOT || errno == EIO ? OD_EIO : OD_EINPUT;
        snprintf(err, errlen, "cannot create '%s': %s", r->partial, strerror(errno));
        goto fail;
    }
    fclose(probe);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = creation_plist(H5P_FILE_CREATE);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    r->file = H5Fcreate(r->partial, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fapl);
    H5Pclose(fcpl);
    if (r->file < 0) {
        char why[256];
        s = OD_EIO;
        reason(s, h5_errno, why, sizeof why);
        snprintf(err, errlen, "cannot create HDF5 file '%s': %s", r->partial, why);
        remove(r->partial);
        goto fail;
    }
    if (status)
        *status = OD_OK;
    return r;
fail:
    if (status)
        *status = s;
    if (r)
        rec_free(r);
    return NULL;
}

int rec_status(const rec *r) { return r->status; }

int rec_commit(rec *r, char *err, size_t errlen)
{
    if (H5Fclose(r->file) < 0)
        fail(r);
    r->file = -1;
    if (r->status == OD_OK && rename(r->partial, r->path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", r->partial, r->path,
                 strerror(errno));
        r->status = OD_EIO;
    } else if (r->status != OD_OK) {
        rec_error(r, err, errlen);
    }
    int status = r->status;
    if (status != OD_OK)
        remove(r->partial);
    rec_free(r);
    return status;
}

void rec_abort(rec *r)
{
    if (!r)
        return;
    if (r->file >= 0)
        H5Fclose(r->file);
    remove(r->partial);
    rec_free(r);
}

static hid_t utf8_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static int write_attr(rec *r, const char *obj, const char *name, hid_t type, const void *value)
{
    if (r->status != OD_OK)
        return r->status;
    hid_t space = H5Screate(H5S_SCALAR);
    if (H5Aexists_by_name(r->file, obj, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(r->file, obj, name, H5P_DEFAULT);
    hid_t a = H5Acreate_by_name(r->file, obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, type, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return ok ? OD_OK : fail(r);
}

int rec_attr_str(rec *r, const char *obj, const char *name, const char *value)
{
    hid_t t = utf8_string_type();
    int status = write_attr(r, obj, name, t, &value);
    H5Tclose(t);
    return status;
}

int rec_attr_num(rec *r, const char *obj, const char *name, double value)
{
    return write_attr(r, obj, name, H5T_NATIVE_DOUBLE, &value);
}

int rec_attr_int(rec *r, const char *obj, const char *name, long value)
{
    int64_t v = value;
    return write_attr(r, obj, name, H5T_NATIVE_INT64, &v);
}

int rec_attr_vec(rec *r, const char *obj, const char *name, size_t n, const double *v)
{
    if (r->status != OD_OK)
        return r->status;
    hsize_t dims[1] = { n };
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t a = H5Acreate_by_name(r->file, obj, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return ok ? OD_OK : fail(r);
}

int rec_group(rec *r, const char *path)
{
    if (r->status != OD_OK)
        return r->status;
    if (H5Lexists(r->file, path, H5P_DEFAULT) > 0)
        return OD_OK;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), gcpl = creation_plist(H5P_GROUP_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(r->file, path, lcpl, gcpl, H5P_DEFAULT);
    H5Pclose(lcpl);
    H5Pclose(gcpl);
    if (g < 0)
        return fail(r);
    H5Gclose(g);
    return OD_OK;
}

/* Create a dataset (parents included) of rank <= 8; chunked and extendible along dimension 0
 * when chunk_rows > 0 (rank 1 or 2). */
static hid_t create_dataset(rec *r, const char *path, hid_t type, int rank, const hsize_t *dims,
                            size_t chunk_rows)
{
    hsize_t maxdims[8], chunk[2] = { chunk_rows, rank > 1 ? dims[1] : 1 };
    for (int k = 0; k < rank; k++)
        maxdims[k] = dims[k];
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), dcpl = creation_plist(H5P_DATASET_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    if (chunk_rows) {
        maxdims[0] = H5S_UNLIMITED;
        H5Pset_chunk(dcpl, rank, chunk);
    }
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    hid_t d = H5Dcreate2(r->file, path, type, space, lcpl, dcpl, H5P_DEFAULT);
    H5Sclose(space);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    if (d < 0)
        fail(r);
    return d;
}

/* A fixed dataset of the given file type written from doubles (converted by HDF5). */
static int write_array(rec *r, const char *path, hid_t type, int rank, const size_t *dims,
                       const double *data, const char *units)
{
    if (r->status != OD_OK)
        return r->status;
    if (rank < 1 || rank > 8)
        return fail(r);
    hsize_t hd[8];
    for (int k = 0; k < rank; k++)
        hd[k] = dims[k];
    hid_t d = create_dataset(r, path, type, rank, hd, 0);
    if (d < 0)
        return r->status;
    int ok = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    H5Dclose(d);
    if (!ok)
        return fail(r);
    return units ? rec_attr_str(r, path, "units", units) : OD_OK;
}

int rec_array(rec *r, const char *path, int rank, const size_t *dims, const double *data,
              const char *units)
{
    return write_array(r, path, H5T_NATIVE_DOUBLE, rank, dims, data, units);
}

int rec_array_int(rec *r, const char *path, int rank, const size_t *dims, const double *data)
{
    return write_array(r, path, H5T_NATIVE_INT64, rank, dims, data, NULL);
}

int rec_strings(rec *r, const char *path, size_t n, const char *const *v)
{
    if (r->status != OD_OK)
        return r->status;
    hsize_t dims[1] = { n };
    hid_t t = utf8_string_type();
    hid_t d = create_dataset(r, path, t, 1, dims, 0);
    int ok = d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    if (d >= 0)
        H5Dclose(d);
    H5Tclose(t);
    return ok ? OD_OK : fail(r);
}

static int set_scale(rec *r, const char *path);

int rec_attach_scale(rec *r, const char *path, unsigned dim, const char *scale)
{
    if (r->status != OD_OK)
        return r->status;
    if (set_scale(r, scale) != OD_OK)
        return r->status;
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT), s = H5Dopen2(r->file, scale, H5P_DEFAULT);
    int ok = d >= 0 && s >= 0 && H5DSattach_scale(d, s, dim) >= 0;
    if (d >= 0)
        H5Dclose(d);
    if (s >= 0)
        H5Dclose(s);
    return ok ? OD_OK : fail(r);
}

/* The group part of an object path ("/a/b/c" -> "/a/b", "/c" -> ""). */
static size_t group_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/* An index axis at `path`: int64 0..n-1, marked REC_INDEX_AXIS. */
static int write_index_axis(rec *r, const char *path, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return r->status = OD_ENOMEM;     /* callers return early unless the status is OK */
    for (size_t i = 0; i < n; i++)
        v[i] = (double)i;
    write_array(r, path, H5T_NATIVE_INT64, 1, &n, v, NULL);
    free(v);
    rec_attr_int(r, path, REC_INDEX_AXIS, 1);
    return rec_attr_str(r, path, "description", "index 0..n-1 along this axis (no coordinate "
                        "values)");
}

/* Rank and dimensions of dataset `path`; -1 when it cannot be read. */
static int dataset_shape(rec *r, const char *path, hsize_t *dims)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : -1;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (rank < 0 || rank > 8 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rank = -1;
    if (space >= 0)
        H5Sclose(space);
    if (d >= 0)
        H5Dclose(d);
    return rank;
}

/* Make the 1-D dataset `path` a dimension scale named after its last component. */
static int set_scale(rec *r, const char *path)
{
    hid_t s = H5Dopen2(r->file, path, H5P_DEFAULT);
    int ok = s >= 0;
    if (ok && H5DSis_scale(s) <= 0) {
        const char *base = strrchr(path, '/');
        ok = H5DSset_scale(s, base ? base + 1 : path) >= 0;
    }
    if (s >= 0)
        H5Dclose(s);
    return ok ? OD_OK : fail(r);
}

int rec_dims(rec *r, const char *path, int rank, const char *const *axes)
{
    hsize_t dims[8], adims[8];
    if (r->status != OD_OK)
        return r->status;
    if (dataset_shape(r, path, dims) != rank)
        return fail(r);
    size_t glen = group_len(path);
    for (int k = 0; k < rank && r->status == OD_OK; k++) {
        char apath[1024];
        if (axes[k][0] == '/')
            snprintf(apath, sizeof apath, "%s", axes[k]);
        else
            snprintf(apath, sizeof apath, "%.*s/%s", (int)glen, path, axes[k]);
        size_t alen = group_len(apath);     /* visible: its group is path's group or above */
        if (alen > glen || strncmp(apath, path, alen) != 0 || (alen && path[alen] != '/'))
            return fail(r);
        if (H5Lexists(r->file, apath, H5P_DEFAULT) <= 0)
            write_index_axis(r, apath, dims[k]);
        if (dataset_shape(r, apath, adims) != 1 || adims[0] != dims[k])
            return fail(r);
        if (strcmp(apath, path) == 0)
            set_scale(r, apath);
        else
            rec_attach_scale(r, path, (unsigned)k, apath);
    }
    return r->status;
}

static char *join(const char *group, const char *name)
{
    size_t n = strlen(group) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", group, name);
    return p;
}

rec_table *rec_table_open(rec *r, const char *group, size_t ncols, const rec_column *cols)
{
    if (r->status != OD_OK)
        return NULL;
    rec_table *t = calloc(1, sizeof *t);
    if (!t)
        goto nomem;
    t->r = r;
    t->ncols = ncols;
    t->dset = malloc(ncols * sizeof *t->dset);
    t->width = malloc(ncols * sizeof *t->width);
    t->axis = malloc(ncols * sizeof *t->axis);
    t->buf = calloc(ncols, sizeof *t->buf);
    t->names = calloc(ncols, sizeof *t->names);
    if (!t->dset || !t->width || !t->axis || !t->buf || !t->names)
        goto nomem;
    size_t widest = 1;
    for (size_t c = 0; c < ncols; c++)
        widest = cols[c].width > widest ? cols[c].width : widest;
    t->cap = widest >= 32768 ? 1 : 32768 / widest;     /* chunks of about 256 KiB */
    for (size_t c = 0; c < ncols; c++)
        t->dset[c] = -1;
    for (size_t c = 0; c < ncols; c++) {
        t->width[c] = cols[c].width;
        t->axis[c] = NULL;
        if (!(t->buf[c] = malloc(t->cap * cols[c].width * sizeof(double))) ||
            !(t->names[c] = join(group, cols[c].name)))
            goto nomem;
        hsize_t dims[2] = { 0, cols[c].width };
        t->dset[c] = create_dataset(r, t->names[c], cols[c].integer ? H5T_NATIVE_INT64
                                                                    : H5T_NATIVE_DOUBLE,
                                    cols[c].width > 1 ? 2 : 1, dims, t->cap);
        if (t->dset[c] < 0)
            break;
        if (cols[c].units)
            rec_attr_str(r, t->names[c], "units", cols[c].units);
        if (cols[c].doc)
            rec_attr_str(r, t->names[c], "description", cols[c].doc);
    }
    if (r->status == OD_OK)
        return t;
    rec_table_close(t);
    return NULL;
nomem:
    r->status = OD_ENOMEM;
    rec_table_close(t);
    return NULL;
}

void rec_table_axis(rec_table *t, size_t c, const char *axis)
{
    if (t && c < t->ncols)
        t->axis[c] = axis;
}

static void flush(rec_table *t)
{
    rec *r = t->r;
    if (!t->nbuf || r->status != OD_OK)
        return;
    for (size_t c = 0; c < t->ncols; c++) {
        hsize_t dims[2] = { t->rows + t->nbuf, t->width[c] }, start[2] = { t->rows, 0 },
                count[2] = { t->nbuf, t->width[c] };
        int rank = t->width[c] > 1 ? 2 : 1;
        if (H5Dset_extent(t->dset[c], dims) < 0) {
            fail(r);
            return;
        }
        hid_t fs = H5Dget_space(t->dset[c]), ms = H5Screate_simple(rank, count, NULL);
        int ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                 H5Dwrite(t->dset[c], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, t->buf[c]) >= 0;
        H5Sclose(fs);
        H5Sclose(ms);
        if (!ok) {
            fail(r);
            return;
        }
    }
    t->rows += t->nbuf;
    t->nbuf = 0;
}

int rec_table_append(rec_table *t, const double *const *row)
{
    for (size_t c = 0; c < t->ncols; c++)
        memcpy(t->buf[c] + t->nbuf * t->width[c], row[c], t->width[c] * sizeof(double));
    if (++t->nbuf == t->cap)
        flush(t);
    return t->r->status;
}

int rec_table_close(rec_table *t)
{
    if (!t)
        return OD_OK;
    rec *r = t->r;
    flush(t);
    for (size_t c = 0; c < t->ncols; c++)
        if (t->dset && t->dset[c] >= 0)
            H5Dclose(t->dset[c]);
    for (size_t c = 1; t->names && c < t->ncols && r->status == OD_OK; c++) {
        const char *axes[2] = { t->names[0], t->axis[c] ? t->axis[c] : "coordinate" };
        rec_dims(r, t->names[c], t->width[c] > 1 ? 2 : 1, axes);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->buf ? t->buf[c] : NULL);
        free(t->names ? t->names[c] : NULL);
    }
    free(t->buf);
    free(t->names);
    free(t->dset);
    free(t->width);
    free(t->axis);
    free(t);
    return r->status;
}
