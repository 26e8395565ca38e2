/* sim/output/h5check.c — validate an output file before trusting it: the root attributes that mark
 * an optdyn file, then every link, object, attribute and dataset once, against the file's size and
 * fixed caps (h5check_child.c runs this in a child process: libhdf5 can crash or allocate without
 * bound on a corrupt file). */
#include "h5check.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk {
    hsize_t fsize;       /* bytes on disk: no stored value may be larger */
    size_t objects;
    const char *obj;     /* object being checked, for messages */
    h5check_ohdr *hdr;   /* its raw object headers */
    char *why;
    size_t len;
} walk;

static int fail(walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, w->len, fmt, ap);
    va_end(ap);
    return -1;
}

typedef herr_t (*read_fn)(hid_t id, hid_t mem_type, void *buf);
static herr_t read_attr(hid_t id, hid_t mt, void *buf) { return H5Aread(id, mt, buf); }
static herr_t read_dset(hid_t id, hid_t mt, void *buf)
{
    return H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* n variable-length strings of the file type t, each no longer than the cap. */
static int read_vlen_strings(walk *w, const char *what, hid_t id, hid_t t, size_t n, read_fn rd)
{
    char **v = calloc(n ? n : 1, sizeof *v);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    int rc = !v || mt < 0 ? fail(w, "%s %s: out of memory", w->obj, what)
                          : rd(id, mt, v) < 0 ? fail(w, "%s %s: cannot read its strings", w->obj, what)
                                              : 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (v[i] && strnlen(v[i], H5CHECK_STRING_MAX + 1) > H5CHECK_STRING_MAX)
            rc = fail(w, "%s %s: a string longer than %zu bytes", w->obj, what,
                      (size_t)H5CHECK_STRING_MAX);
    for (size_t i = 0; v && i < n && rc == 0; i++)    /* after a failed read: leaked, not guessed */
        H5free_memory(v[i]);
    free(v);
    if (mt >= 0)
        H5Tclose(mt);
    return rc;
}

/* Is t one of HDF5's standard number types (IEEE 32/64-bit floats, 8..64-bit integers, either
 * byte order)? A number type with other fields (a precision or exponent beyond its size, as a
 * corrupt file may declare) overflows a stack buffer inside libhdf5 1.10's conversion to double
 * (H5T__bit_get_d), crashing or not depending on the address layout. */
static int standard_number(hid_t t)
{
    const hid_t std[] = { H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
                          H5T_STD_I8LE,   H5T_STD_I8BE,   H5T_STD_U8LE,   H5T_STD_U8BE,
                          H5T_STD_I16LE,  H5T_STD_I16BE,  H5T_STD_U16LE,  H5T_STD_U16BE,
                          H5T_STD_I32LE,  H5T_STD_I32BE,  H5T_STD_U32LE,  H5T_STD_U32BE,
                          H5T_STD_I64LE,  H5T_STD_I64BE,  H5T_STD_U64LE,  H5T_STD_U64BE };
    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
        if (H5Tequal(t, std[i]) > 0)
            return 1;
    return 0;
}

/* The values of an attribute or dataset (id, file type t, space s), read once under the caps. */
static int check_values(walk *w, const char *what, hid_t id, hid_t t, hid_t s, read_fn rd)
{
    H5T_class_t cls = H5Tget_class(t);
    int rank = H5Sget_simple_extent_ndims(s), vlen = cls == H5T_STRING ? H5Tis_variable_str(t) : 0;
    hssize_t np = H5Sget_simple_extent_npoints(s);
    size_t size = H5Tget_size(t);
    if (cls != H5T_STRING && cls != H5T_INTEGER && cls != H5T_FLOAT)
        return fail(w, "%s %s: neither numbers nor strings", w->obj, what);
    if (cls != H5T_STRING && !standard_number(t))
        return fail(w, "%s %s: numbers of a nonstandard type", w->obj, what);
    if (rank < 0 || rank > 8 || np < 0 || size == 0 || vlen < 0)
        return fail(w, "%s %s: unreadable shape or type", w->obj, what);
    if ((hsize_t)np > w->fsize / size)       /* every value is stored: none is larger than the file */
        return fail(w, "%s %s: %lld values of %zu bytes, more than the file's %llu bytes", w->obj,
                    what, (long long)np, size, (unsigned long long)w->fsize);
    if (cls == H5T_STRING && !vlen && size > H5CHECK_STRING_MAX)
        return fail(w, "%s %s: strings of %zu bytes", w->obj, what, size);
    if (vlen)
        return read_vlen_strings(w, what, id, t, (size_t)np, rd);
    size_t bytes = cls == H5T_STRING ? size : sizeof(double);
    void *buf = malloc((size_t)np * bytes + 1);
    hid_t mt = cls == H5T_STRING ? H5Tcopy(t) : H5Tcopy(H5T_NATIVE_DOUBLE);
    int rc = !buf || mt < 0 ? fail(w, "%s %s: out of memory", w->obj, what)
                            : rd(id, mt, buf) < 0 ? fail(w, "%s %s: cannot read it", w->obj, what)
                                                  : 0;
    free(buf);
    if (mt >= 0)
        H5Tclose(mt);
    return rc;
}

/* Dimension-scale bookkeeping attributes: their values are checked through the H5DS calls that
 * read them, their types here (libhdf5_hl reads whatever is there into an array of hvl_t).
 * 0 if name is not one, 1 if its type and shape are those libhdf5_hl expects, -1 if not. */
static int scale_attr_shape(hid_t loc, const char *name, hid_t t, hid_t s)
{
    if (!strcmp(name, "REFERENCE_LIST"))
        return H5Tget_class(t) == H5T_COMPOUND ? 1 : -1;
    if (strcmp(name, "DIMENSION_LIST"))
        return 0;
    hid_t base = H5Tget_class(t) == H5T_VLEN ? H5Tget_super(t) : -1;
    int ok = base >= 0 && H5Tget_class(base) == H5T_REFERENCE;
    if (base >= 0)
        H5Tclose(base);
    hid_t ds = H5Iget_type(loc) == H5I_DATASET ? H5Dget_space(loc) : -1;   /* one list per axis */
    ok = ok && ds >= 0 && H5Sget_simple_extent_npoints(s) == H5Sget_simple_extent_ndims(ds);
    if (ds >= 0)
        H5Sclose(ds);
    return ok ? 1 : -1;
}

static herr_t check_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    walk *w = data;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return fail(w, "%s attribute %s: cannot open it", w->obj, name);
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    char what[300];
    snprintf(what, sizeof what, "attribute %s", name);
    int rc, scale = t < 0 || s < 0 ? 0 : scale_attr_shape(loc, name, t, s);
    if (t < 0 || s < 0)
        rc = fail(w, "%s %s: cannot read its type or shape", w->obj, what);
    else if (scale < 0)
        rc = fail(w, "%s %s: not the dimension-scale list it names", w->obj, what);
    else if (scale > 0)
        rc = info->data_size > w->fsize ? fail(w, "%s %s: larger than the file", w->obj, what) : 0;
    else
        rc = check_values(w, what, a, t, s, read_attr);
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    H5Aclose(a);
    return rc;
}

static int check_attrs(walk *w, hid_t o)
{
    H5O_info_t oi;
    if (H5Oget_info2(o, &oi, H5O_INFO_NUM_ATTRS) < 0)
        return fail(w, "%s: cannot read its header", w->obj);
    if (oi.num_attrs > H5CHECK_ATTRS_MAX)
        return fail(w, "%s: %llu attributes (at most %d expected)", w->obj,
                    (unsigned long long)oi.num_attrs, H5CHECK_ATTRS_MAX);
    hsize_t idx = 0;
    if (H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, &idx, check_attr, w) < 0)
        return w->why[0] ? -1 : fail(w, "%s: its attributes cannot be read", w->obj);
    return 0;
}

struct scale_ref {
    walk *w;
    int named;
};

/* The attribute messages of the object header at addr, from the raw bytes (h5check_ohdr.c). */
static int raw_header(walk *w, haddr_t addr)
{
    char why[256];
    if (h5check_ohdr_check(w->hdr, addr, why, sizeof why) != 0)
        return fail(w, "%s: %s", w->obj, why);
    return 0;
}

/* An axis named by a dimension list: it has a name, and its raw header passes. */
static herr_t scale_name(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    struct scale_ref *r = data;
    char name[1024];
    H5O_info_t oi;
    r->named = H5Iget_name(dsid, name, sizeof name) > 0;
    if (!r->named || H5Oget_info2(dsid, &oi, H5O_INFO_BASIC) < 0)
        return r->named = 0;
    return raw_header(r->w, oi.addr) == 0 ? 0 : -1;
}

/* A CLASS attribute, if any, is the string "DIMENSION_SCALE" (optdyn writes no other): libhdf5_hl
 * 1.10.8's H5DSis_scale frees its buffer twice when a 16-byte CLASS string holds anything else
 * (its not-a-scale branch frees, closes, then jumps to the clean-up that frees again). */
static int class_attr_ok(hid_t d)
{
    htri_t has = H5Aexists(d, "CLASS");
    if (has <= 0)
        return has < 0 ? -1 : 0;
    char buf[65] = { 0 };
    hid_t a = H5Aopen(d, "CLASS", H5P_DEFAULT);
    hid_t t = a < 0 ? H5I_INVALID_HID : H5Aget_type(a);
    int ok = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 &&
             H5Tget_size(t) < sizeof buf && H5Aread(a, t, buf) >= 0 &&
             strcmp(buf, "DIMENSION_SCALE") == 0;
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return ok ? 0 : -1;
}

static int check_dataset(walk *w, hid_t d)
{
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    int rc = t < 0 || s < 0 ? fail(w, "%s: cannot read its type or shape", w->obj) : 0;
    if (rc == 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
        hsize_t need = 0;
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        if (H5Dvlen_get_buf_size(d, mt, s, &need) < 0 || need > w->fsize)
            rc = fail(w, "%s: strings larger than the file", w->obj);
        H5Tclose(mt);
    }
    if (rc == 0)
        rc = check_values(w, "data", d, t, s, read_dset);
    /* the dimension-scale calls info and export make (H5DSis_scale double-frees on some corrupt
     * CLASS attributes: better here, in the child, than in the command) */
    if (rc == 0 && class_attr_ok(d) != 0)
        rc = fail(w, "%s: a CLASS attribute that is not \"DIMENSION_SCALE\"", w->obj);
    if (rc == 0 && H5DSis_scale(d) < 0)
        rc = fail(w, "%s: its dimension-scale attributes cannot be read", w->obj);
    int rank = rc == 0 ? H5Sget_simple_extent_ndims(s) : 0;
    int is_scale = rc == 0 ? H5DSis_scale(d) : 1;
    for (int k = 0; rc == 0 && k < rank; k++) {
        /* a dimension list that fails half way (h5read's axis lookup would then leak libhdf5_hl's
         * buffers: H5DSget_num_scales frees the array, not the sequences it converted) */
        struct scale_ref r = { w, 1 };
        int scales = is_scale ? 0 : H5DSget_num_scales(d, (unsigned)k);
        if (scales < 0 ||
            (scales > 0 && (H5DSiterate_scales(d, (unsigned)k, NULL, scale_name, &r) < 0 || !r.named)))
            rc = w->why[0] ? -1 : fail(w, "%s: the axis of dimension %d cannot be read", w->obj, k);
    }
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    return rc;
}

static herr_t check_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    walk *w = data;
    if (info->type != H5L_TYPE_HARD)
        return fail(w, "/%s: a soft or external link (optdyn writes none)", name);
    int depth = 1;       /* libhdf5 tracks visited objects only when their link count is > 1: */
    for (const char *c = name; *c; c++)  /* a group linked below itself with a count of 1 */
        depth += *c == '/';              /* recursed until the stack overflowed */
    if (depth > H5CHECK_DEPTH_MAX)
        return fail(w, "/%.200s...: links nested deeper than %d (a cycle of groups?)", name,
                    H5CHECK_DEPTH_MAX);
    char path[1100];     /* its header raw, before H5Lvisit decodes it to descend */
    snprintf(path, sizeof path, "/%s", name);
    w->obj = path;
    H5L_info_t by_name;  /* H5Lvisit descends into the object it finds by the name, not into */
    if (H5Lget_info(g, name, &by_name, H5P_DEFAULT) < 0 ||     /* the link's own address: a */
        by_name.u.address != info->u.address)                  /* corrupt name order differs */
        return fail(w, "%s: its name leads to another object than its link (a corrupt symbol "
                    "table)", path);
    return raw_header(w, info->u.address);
}

static herr_t check_object(hid_t f, const char *name, const H5O_info_t *info, void *data)
{
    walk *w = data;
    char path[1100];
    snprintf(path, sizeof path, "/%s", strcmp(name, ".") ? name : "");
    w->obj = path;
    if (++w->objects > H5CHECK_OBJECTS_MAX)
        return fail(w, "more than %d objects", H5CHECK_OBJECTS_MAX);
    if (info->type != H5O_TYPE_GROUP && info->type != H5O_TYPE_DATASET)
        return fail(w, "%s: neither a group nor a dataset", path);
    if (raw_header(w, info->addr) != 0)
        return -1;
    hid_t o = H5Oopen(f, name, H5P_DEFAULT);
    if (o < 0)
        return fail(w, "%s: cannot open it", path);
    int rc = check_attrs(w, o);
    if (rc == 0 && info->type == H5O_TYPE_DATASET)
        rc = check_dataset(w, o);
    H5Oclose(o);
    return rc;
}

/* A scalar string attribute of the root group with the expected value (NULL: any). */
static int check_mark(walk *w, hid_t f, const char *name, const char *value)
{
    int rc = 0;
    if (H5Aexists(f, name) <= 0)
        return fail(w, "no root attribute '%s' (not written by optdyn)", name);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = H5Aget_type(a), s = H5Aget_space(a);
    char *v = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    if (a < 0 || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) <= 0 ||
        H5Sget_simple_extent_type(s) != H5S_SCALAR || H5Aget_storage_size(a) > w->fsize)
        rc = fail(w, "root attribute '%s' is not a string", name);
    else if (H5Aread(a, mt, &v) < 0 || !v)
        rc = fail(w, "root attribute '%s' cannot be read", name);
    else if (value && strcmp(v, value) != 0)
        rc = fail(w, "root attribute '%s' is not '%s' (not written by optdyn)", name, value);
    if (v)
        H5free_memory(v);
    H5Tclose(mt);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

int h5check_walk(const char *path, char *why, size_t len)
{
    walk w = { 0, 0, "/", NULL, why, len };
    why[0] = '\0';
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    h5check_bytes bytes;     /* mapped once for every raw reader; libhdf5 reads the file itself */
    if (h5check_bytes_map(path, &bytes, why, len) != 0)
        return -1;
    w.fsize = (hsize_t)bytes.n;
    h5check_super sb;        /* the root header raw, before H5Fopen decodes it */
    if (h5check_heaps(&bytes, why, len) != 0 || h5check_superblock(&bytes, &sb, why, len) != 0) {
        h5check_bytes_unmap(&bytes);
        return -1;
    }
    w.hdr = h5check_ohdr_open(&bytes, sb.base, sb.sa, sb.ss);
    if (!w.hdr) {
        h5check_bytes_unmap(&bytes);
        return fail(&w, "its object headers cannot be read");
    }
    if (raw_header(&w, sb.root) != 0) {
        h5check_ohdr_free(w.hdr);
        h5check_bytes_unmap(&bytes);
        return -1;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);     /* closing the file closes what it holds */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) {
        h5check_ohdr_free(w.hdr);
        h5check_bytes_unmap(&bytes);
        return fail(&w, "libhdf5 cannot open it");
    }
    static const char *const marks[][2] = {
        { "program", "optdyn" }, { "version", NULL }, { "kind", NULL }, { "experiment", NULL },
    };
    H5O_info_t root;     /* libhdf5's root header: the superblock's, checked above; else now */
    int rc = H5Oget_info2(f, &root, H5O_INFO_BASIC) < 0 ? fail(&w, "/: cannot read its header")
             : root.addr == sb.root                     ? 0
                                                        : raw_header(&w, root.addr);
    for (size_t i = 0; rc == 0 && i < sizeof marks / sizeof marks[0]; i++)
        rc = check_mark(&w, f, marks[i][0], marks[i][1]);
    if (rc == 0 && H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, check_link, &w) < 0)
        rc = w.why[0] ? -1 : fail(&w, "its links cannot be read");
    if (rc == 0) {
        if (H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, check_object, &w, H5O_INFO_BASIC) < 0)
            rc = w.why[0] ? -1 : fail(&w, "%s: its objects cannot be listed", w.obj);
    }
    H5Fclose(f);
    h5check_ohdr_free(w.hdr);
    h5check_bytes_unmap(&bytes);
    return rc;
}
