/* sim/output/h5read.h — reading output files back for `export` and `info`: open with a clear error,
 * read a dataset whole, find the dimension scale attached to an axis, format attributes. */
#ifndef OPTDYN_H5READ_H
#define OPTDYN_H5READ_H

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stddef.h>

typedef struct h5r_data {
    int rank;
    size_t dims[2];
    int integer;      /* integer class: print without decimals */
    double *v;        /* dims[0] * dims[1] values, row-major (free()) */
} h5r_data;

/* Open an existing HDF5 file read-only; -1 with err set when missing or not HDF5. */
hid_t h5r_open(const char *path, char *err, size_t len);
/* Read a rank-1 or rank-2 numeric dataset; -1 with err set otherwise. */
int h5r_read(hid_t dset, h5r_data *out, char *err, size_t len);
/* Any numeric dataset, flattened (dims[0] = element count, rank = 1). */
int h5r_read_any(hid_t dset, h5r_data *out, char *err, size_t len);
/* A dataset of variable-length strings into n malloc'd strings (free each, then the array). */
int h5r_read_strings(hid_t dset, char ***out, size_t *n, char *err, size_t len);
/* The full path of the dimension scale attached to dimension dim into path, or 0 when none. */
int h5r_axis(hid_t dset, unsigned dim, char *path, size_t len);
/* The same for a scale with coordinate values: 0 also for an index axis (rec_dims), whose
 * dimension readers print as components (x0 x1 ...). */
int h5r_scale(hid_t dset, unsigned dim, char *path, size_t len);
/* A dimension scale that only numbers its positions (attribute REC_INDEX_AXIS, rec.h). */
int h5r_is_index_axis(hid_t dset);
/* Shortest %g text (15 to 17 digits) that reads back as exactly v. */
void h5r_format(double v, char *buf, size_t len);
/* Print a number as the TSV writer does: integers exactly, reals by h5r_format. */
void h5r_print_value(double v, int integer);
/* A string attribute of object obj (a path under loc) as a malloc'd copy; NULL if absent. */
char *h5r_attr_dup(hid_t loc, const char *obj, const char *name);
/* An attribute as text (numbers, vectors, strings) into buf. */
void h5r_attr_text(hid_t attr, char *buf, size_t len);

#endif
