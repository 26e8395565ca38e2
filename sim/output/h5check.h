/* sim/output/h5check.h — is a file a readable optdyn output? Checked before info, export and merge
 * trust it: every object read once under limits, in a child process that a crash or hang costs. */
#ifndef OPTDYN_H5CHECK_H
#define OPTDYN_H5CHECK_H

#include <stddef.h>
#include <stdint.h>

/* Longest string (attribute or dataset element) an optdyn file may hold, in bytes. */
#define H5CHECK_STRING_MAX ((size_t)16 << 20)
/* Most objects (groups, datasets) and attributes per object an optdyn file may hold. */
#define H5CHECK_OBJECTS_MAX 1000000
#define H5CHECK_ATTRS_MAX 4096
/* Deepest path (groups and dataset) an optdyn file may hold; optdyn writes at most 6. */
#define H5CHECK_DEPTH_MAX 32
/* Seconds the child may take before the file is declared unreadable. */
#define H5CHECK_SECONDS 120

/* In this process: the raw readers below on the file's bytes, then open path with libhdf5 and
 * check it (root attributes "program" = "optdyn", "experiment", "kind", "version" as strings;
 * every attribute and dataset numeric or string, of rank <= 8, no larger than the file, strings
 * no longer than H5CHECK_STRING_MAX; every value read once). 0, or -1 with why set. A file
 * corrupt enough may still crash libhdf5 here: see h5check_file. */
int h5check_walk(const char *path, char *why, size_t len);

/* A file's bytes, mapped read-only once for the raw readers below (h5check_bytes.c); an empty
 * file is m = NULL, n = 0. map: 0, or -1 with why set (the system's reason); unmap frees (and may
 * be called again). */
typedef struct h5check_bytes {
    const unsigned char *m;
    size_t n;
} h5check_bytes;
int h5check_bytes_map(const char *path, h5check_bytes *b, char *why, size_t len);
void h5check_bytes_unmap(h5check_bytes *b);

/* Every global heap collection (where variable-length strings live) found in the file, its
 * objects walked within bounds; a candidate that is not a collection libhdf5 could load (bad
 * version, size beyond the file) is skipped. 0, or -1 with why set. */
int h5check_heaps(const h5check_bytes *b, char *why, size_t len);

/* The little-endian unsigned integer of n <= 8 bytes at p, as HDF5 stores its sizes and addresses
 * (the raw readers h5check_super.c, h5check_ohdr.c, h5check_heap.c). */
static inline uint64_t h5check_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* The superblock, read from the raw bytes before libhdf5 opens the file (h5check_super.c): where it
 * starts (addresses count from there), the sizes of addresses and lengths (2, 4 or 8), and the
 * address of the root group's object header. 0, or -1 with why set. */
typedef struct h5check_super {
    uint64_t base;
    unsigned sa, ss;
    uint64_t root;
} h5check_super;
int h5check_superblock(const h5check_bytes *b, h5check_super *s, char *why, size_t len);

/* The raw object headers of a file's bytes b (h5check_ohdr.c; b is borrowed: it must outlive the
 * reader): addresses count from base; sizeof_addr and sizeof_size are the file's (the
 * superblock's). NULL for an empty file, sizes outside 2..8 or no memory. */
typedef struct h5check_ohdr h5check_ohdr;
h5check_ohdr *h5check_ohdr_open(const h5check_bytes *b, uint64_t base, unsigned sizeof_addr,
                                unsigned sizeof_size);
void h5check_ohdr_free(h5check_ohdr *h);

/* The object header at addr (version 1 or 2, every chunk): each attribute message's name, type,
 * shape and value within the message, of a type optdyn writes, neither shared nor in dense
 * storage; a variable-length value's global heap references each to an object of its collection
 * (inside the file) of the size the value states. 0, or -1 with why set. Run before libhdf5
 * decodes the attributes. */
int h5check_ohdr_check(h5check_ohdr *h, uint64_t addr, char *why, size_t len);

/* h5check_walk in a child process (with an address-space limit and an alarm where available):
 * 0, or -1 with err = "not a readable optdyn file: PATH: why" (the child's reason, or the signal
 * that ended it: a crash or hang inside libhdf5 on a corrupt file). The last file checked is not
 * checked again while its inode, size and times are unchanged: its verdict is repeated. */
int h5check_file(const char *path, char *err, size_t len);

/* err = "not a readable optdyn file: PATH: libhdf5 crashed reading it (signal SIG, name)": a
 * reading process (the check's, or a contained command's) ended by signal sig. */
void h5check_crash_reason(char *err, size_t len, const char *path, int sig);

/* Optional: fork a small check server now, while this process is small; h5check_file then asks
 * it to fork each walker, instead of forking this process (whose page tables a fork copies: slow
 * when the caller has grown large, as a fuzzer has). Relative paths are resolved against the
 * current directory at the time of the check. SIGPIPE is ignored from then on. 0, or -1 (then
 * h5check_file forks directly, as without a server). h5check_server_stop ends it. */
int h5check_server_start(void);
void h5check_server_stop(void);

#endif
