/* sim/output/rec.h — the HDF5 recorder: self-describing, crash-safe output files. Everything is written
 * to PATH.partial and renamed to PATH only by rec_commit, so a failed or killed run never leaves
 * a half file under the final name (nor harms an older file there). Errors are sticky. */
#ifndef OPTDYN_REC_H
#define OPTDYN_REC_H

#include <stddef.h>

typedef struct rec rec;
typedef struct rec_table rec_table;

/* Claim PATH (sim/output/out_claim.h: a bad name or another writer is OD_EINPUT) and create
 * PATH.partial (truncating a stale one). NULL on failure with err explaining and *status
 * (when status is not NULL) OD_EINPUT for a bad or busy path, OD_EIO when the file system
 * fails (e.g. full), OD_ENOMEM. The claim is held until rec_commit or rec_abort. */
rec *rec_create(const char *path, int *status, char *err, size_t errlen);
/* Close and rename PATH.partial -> PATH. Returns the first error of the recorder's life. */
int rec_commit(rec *r, char *err, size_t errlen);
/* Close and delete PATH.partial; rec_abort(NULL) is a no-op. */
void rec_abort(rec *r);
int rec_status(const rec *r);
/* "writing 'PATH.partial' failed: REASON" for a recorder whose status is not OD_OK, REASON
 * naming the system error when HDF5 reported one (e.g. "no space left on device"). */
void rec_error(const rec *r, char *err, size_t errlen);

/* Attributes on an object (group or dataset) given by its path ("/" is the root). Strings are
 * variable-length UTF-8, numbers doubles, integers int64. */
int rec_attr_str(rec *r, const char *obj, const char *name, const char *value);
int rec_attr_num(rec *r, const char *obj, const char *name, double value);
int rec_attr_int(rec *r, const char *obj, const char *name, long value);
int rec_attr_vec(rec *r, const char *obj, const char *name, size_t n, const double *v);

/* Create group path and any missing parents. */
int rec_group(rec *r, const char *path);

/* A fixed array of doubles (rank 1 to 8), with an optional units attribute (NULL: none). */
int rec_array(rec *r, const char *path, int rank, const size_t *dims, const double *data,
              const char *units);
/* The same stored as int64 (values must be integers, e.g. steps, with -1 for "none"). */
int rec_array_int(rec *r, const char *path, int rank, const size_t *dims, const double *data);
/* A 1-D dataset of variable-length UTF-8 strings (e.g. an axis of optimizer names). */
int rec_strings(rec *r, const char *path, size_t n, const char *const *v);
/* Make `scale` a dimension scale and attach it to dimension `dim` of dataset `path`. */
int rec_attach_scale(rec *r, const char *path, unsigned dim, const char *scale);
/* Name every axis of dataset `path` (so each group opens as a labelled array: xarray, netCDF).
 * axes[k] names axis k: a dataset path, absolute or relative to path's group, that becomes a
 * dimension scale attached to axis k (axes[k] naming path itself makes a 1-D dataset its own
 * axis, e.g. a list of names). A name that does not exist yet is created as an index axis:
 * int64 0..len-1 with the attribute REC_INDEX_AXIS = 1 (positions without coordinate values,
 * e.g. `coordinate` of a state vector; readers show them as component numbers x0 x1 ...).
 * Every axis must lie in path's group or an ancestor (netCDF's visibility rule) and have the
 * length of its dimension; rank must be the dataset's rank. */
int rec_dims(rec *r, const char *path, int rank, const char *const *axes);
#define REC_INDEX_AXIS "index_axis"

/* An extendible table: one dataset per column in `group`, rows appended in order. Column 0 is
 * the row axis (e.g. step) and is attached as a dimension scale to dimension 0 of the others.
 * A column of width w > 1 is a [rows][w] dataset whose dimension 1 is the index axis
 * `coordinate` of the group (a state vector), or the axis named by rec_table_axis. */
typedef struct rec_column {
    const char *name;
    size_t width;
    int integer;          /* stored as int64 */
    const char *units;    /* NULL: none */
    const char *doc;      /* `description` attribute */
} rec_column;

rec_table *rec_table_open(rec *r, const char *group, size_t ncols, const rec_column *cols);
/* Name dimension 1 of column c (width > 1) `axis` instead of `coordinate` (rec_dims names). */
void rec_table_axis(rec_table *t, size_t c, const char *axis);
/* row[c] points to cols[c].width values. Buffered; written in chunk-sized blocks. */
int rec_table_append(rec_table *t, const double *const *row);
/* Flush, name the axes (column 0 on dimension 0, `axis` on dimension 1), release. Returns the
 * recorder's status. */
int rec_table_close(rec_table *t);

#endif
