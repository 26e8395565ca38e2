/* sim/core/problems/idx.h — the IDX format of (Fashion-)MNIST, read with zlib from .gz or plain files:
 * magic 00 00 08 D (unsigned bytes, D dimensions), D big-endian uint32 sizes, then the bytes. */
#ifndef OPTDYN_IDX_H
#define OPTDYN_IDX_H

#include <stddef.h>
#include <stdint.h>

#define IDX_MAX_DIMS 4

typedef struct idx_file {
    int ndim;
    size_t dims[IDX_MAX_DIMS];
    size_t count;          /* product of dims */
    unsigned char *data;   /* count bytes, NULL after idx_header only */
} idx_file;

/* Reads the header of path (gzip or plain) and checks it: the magic for unsigned bytes with
 * ndim dimensions, and the size of the data (the gzip trailer's length, or the plain file's
 * size) against the header. OD_EINPUT with "PATH: reason" in why when it is missing, has a
 * wrong magic or is truncated. */
int idx_header(const char *path, int ndim, idx_file *f, char *why, size_t len);
/* idx_header, then the first `count` items (count <= dims[0]; 0: all) into f->data (the items
 * past count are not read). OD_EINPUT on a short or corrupt stream, OD_ENOMEM. */
int idx_read(const char *path, int ndim, size_t count, idx_file *f, char *why, size_t len);
void idx_free(idx_file *f);
/* Checks every byte of a label file is below `classes`: OD_EINPUT naming the first that is not. */
int idx_check_labels(const char *path, const idx_file *f, int classes, char *why, size_t len);

#endif
