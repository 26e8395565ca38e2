/* sim/output/h5check_heap.c — the global heap collections of a file, walked as libhdf5 1.10 walks
 * them when it first reads a variable-length string, but with bounds: a corrupt object size there
 * makes libhdf5 loop forever (a free-space object of size 0) or read past the collection. */
#include "h5check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Collection: "GCOL", version 1, 3 reserved bytes, collection size (8 bytes, little-endian);
 * then objects: index (2), reference count (2), reserved (4), size (8), data padded to 8 bytes.
 * Index 0 is the free space, whose size counts its own header; a tail under 16 bytes is free. */
enum { GCOL_HEADER = 16, GCOL_OBJ_HEADER = 16 };

/* The objects of the collection at c (size bytes, all in the file): 0, or -1 with why set. */
static int walk_collection(const unsigned char *c, uint64_t size, size_t at, char *why, size_t len)
{
    uint64_t p = GCOL_HEADER;
    while (p < size && size - p >= GCOL_OBJ_HEADER) {
        unsigned idx = (unsigned)h5check_le(c + p, 2);
        uint64_t osize = h5check_le(c + p + 8, 8), need;
        if (idx > 0)
            need = osize > size ? 0 : GCOL_OBJ_HEADER + ((osize + 7) & ~(uint64_t)7);
        else
            need = osize;
        if (need == 0 || need > size - p) {
            snprintf(why, len, "global heap at byte %zu: object %u of size %llu does not fit its "
                     "collection of %llu bytes", at, idx, (unsigned long long)osize,
                     (unsigned long long)size);
            return -1;
        }
        p += need;
    }
    return 0;
}

int h5check_heaps(const h5check_bytes *b, char *why, size_t len)
{
    const unsigned char *m = b->m;
    size_t n = b->n;
    if (n < GCOL_HEADER)
        return 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i + GCOL_HEADER <= n; i++) {
        const unsigned char *g = memchr(m + i, 'G', n - GCOL_HEADER + 1 - i);
        if (!g)
            break;
        i = (size_t)(g - m);
        if (memcmp(g, "GCOL\1\0\0\0", 8) != 0)
            continue;
        uint64_t size = h5check_le(g + 8, 8);
        if (size > GCOL_HEADER && size <= n - i)      /* else not one libhdf5 could load */
            rc = walk_collection(g, size, i, why, len);
    }
    return rc;
}
