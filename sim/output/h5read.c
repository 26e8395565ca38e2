/* sim/output/h5read.c — read-side helpers over the HDF5 C API for the CLI's export and info.
 * Every handle opened here is closed before returning. */
#include "h5read.h"
#include "h5check.h"
#include "rec.h"

#include <errno.h>
#include <hdf5_hl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

hid_t h5r_open(const char *path, char *err, size_t len)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0) {
        snprintf(err, len, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (H5Fis_hdf5(path) <= 0) {
        snprintf(err, len, "not a readable optdyn file: %s: not an HDF5 file", path);
        return -1;
    }
    if (h5check_file(path, err, len) != 0)      /* everything read once, by a child process */
        return -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        snprintf(err, len, "not a readable optdyn file: %s: libhdf5 cannot open it", path);
    return f;
}

/* Read every element of a numeric dataset as doubles into out (shape fields set by caller). */
static int read_values(hid_t dset, h5r_data *out, char *err, size_t len)
{
    size_t n = out->dims[0];
    if (out->dims[1] != 0 && n > (SIZE_MAX / sizeof *out->v - 1) / out->dims[1]) {
        snprintf(err, len, "dataset too large to read");
        return -1;
    }
    out->v = malloc((n * out->dims[1] + 1) * sizeof *out->v);
    if (!out->v || H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->v) < 0) {
        free(out->v);
        out->v = NULL;
        snprintf(err, len, "cannot read dataset");
        return -1;
    }
    return 0;
}

/* Rank (or -1) and element class of a dataset; dims filled up to 8 entries. */
static int shape_of(hid_t dset, hsize_t *dims, H5T_class_t *cls)
{
    hid_t space = H5Dget_space(dset), type = H5Dget_type(dset);
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rank = -1;
    *cls = H5Tget_class(type);
    H5Sclose(space);
    H5Tclose(type);
    return rank;
}

/* Numeric dataset of any rank, flattened row-major into out->v (dims[0] = element count). */
int h5r_read_any(hid_t dset, h5r_data *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    hsize_t dims[8];
    H5T_class_t cls;
    int rank = shape_of(dset, dims, &cls);
    if (rank < 0 || (cls != H5T_INTEGER && cls != H5T_FLOAT)) {
        snprintf(err, len, "not a numeric dataset");
        return -1;
    }
    out->rank = 1;
    out->dims[0] = 1;
    for (int k = 0; k < rank; k++) {
        if (dims[k] != 0 && out->dims[0] > SIZE_MAX / dims[k]) {
            snprintf(err, len, "dataset too large to read");
            return -1;
        }
        out->dims[0] *= (size_t)dims[k];
    }
    out->dims[1] = 1;
    out->integer = cls == H5T_INTEGER;
    return read_values(dset, out, err, len);
}

int h5r_read_strings(hid_t dset, char ***out, size_t *n, char *err, size_t len)
{
    hid_t space = H5Dget_space(dset), mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    hssize_t count = H5Sget_simple_extent_npoints(space);
    char **v = count >= 0 && (hsize_t)count < SIZE_MAX / sizeof *v ? calloc((size_t)count + 1, sizeof *v)
                                                                  : NULL;
    int ok = v && H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    for (hssize_t i = 0; ok && i < count; i++) {      /* own copies, freed with free() */
        char *copy = strdup(v[i] ? v[i] : "");
        H5free_memory(v[i]);
        v[i] = copy;
    }
    H5Tclose(mt);
    H5Sclose(space);
    if (!ok) {
        free(v);
        snprintf(err, len, "cannot read strings");
        return -1;
    }
    *out = v;
    *n = (size_t)count;
    return 0;
}

int h5r_read(hid_t dset, h5r_data *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    hsize_t dims[8];
    H5T_class_t cls;
    int rank = shape_of(dset, dims, &cls);
    if (rank < 1 || rank > 2 || (cls != H5T_INTEGER && cls != H5T_FLOAT)) {
        snprintf(err, len, "not a numeric dataset of rank 1 or 2");
        return -1;
    }
    out->rank = rank;
    out->dims[0] = dims[0];
    out->dims[1] = rank > 1 ? dims[1] : 1;
    out->integer = cls == H5T_INTEGER;
    return read_values(dset, out, err, len);
}

typedef struct scale_hit {
    char *path;
    size_t len;
} scale_hit;

static herr_t first_scale(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    scale_hit *h = data;
    H5Iget_name(dsid, h->path, h->len);
    return 1;     /* stop at the first */
}

int h5r_axis(hid_t dset, unsigned dim, char *path, size_t len)
{
    if (H5DSis_scale(dset) > 0 || H5DSget_num_scales(dset, dim) <= 0)
        return 0;
    scale_hit h = { path, len };
    path[0] = '\0';
    return H5DSiterate_scales(dset, dim, NULL, first_scale, &h) > 0 && path[0];
}

int h5r_is_index_axis(hid_t dset)
{
    return H5DSis_scale(dset) > 0 && H5Aexists(dset, REC_INDEX_AXIS) > 0;
}

int h5r_scale(hid_t dset, unsigned dim, char *path, size_t len)
{
    char full[1024];      /* the whole path, whatever len the caller has room for */
    if (!h5r_axis(dset, dim, full, sizeof full))
        return 0;
    hid_t s = H5Dopen2(dset, full, H5P_DEFAULT);
    int index = s >= 0 && h5r_is_index_axis(s);
    if (s >= 0)
        H5Dclose(s);
    snprintf(path, len, "%s", index ? "" : full);
    return !index;
}

void h5r_format(double v, char *buf, size_t len)
{
    for (int digits = 15; digits <= 17; digits++) {    /* shortest text that reads back exactly */
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v || v != v)
            return;
    }
}

void h5r_print_value(double v, int integer)
{
    char buf[64];
    if (integer)
        printf("%lld", (long long)v);
    else {
        h5r_format(v, buf, sizeof buf);
        fputs(buf, stdout);
    }
}

/* A scalar variable-length string attribute as a malloc'd copy, NULL if it is not one. */
static char *read_string_attr(hid_t a)
{
    hid_t t = H5Aget_type(a);
    char *s = NULL, *copy = NULL;
    if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        if (H5Aread(a, mt, &s) >= 0 && s) {
            copy = strdup(s);
            H5free_memory(s);
        }
        H5Tclose(mt);
    }
    H5Tclose(t);
    return copy;
}

void h5r_attr_text(hid_t attr, char *buf, size_t len)
{
    hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    buf[0] = '\0';
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0 && n == 1) {
        char *s = read_string_attr(attr);
        if (s)
            snprintf(buf, len, "%s", s);
        free(s);
    } else if ((H5Tget_class(type) == H5T_FLOAT || H5Tget_class(type) == H5T_INTEGER) && n >= 1 &&
               n <= 4096) {
        double *v = malloc((size_t)n * sizeof *v);
        if (v && H5Aread(attr, H5T_NATIVE_DOUBLE, v) >= 0) {
            size_t used = 0;
            for (hssize_t i = 0; i < n && used < len; i++) {
                char num[64];
                h5r_format(v[i], num, sizeof num);
                used += (size_t)snprintf(buf + used, len - used, i ? ", %s" : "%s", num);
            }
        }
        free(v);
    } else {
        snprintf(buf, len, "(unprintable attribute)");
    }
    H5Sclose(space);
    H5Tclose(type);
}

char *h5r_attr_dup(hid_t loc, const char *obj, const char *name)
{
    if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return NULL;
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    char *copy = read_string_attr(a);
    H5Aclose(a);
    return copy;
}
