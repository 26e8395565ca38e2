/* sim/output/h5check_super.c — an HDF5 file's superblock from the raw bytes: where it starts, its
 * address and length sizes, and the root group's object header, known before libhdf5 opens it. */
#include "h5check.h"

#include <stdio.h>
#include <string.h>

/* libhdf5 looks for the signature at 0, 512, 1024, 2048, ... (H5FD_locate_signature).
 * Version 0/1: signature (8), version, free-space, root-table and shared-header versions,
 *   reserved, sizeof offsets (at 13), sizeof lengths (14), reserved, leaf K (2), internal K (2),
 *   flags (4), [v1: indexed-storage K (2), reserved (2)]; then four addresses (base, free space,
 *   end of file, driver info) and the root symbol table entry: name offset, object header address.
 * Version 2/3: signature, version, sizeof offsets (9), sizeof lengths (10), flags, then the base,
 *   extension, end-of-file and root object header addresses, checksum. */
static const unsigned char SIGNATURE[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

static int size_ok(unsigned s) { return s == 2 || s == 4 || s == 8; }

int h5check_superblock(const h5check_bytes *bytes, h5check_super *s, char *why, size_t len)
{
    const unsigned char *b = NULL;
    uint64_t at = 0, size = bytes->n;
    size_t got = 0;
    for (; at < size; at = at ? 2 * at : 512) {
        b = bytes->m + at;
        got = size - at < 96 ? (size_t)(size - at) : 96;
        if (got >= 9 && !memcmp(b, SIGNATURE, sizeof SIGNATURE))
            break;
    }
    if (at >= size) {
        snprintf(why, len, "no HDF5 signature (not an HDF5 file)");
        return -1;
    }
    unsigned v = b[8], sa = v < 2 ? b[13] : b[9], ss = v < 2 ? b[14] : b[10];
    /* libhdf5 counts addresses from where the superblock starts, whatever its base field says */
    size_t first = v == 0 ? 24 : v == 1 ? 28 : 12;     /* the base address field */
    size_t root = v < 2 ? first + 5 * (size_t)sa : first + 3 * (size_t)sa;
    if (v > 3) {
        snprintf(why, len, "superblock version %u (libhdf5 writes 0-3)", v);
        return -1;
    }
    if (!size_ok(sa) || !size_ok(ss)) {
        snprintf(why, len, "superblock: addresses of %u bytes, lengths of %u (2, 4 or 8 expected)",
                 sa, ss);
        return -1;
    }
    if (root + sa > got) {
        snprintf(why, len, "superblock beyond the end of the file");
        return -1;
    }
    s->base = at;
    s->sa = sa;
    s->ss = ss;
    s->root = h5check_le(b + root, sa);
    return 0;
}
