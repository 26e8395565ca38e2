/* sim/output/h5check_ohdr.c — the attribute messages of an object header, read from the raw bytes
 * with bounds: libhdf5 1.10.8 decodes them trusting their name, type, space and value sizes. */
#include "h5check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libhdf5 1.10.8's H5O_attr_decode copies name_len bytes of name, decodes the type and space
 * without a bound, then copies npoints x type size bytes of value from after the space: a corrupt
 * message makes it read past the object header chunk that holds it (HDF5 1.14 added the same
 * bounds: "ran off end of input buffer while decoding"). Here every size must fit its message.
 *
 * Object header v1: version 1, reserved, messages (2), refcount (4), chunk size (4), 4 padding;
 *   message: type (2), size (2, a multiple of 8), flags (1), reserved (3), body.
 * Object header v2: "OHDR", version 2, flags, [4 times x 4 if flags & 0x20], [2 x 2 if flags &
 *   0x10], chunk size (1 << (flags & 3) bytes), messages, checksum (4); message: type (1), size
 *   (2), flags (1), [creation order (2) if header flags & 0x04]; continuation chunks "OCHK" ... crc.
 * Continuation message (type 0x10): address, length of the next chunk. Attribute (0x0C): version,
 *   flags, name size, type size, space size (2 each), [encoding (1) in v3], name, type, space
 *   (each padded to 8 in v1), value; a variable-length value (string or sequence) also refers to
 *   a global heap object (heap_ref), whose bounds libhdf5 trusts as well. */
enum {
    MSG_CONT = 0x10, MSG_ATTR = 0x0C, MSG_ATTR_INFO = 0x15, MSG_SHARED = 0x02, MSG_STAB = 0x11,
    MSG_LAYOUT = 0x08, MSG_FILTERS = 0x0B, MSG_SPACE = 0x01, MSG_DTYPE = 0x03,
    MAX_CHUNKS = 4096, MAX_TYPE_DEPTH = 8, MAX_RANK = 32, MAX_CHUNK_RANK = 33,
    MAX_BTREE_DEPTH = 16, MAX_BTREE_ENTRIES = 1 << 22     /* per dataset: a fuzzed tree whose */
                                                          /* nodes share children is not a hang */
};

struct h5check_ohdr {
    const unsigned char *m;
    size_t n;
    uint64_t base;          /* addresses count from here (the user block) */
    unsigned sa, ss;        /* bytes of an address, of a length */
    char *why;
    size_t len;
    uint64_t next[MAX_CHUNKS][2];     /* continuation chunks found: address, length */
    size_t entries;                   /* chunk index entries visited for the current dataset */
};

static int bad(h5check_ohdr *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(h5check_ohdr *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->why, h->len, fmt, ap);
    va_end(ap);
    return -1;
}

h5check_ohdr *h5check_ohdr_open(const h5check_bytes *b, uint64_t base, unsigned sizeof_addr,
                                unsigned sizeof_size)
{
    if (b->n == 0 || sizeof_addr < 2 || sizeof_addr > 8 || sizeof_size < 2 || sizeof_size > 8)
        return NULL;
    h5check_ohdr *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->m = b->m;
    h->n = b->n;
    h->base = base;
    h->sa = sizeof_addr;
    h->ss = sizeof_size;
    return h;
}

void h5check_ohdr_free(h5check_ohdr *h)
{
    free(h);
}

/* A standard float's properties: bit offset, precision (2 bytes each), exponent location and
 * size, mantissa location and size (1 byte each), exponent bias (4 bytes). */
static const unsigned char IEEE64[12] = { 0, 0, 64, 0, 52, 11, 0, 52, 0xff, 0x03, 0, 0 };
static const unsigned char IEEE32[12] = { 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0 };

/* The encoded length of the datatype at p (at most n bytes), its element size in *esize; 0 if it
 * does not fit or is not one optdyn writes (integer, float, string, reference, compound, vlen). */
static size_t type_len(const h5check_ohdr *h, const unsigned char *p, size_t n, uint64_t *esize,
                       int depth)
{
    if (n < 8 || depth > MAX_TYPE_DEPTH)
        return 0;
    unsigned cls = p[0] & 0x0f, ver = p[0] >> 4;
    uint64_t size = h5check_le(p + 4, 4), sub;
    size_t at = 8, k;
    *esize = size;
    if (ver < 1 || ver > 3)                   /* libhdf5 1.10's versions (a version 5 base type */
        return 0;                             /* left a half-decoded attribute: H5A__close SEGV) */
    switch (cls) {
    case 0:                                   /* integer of 1-8 bytes, either byte order, */
        return n >= 12 && (size == 1 || size == 2 || size == 4 || size == 8) &&  /* signed or */
               !(p[1] & ~0x09u) && !p[2] && !p[3] &&                             /* not, no */
               h5check_le(p + 8, 2) == 0 && h5check_le(p + 10, 2) == 8 * size    /* padding */
               ? 12 : 0;
    case 1:                                   /* IEEE float or double, either byte order */
        return n >= 20 && (size == 4 || size == 8) && (p[1] & ~0x01u) == 0x20u &&
               p[2] == 8 * size - 1 && !p[3] && !memcmp(p + 8, size == 8 ? IEEE64 : IEEE32, 12)
               ? 20 : 0;                      /* (a reserved normalization crashed H5A__close) */
    case 3:                                   /* string: padding 0-2, ASCII or UTF-8 */
        return size >= 1 && (p[1] & 0x0f) <= 2 && (p[1] >> 4) <= 1 && !p[2] && !p[3] ? 8 : 0;
    case 7:                                   /* reference: to an object or a dataset region */
        return (size == h->sa || size == h->sa + 4u) && p[1] <= 1 && !p[2] && !p[3] ? 8 : 0;
    case 9:
        /* variable length: a sequence, or a string (padding 0-2, ASCII or UTF-8); a reserved
         * kind (7) made H5T__conv_vlen SEGV. Its base type sizes libhdf5's conversion buffers
         * (a char or a reference, 1-16 bytes); stored as a length and a global heap id (a
         * size-0 vlen string crashed H5A__close at file close). */
        if ((p[1] & 0x0f) > 1 || (p[1] & 0x0f ? (p[1] >> 4) > 2 || p[2] > 1 : p[1] || p[2]) ||
            p[3])
            return 0;
        k = type_len(h, p + 8, n - 8, &sub, depth + 1);
        return k && sub >= 1 && sub <= 16 && size == 4u + h->sa + 4u ? 8 + k : 0;
    case 6:                                   /* compound: its members */
        for (unsigned i = 0, members = (unsigned)h5check_le(p + 1, 2); i < members; i++) {
            const unsigned char *name = memchr(p + at, 0, n - at);
            if (!name)
                return 0;
            size_t nl = (size_t)(name - (p + at)) + 1;
            at += ver < 3 ? (nl + 7) / 8 * 8 : nl;
            size_t fixed = ver == 1 ? 32 : ver == 2 ? 4
                         : size < 256 ? 1 : size < 65536 ? 2 : size < (1u << 24) ? 3 : 4;
            if (at > n || n - at < fixed || (ver == 1 && p[at + 4] != 0))   /* no arrays */
                return 0;
            uint64_t offset = h5check_le(p + at, ver < 3 ? 4 : (unsigned)fixed);
            at += fixed;
            if (!(k = type_len(h, p + at, n - at, &sub, depth + 1)) || offset > size ||
                sub > size - offset)          /* each member inside the compound */
                return 0;
            at += k;
        }
        return at;
    default: return 0;
    }
}

/* Points of the dataspace at p (at most n bytes) in *np; 0, or -1. */
static int space_points(const h5check_ohdr *h, const unsigned char *p, size_t n, uint64_t *np)
{
    if (n < 4 || p[0] < 1 || p[0] > 2 || p[1] > MAX_RANK || (p[2] & ~1u))
        return -1;
    unsigned rank = p[1], hdr = p[0] == 1 ? 8 : 4;
    if (p[0] == 2 && (p[3] > 2 || (p[3] != 1) != (rank == 0)))
        return -1;                            /* v2: scalar or null has rank 0, simple not */
    if (n < hdr || (n - hdr) / h->ss < (size_t)rank * ((p[2] & 1) + 1))
        return -1;
    *np = p[0] == 2 && p[3] == 2 ? 0 : 1;
    for (unsigned i = 0; i < rank; i++) {
        uint64_t d = h5check_le(p + hdr + (size_t)i * h->ss, h->ss);
        if (d && *np > UINT64_MAX / d)
            return -1;
        *np *= d;
    }
    return 0;
}

/* The byte range [a, a + len) of the file (address a from the base); NULL if outside it. */
static const unsigned char *range(const h5check_ohdr *h, uint64_t a, uint64_t len)
{
    if (a > UINT64_MAX - h->base || (a += h->base) > h->n || len > h->n - a)
        return NULL;
    return h->m + a;
}

/* The global heap object a variable-length value refers to (v: length (4), collection address,
 * object index (4)), each element bsize bytes: libhdf5 1.10.8 allocates what the length claims,
 * then H5HG_read copies the object's own size into it from whatever its index finds (nothing
 * checked). Here the collection ("GCOL", version 1, 3 reserved, size) lies in the file, its
 * objects (index (2), references (2), reserved (4), size, data padded to 8; index 0 the free
 * space, whose size counts its header) fit it as libhdf5 walks them, the index is among them and
 * its size is the length's. NULL, or why (in buf). */
static const char *heap_ref(const h5check_ohdr *h, const unsigned char *v, uint64_t bsize,
                            char *buf, size_t blen)
{
    uint64_t n = h5check_le(v, 4), ga = h5check_le(v + 4, h->sa), want = n * bsize, size = 0;
    unsigned idx = (unsigned)h5check_le(v + 4 + h->sa, 4), hdr = 8 + h->ss, found = 0;
    const unsigned char *g = range(h, ga, hdr), *c;
    uint64_t csize = g ? h5check_le(g + 8, h->ss) : 0;
    if (ga == 0 && n == 0)
        return NULL;                          /* a null value: libhdf5 reads no heap */
    if (bsize && want / bsize != n)
        snprintf(buf, blen, "global heap object: a length of %llu elements of %llu bytes",
                 (unsigned long long)n, (unsigned long long)bsize);
    else if (!g || memcmp(g, "GCOL\1", 5) != 0)
        snprintf(buf, blen, "global heap object %u: no heap collection at %llu", idx,
                 (unsigned long long)ga);
    else if (csize < hdr || !(c = range(h, ga, csize)))
        snprintf(buf, blen, "global heap object %u: its collection at %llu (%llu bytes) is "
                 "beyond the file", idx, (unsigned long long)ga, (unsigned long long)csize);
    else {
        for (uint64_t p = hdr; p < csize && csize - p >= hdr;) {
            unsigned i = (unsigned)h5check_le(c + p, 2);
            uint64_t os = h5check_le(c + p + 8, h->ss);
            uint64_t need = i == 0 ? os : os > csize ? 0 : hdr + ((os + 7) & ~(uint64_t)7);
            if (need == 0 || need > csize - p) {
                snprintf(buf, blen, "global heap object %u of %llu bytes does not fit its "
                         "collection at %llu (%llu bytes)", i, (unsigned long long)os,
                         (unsigned long long)ga, (unsigned long long)csize);
                return buf;
            }
            if (i == idx && i > 0) {          /* libhdf5 keeps the last of a repeated index */
                found = 1;
                size = os;
            }
            p += need;
        }
        if (!found)
            snprintf(buf, blen, "global heap object %u: not in its collection at %llu", idx,
                     (unsigned long long)ga);
        else if (size != want)
            snprintf(buf, blen, "global heap object %u at %llu holds %llu bytes where its value "
                     "claims %llu", idx, (unsigned long long)ga, (unsigned long long)size,
                     (unsigned long long)want);
        else
            return NULL;
    }
    return buf;
}

/* One attribute message (body b of n bytes, in the header at addr). */
static int check_attr(h5check_ohdr *h, uint64_t addr, const unsigned char *b, size_t n)
{
    if (n < 9)
        return bad(h, "object header at %llu: an attribute message of %zu bytes",
                   (unsigned long long)addr, n);
    size_t nl = h5check_le(b + 2, 2), tl = h5check_le(b + 4, 2), sl = h5check_le(b + 6, 2);
    size_t at = b[0] == 3 ? 9 : 8;
    size_t a8 = b[0] == 1 ? 7 : 0;            /* v1 pads each part to 8 bytes */
    size_t name = at, type = name + ((nl + a8) & ~a8), space = type + ((tl + a8) & ~a8);
    size_t value = space + ((sl + a8) & ~a8);
    uint64_t esize = 0, np = 0;
    char fit[160];
    snprintf(fit, sizeof fit, "its name (%zu bytes), type (%zu) and shape (%zu) do not fit its %zu "
             "bytes", nl, tl, sl, n);
    const char *why = NULL;
    if (b[0] < 1 || b[0] > 3 || (b[0] > 1 && b[1] != 0))
        why = "of a version or flags optdyn does not write (versions 1-3, unshared)";
    else if (nl < 2 || value > n)
        why = fit;
    else if (b[name + nl - 1] != 0 || strlen((const char *)b + name) != nl - 1)
        why = "its name is not a string of its stated length";
    else if (type_len(h, b + type, tl, &esize, 0) == 0)
        why = "its type does not fit or is not one optdyn writes";
    else if (space_points(h, b + space, sl, &np) != 0)
        why = "its shape does not fit";
    else if (esize && np > (uint64_t)(n - value) / esize)
        why = "its value is larger than the message";
    uint64_t bsize = 0;
    char heap[200];
    if (!why && (b[type] & 0x0f) == 9 && type_len(h, b + type + 8, tl - 8, &bsize, 1))
        for (uint64_t i = 0; !why && i < np; i++)   /* variable length: each global heap object */
            why = heap_ref(h, b + value + i * esize, bsize, heap, sizeof heap);
    if (!why)
        return 0;
    return bad(h, "object header at %llu: attribute message '%.*s' (version %u): %s",
               (unsigned long long)addr,
               (int)strnlen((const char *)b + name, n - name < 64 ? n - name : 64),
               (const char *)b + name, b[0], why);
}

/* A group's symbol table message (v1 B-tree address, local heap address): the local heap ("HEAP",
 * version 0, 3 reserved, data segment size, free-list offset, data segment address) and its data
 * segment lie in the file. libhdf5 1.10.8 allocates the size the heap states before reading it
 * (H5HL_protect from H5G__stab_iterate: 0xB000000000000000 bytes, an ASan report). */
static int check_stab(h5check_ohdr *h, uint64_t addr, const unsigned char *b, size_t n)
{
    uint64_t ha = n >= 2u * h->sa ? h5check_le(b + h->sa, h->sa) : 0, size, data;
    const unsigned char *p = n >= 2u * h->sa ? range(h, ha, 8 + 2 * h->ss + h->sa) : NULL;
    if (!p || memcmp(p, "HEAP\0", 5) != 0)
        return bad(h, "object header at %llu: no local heap at %llu for its group's names",
                   (unsigned long long)addr, (unsigned long long)ha);
    size = h5check_le(p + 8, h->ss);
    data = h5check_le(p + 8 + 2 * h->ss, h->sa);
    if (!range(h, data, size))
        return bad(h, "object header at %llu: its local heap's data (%llu bytes at %llu) is "
                   "beyond the file", (unsigned long long)addr, (unsigned long long)size,
                   (unsigned long long)data);
    return 0;
}

/* A v1 B-tree of raw data chunks at a ("TREE", node type 1, level, entries used (2), left and right
 * siblings, then key 0, child 0, ..., key n; a key is the chunk's stored size (4), filter mask (4)
 * and nd offsets of 8 bytes): every node in the file, every chunk of `bytes` bytes (no filters)
 * inside it. libhdf5 1.10.8 reads a chunk of another size into a buffer of the size it states
 * (H5VM_memcpyvv read 32 bytes past a chunk stored as 0 bytes: an ASan report). */
static int check_chunk_tree(h5check_ohdr *h, uint64_t addr, uint64_t a, unsigned nd,
                            uint64_t bytes, int depth)
{
    size_t key = 8 + 8 * (size_t)nd, head = 8 + 2 * (size_t)h->sa;
    const unsigned char *p = range(h, a, head);
    if (!p || memcmp(p, "TREE\1", 5) != 0 || depth > MAX_BTREE_DEPTH)
        return bad(h, "object header at %llu: no chunk index node at %llu",
                   (unsigned long long)addr, (unsigned long long)a);
    unsigned level = p[5], used = (unsigned)h5check_le(p + 6, 2);
    if ((h->entries += used) > MAX_BTREE_ENTRIES)
        return bad(h, "object header at %llu: a chunk index of more than %d entries",
                   (unsigned long long)addr, MAX_BTREE_ENTRIES);
    if (!(p = range(h, a, head + (used + 1u) * key + used * (size_t)h->sa)))
        return bad(h, "object header at %llu: its chunk index node at %llu is beyond the file",
                   (unsigned long long)addr, (unsigned long long)a);
    for (unsigned i = 0; i < used; i++) {
        const unsigned char *k = p + head + i * (key + h->sa);
        uint64_t size = h5check_le(k, 4), child = h5check_le(k + key, h->sa);
        if (level > 0 ? check_chunk_tree(h, addr, child, nd, bytes, depth + 1) != 0
                      : size != bytes || h5check_le(k + 4, 4) != 0 || !range(h, child, size))
            return level > 0 ? -1 : bad(h, "object header at %llu: a chunk of %llu bytes at "
                                        "%llu where the layout says %llu", (unsigned long long)
                                        addr, (unsigned long long)size, (unsigned long long)
                                        child, (unsigned long long)bytes);
    }
    return 0;
}

/* A layout message (version 3, as optdyn writes): contiguous data (class 1: address, size) inside
 * the file; a chunked one (class 2: dimensionality, B-tree address, that many 4-byte sizes, the
 * last the element's) has its chunks checked; compact data (class 0) optdyn does not write. */
static int check_layout(h5check_ohdr *h, uint64_t addr, const unsigned char *b, size_t n)
{
    if (n < 2 || b[0] != 3)
        return bad(h, "object header at %llu: a data layout of version %u (optdyn writes 3)",
                   (unsigned long long)addr, n ? b[0] : 0);
    if (b[1] == 0)
        return bad(h, "object header at %llu: a compact data layout (optdyn writes none)",
                   (unsigned long long)addr);
    if (b[1] == 1) {                          /* contiguous: address, size */
        uint64_t a = n >= 2 + (size_t)h->sa + h->ss ? h5check_le(b + 2, h->sa) : 0;
        uint64_t size = a ? h5check_le(b + 2 + h->sa, h->ss) : 0;
        if (!a || (a != UINT64_MAX >> (64 - 8 * h->sa) && !range(h, a, size)))
            return bad(h, "object header at %llu: contiguous data (%llu bytes at %llu) beyond "
                       "the file", (unsigned long long)addr, (unsigned long long)size,
                       (unsigned long long)a);
        return 0;
    }
    if (b[1] != 2)
        return bad(h, "object header at %llu: a data layout of class %u",
                   (unsigned long long)addr, b[1]);
    unsigned nd = n >= 3 ? b[2] : 0;
    if (nd < 2 || nd > MAX_CHUNK_RANK || n < 3 + h->sa + 4 * (size_t)nd)
        return bad(h, "object header at %llu: a chunked layout of %u dimensions in %zu bytes",
                   (unsigned long long)addr, nd, n);
    uint64_t bytes = 1, tree = h5check_le(b + 3, h->sa);
    for (unsigned i = 0; i < nd; i++) {
        uint64_t d = h5check_le(b + 3 + h->sa + 4 * (size_t)i, 4);
        if (d == 0 || bytes > UINT64_MAX / d)
            return bad(h, "object header at %llu: a chunk of size 0 or beyond 2^64 bytes",
                       (unsigned long long)addr);
        bytes *= d;
    }
    if (tree == UINT64_MAX >> (64 - 8 * h->sa))
        return 0;                             /* no chunk written yet */
    h->entries = 0;
    return check_chunk_tree(h, addr, tree, nd, bytes, 0);
}

/* The messages of one chunk (p .. p + n): attributes checked, continuations queued in next. */
static int check_chunk(h5check_ohdr *h, uint64_t addr, int v2, unsigned oflags,
                       const unsigned char *p, size_t n, size_t *nnext)
{
    size_t mh = v2 ? 4 + ((oflags & 0x04) ? 2 : 0) : 8, at = 0;
    while (n - at >= mh) {
        unsigned type = v2 ? p[at] : (unsigned)h5check_le(p + at, 2), flags = p[at + (v2 ? 3 : 4)];
        size_t size = h5check_le(p + at + (v2 ? 1 : 2), 2);
        at += mh;
        if (size > n - at || (!v2 && size % 8))
            return bad(h, "object header at %llu: a message of %zu bytes beyond its chunk",
                       (unsigned long long)addr, size);
        const unsigned char *b = p + at;
        if (type == MSG_ATTR && (flags & MSG_SHARED))
            return bad(h, "object header at %llu: a shared attribute message (optdyn writes "
                       "none)", (unsigned long long)addr);
        if (type == MSG_ATTR && check_attr(h, addr, b, size) != 0)
            return -1;
        if (type == MSG_ATTR_INFO && size >= 2 + ((b[1] & 1) ? 2 : 0) + h->sa &&
            h5check_le(b + 2 + ((b[1] & 1) ? 2 : 0), h->sa) != UINT64_MAX >> (64 - 8 * h->sa))
            return bad(h, "object header at %llu: attributes in dense storage (optdyn writes "
                       "none)", (unsigned long long)addr);
        if (type == MSG_STAB && check_stab(h, addr, b, size) != 0)
            return -1;
        if (type == MSG_LAYOUT && check_layout(h, addr, b, size) != 0)
            return -1;
        uint64_t count;     /* a dataset's own type and shape, as attributes' (libhdf5 read an */
                            /* enum's member names past its message: H5MM_xstrdup, ASan) */
        if (type == MSG_DTYPE && ((flags & MSG_SHARED) || !type_len(h, b, size, &count, 0)))
            return bad(h, "object header at %llu: a datatype that does not fit its message or "
                       "is not one optdyn writes", (unsigned long long)addr);
        if (type == MSG_SPACE && ((flags & MSG_SHARED) || space_points(h, b, size, &count) != 0))
            return bad(h, "object header at %llu: a dataspace that does not fit its message",
                       (unsigned long long)addr);
        if (type == MSG_FILTERS && size >= 2 && b[1] != 0)
            return bad(h, "object header at %llu: a filter pipeline of %u filters (optdyn writes "
                       "none)", (unsigned long long)addr, b[1]);
        if (type == MSG_CONT) {
            if (size < h->sa + h->ss || *nnext == MAX_CHUNKS)
                return bad(h, "object header at %llu: a bad continuation message",
                           (unsigned long long)addr);
            h->next[*nnext][0] = h5check_le(b, h->sa);
            h->next[(*nnext)++][1] = h5check_le(b + h->sa, h->ss);
        }
        at += size;
    }
    return 0;
}

int h5check_ohdr_check(h5check_ohdr *h, uint64_t addr, char *why, size_t len)
{
    size_t nnext = 0;
    h->why = why;
    h->len = len;
    const unsigned char *p = range(h, addr, 16);
    if (!p)
        return bad(h, "object header at %llu: beyond the file", (unsigned long long)addr);
    int v2 = !memcmp(p, "OHDR", 4);
    unsigned oflags = v2 ? p[5] : 0;
    size_t at = v2 ? 6 + ((oflags & 0x20) ? 16 : 0) + ((oflags & 0x10) ? 4 : 0) : 16;
    unsigned csize_len = v2 ? 1u << (oflags & 3) : 4;
    if (v2 ? p[4] != 2 : p[0] != 1)
        return bad(h, "object header at %llu: not one of version 1 or 2",
                   (unsigned long long)addr);
    const unsigned char *q = range(h, addr, at + csize_len);
    uint64_t csize = q ? h5check_le(q + (v2 ? at : 8), csize_len) : 0;
    if (v2)
        at += csize_len;
    if (!q || !(q = range(h, addr, at)) || csize > UINT64_MAX - at - 4 ||
        !(q = range(h, addr, at + csize + (v2 ? 4 : 0))))
        return bad(h, "object header at %llu: its first chunk is beyond the file",
                   (unsigned long long)addr);
    if (check_chunk(h, addr, v2, oflags, q + at, csize, &nnext) != 0)
        return -1;
    for (size_t i = 0; i < nnext; i++) {
        size_t skip = v2 ? 4 : 0;             /* "OCHK" first and a checksum last in v2 */
        q = range(h, h->next[i][0], h->next[i][1]);
        if (!q || h->next[i][1] < 2 * skip || (v2 && memcmp(q, "OCHK", 4)))
            return bad(h, "object header at %llu: a continuation chunk beyond the file",
                       (unsigned long long)addr);
        if (check_chunk(h, addr, v2, oflags, q + skip, h->next[i][1] - 2 * skip, &nnext) != 0)
            return -1;
    }
    return 0;
}
