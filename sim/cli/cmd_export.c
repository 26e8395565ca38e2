/* sim/cli/cmd_export.c — `optdyn export OUT.h5 PATH`: a dataset, a table (a group of datasets
 * sharing a row axis) or a summary of a group of groups, as TSV with one header line. */
#include "../core/status.h"
#include "cli.h"

#include <getopt.h>
#include "export_cube.h"
#include "../output/h5read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "optdyn export OUT.h5 PATH";
static const char help[] =
    "Usage: optdyn export OUT.h5 PATH\n"
    "Write PATH of an output file as tab-separated values with one header line:\n"
    "  a 1-D dataset       its axis (attached dimension scale, e.g. step) and its values\n"
    "  a 2-D dataset       axis + one column per component (x -> x0 x1 ...), or, when both\n"
    "                      axes have scales, rows of both axes and the value (landscape_x\n"
    "                      landscape_y landscape for /problem/landscape), a blank line after\n"
    "                      each row of the grid (gnuplot's splot format)\n"
    "  a group of datasets a table: the row axis first, then every dataset of that length\n"
    "                      (e.g. /trajectory/adam -> step grad_norm loss lr x0 x1)\n"
    "  a group of groups   one row per member with its scalar attributes (e.g. /trajectory)\n"
    "Numbers are printed with the fewest digits that read back exactly (15 to 17\n"
    "significant digits). `optdyn info OUT.h5` lists paths.\n";

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    names *ns = data;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 16;
        char **v = realloc(ns->v, cap * sizeof *v);
        if (!v)
            return -1;
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n] = strdup(name);
    return ns->v[ns->n++] ? 0 : -1;
}

static void names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
}

static void header_cell(int first, const char *name, long idx)
{
    const char *base = strrchr(name, '/');
    printf(first ? "%s" : "\t%s", base ? base + 1 : name);
    if (idx >= 0)
        printf("%ld", idx);
}

static int export_grid(hid_t f, const char *path, const h5r_data *d, const char *s0,
                       const char *s1, char *err, size_t len)
{
    h5r_data y, x;
    hid_t dy = H5Dopen2(f, s0, H5P_DEFAULT), dx = H5Dopen2(f, s1, H5P_DEFAULT);
    int ok = dy >= 0 && dx >= 0 && h5r_read(dy, &y, err, len) == 0;
    if (ok && h5r_read(dx, &x, err, len) != 0) {
        free(y.v);
        ok = 0;
    }
    if (dy >= 0)
        H5Dclose(dy);
    if (dx >= 0)
        H5Dclose(dx);
    if (ok && (y.dims[0] != d->dims[0] || x.dims[0] != d->dims[1])) {
        snprintf(err, len, "its axes do not match its %zu x %zu values", d->dims[0], d->dims[1]);
        free(x.v);
        free(y.v);
        return OD_EINPUT;       /* a file optdyn did not write: bad input, exit 2 */
    }
    if (!ok)
        return -1;
    header_cell(1, s1, -1);
    header_cell(0, s0, -1);
    header_cell(0, path, -1);
    putchar('\n');
    for (size_t j = 0; j < d->dims[0]; j++) {
        for (size_t i = 0; i < d->dims[1]; i++) {
            h5r_print_value(x.v[i], x.integer);
            putchar('\t');
            h5r_print_value(y.v[j], y.integer);
            putchar('\t');
            h5r_print_value(d->v[j * d->dims[1] + i], d->integer);
            putchar('\n');
        }
        putchar('\n');
    }
    free(x.v);
    free(y.v);
    return 0;
}

/* Columns: cols[0..nc) read datasets with names; rows: dims[0] of each. */
static void print_table(size_t nc, h5r_data *cols, char **paths)
{
    for (size_t c = 0; c < nc; c++)
        if (cols[c].rank == 2)
            for (size_t k = 0; k < cols[c].dims[1]; k++)
                header_cell(c == 0 && k == 0, paths[c], (long)k);
        else
            header_cell(c == 0, paths[c], -1);
    putchar('\n');
    for (size_t r = 0; r < cols[0].dims[0]; r++) {
        for (size_t c = 0; c < nc; c++)
            for (size_t k = 0; k < cols[c].dims[1]; k++) {
                if (c || k)
                    putchar('\t');
                h5r_print_value(cols[c].v[r * cols[c].dims[1] + k], cols[c].integer);
            }
        putchar('\n');
    }
}

/* A dataset whose every dimension has an axis, of rank >= 3 or with a string axis (a lone
 * rank-2 numeric grid prints as a matrix instead); any_rank: of rank >= 2. */
static int is_cube(hid_t f, const char *path, int any_rank)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    int rank, stringy = 0;
    size_t dims[8];
    char scales[8][512];
    int cube = d >= 0 && cube_shape(d, &rank, dims, scales);
    for (int k = 0; cube && k < rank; k++) {
        hid_t s = H5Dopen2(f, scales[k], H5P_DEFAULT), t = H5Dget_type(s);
        stringy |= H5Tget_class(t) == H5T_STRING;
        H5Tclose(t);
        H5Dclose(s);
    }
    if (d >= 0)
        H5Dclose(d);
    return cube && (rank >= 3 || stringy || (any_rank && rank >= 2));
}

/* A 1-D dataset of strings: a header and one value per line. */
static int export_strings(hid_t d, const char *path, char *err, size_t len)
{
    char **v;
    size_t n;
    if (h5r_read_strings(d, &v, &n, err, len) != 0)
        return -1;
    header_cell(1, path, -1);
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        puts(v[i]);
        free(v[i]);
    }
    free(v);
    return 0;
}

static int export_dataset(hid_t f, const char *path, char *err, size_t len)
{
    if (is_cube(f, path, 0))
        return export_cube(f, 1, &path, err, len);
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT), ty = H5Dget_type(ds);
    int strings = H5Tget_class(ty) == H5T_STRING;
    int src = strings ? export_strings(ds, path, err, len) : 0;
    H5Tclose(ty);
    H5Dclose(ds);
    if (strings)
        return src;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    h5r_data data, axis;
    char s0[1024], s1[1024];
    int rc = -1;
    if (h5r_read(d, &data, err, len) != 0)
        goto done;
    int has0 = h5r_scale(d, 0, s0, sizeof s0), has1 = data.rank == 2 && h5r_scale(d, 1, s1, sizeof s1);
    if (has0 && has1) {
        rc = export_grid(f, path, &data, s0, s1, err, len);
    } else if (has0) {
        hid_t a = H5Dopen2(f, s0, H5P_DEFAULT);
        rc = h5r_read(a, &axis, err, len);
        H5Dclose(a);
        if (rc == 0 && axis.dims[0] != data.dims[0]) {
            snprintf(err, len, "its axis has %zu values, the dataset %zu rows", axis.dims[0],
                     data.dims[0]);
            free(axis.v);
            rc = OD_EINPUT;     /* as export_grid: the file's fault, exit 2 */
        }
        if (rc == 0) {
            h5r_data cols[2] = { axis, data };
            char *paths[2] = { s0, (char *)path };
            print_table(2, cols, paths);
            free(axis.v);
        }
    } else {
        char *paths[1] = { (char *)path };
        print_table(1, &data, paths);
        rc = 0;
    }
    free(data.v);
done:
    H5Dclose(d);
    return rc;
}

static char *child_path(const char *group, const char *name)
{
    size_t n = strlen(group) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", group, group[strlen(group) - 1] == '/' ? "" : "/", name);
    return p;
}

static herr_t add_attr_name(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)loc;
    (void)info;
    names *an = data;
    for (size_t k = 0; k < an->n; k++)
        if (!strcmp(an->v[k], name))
            return 0;
    return collect(loc, name, NULL, an);
}

/* A group of groups: one row per child, one column per attribute name found on any child. */
static int export_summary(hid_t f, const char *path, names *ns)
{
    names an = { 0 };
    for (size_t i = 0; i < ns->n; i++) {
        char *cp = child_path(path, ns->v[i]);
        hid_t o = cp ? H5Oopen(f, cp, H5P_DEFAULT) : -1;
        if (o >= 0) {
            H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, add_attr_name, &an);
            H5Oclose(o);
        }
        free(cp);
    }
    printf("name");
    for (size_t k = 0; k < an.n; k++)
        printf("\t%s", an.v[k]);
    putchar('\n');
    for (size_t i = 0; i < ns->n; i++) {
        char *cp = child_path(path, ns->v[i]);
        printf("%s", ns->v[i]);
        for (size_t k = 0; k < an.n; k++) {
            char text[512] = "";
            hid_t a = cp && H5Aexists_by_name(f, cp, an.v[k], H5P_DEFAULT) > 0
                          ? H5Aopen_by_name(f, cp, an.v[k], H5P_DEFAULT, H5P_DEFAULT) : -1;
            if (a >= 0) {
                h5r_attr_text(a, text, sizeof text);
                H5Aclose(a);
            }
            for (char *p = text; *p; p++)
                if (*p == '\t' || *p == '\n')
                    *p = ' ';
            printf("\t%s", text);
        }
        putchar('\n');
        free(cp);
    }
    names_free(&an);
    return 0;
}

static int export_group(hid_t f, const char *path, char *err, size_t len)
{
    names ns = { 0 };
    hid_t g = H5Gopen2(f, path, H5P_DEFAULT);
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, &ns);
    H5Gclose(g);
    size_t nc = 0, rows = 0;
    h5r_data *cols = calloc(ns.n + 1, sizeof *cols);
    char **paths = calloc(ns.n + 1, sizeof *paths);
    int rc = -1, have_axis = 0;
    /* The row axis: a dimension scale in the group, else the first 1-D dataset (index axes,
     * which only number a dimension, are neither rows nor columns). */
    for (int pass = 0; pass < 2 && cols && paths && !have_axis; pass++)
        for (size_t i = 0; i < ns.n && !have_axis; i++) {
            char *cp = child_path(path, ns.v[i]);
            H5O_info_t oi;
            if (cp && H5Oget_info_by_name2(f, cp, &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
                oi.type == H5O_TYPE_DATASET) {
                hid_t d = H5Dopen2(f, cp, H5P_DEFAULT);
                if ((pass == 1 || H5DSis_scale(d) > 0) && !h5r_is_index_axis(d) &&
                    h5r_read(d, &cols[0], err, len) == 0) {
                    if (cols[0].rank == 1) {
                        have_axis = 1;
                        rows = cols[0].dims[0];
                        paths[nc++] = cp;
                        cp = NULL;
                    } else {
                        free(cols[0].v);
                        cols[0].v = NULL;
                    }
                }
                H5Dclose(d);
            }
            free(cp);
        }
    if (!have_axis) {
        /* datasets that are cubes (grids too) over the same axes: one long table */
        size_t nc2 = 0;
        for (size_t i = 0; i < ns.n; i++) {
            char *cp = child_path(path, ns.v[i]);
            if (cp && is_cube(f, cp, 1))
                paths[nc2++] = cp;
            else
                free(cp);
        }
        if (nc2) {
            rc = export_cube(f, nc2, (const char *const *)paths, err, len);
            for (size_t i = 0; i < nc2; i++)
                free(paths[i]);
            goto done;
        }
        rc = ns.n ? export_summary(f, path, &ns) : OD_EINPUT;   /* nothing to export */
        if (!ns.n)
            snprintf(err, len, "%s: empty group", path);
        goto done;
    }
    for (size_t i = 0; i < ns.n; i++) {
        char *cp = child_path(path, ns.v[i]), s1[8];
        H5O_info_t oi;
        if (!cp || !strcmp(cp, paths[0]) ||
            H5Oget_info_by_name2(f, cp, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
            oi.type != H5O_TYPE_DATASET) {
            free(cp);
            continue;
        }
        hid_t d = H5Dopen2(f, cp, H5P_DEFAULT);
        char tmp[256];
        if (!h5r_is_index_axis(d) && h5r_read(d, &cols[nc], tmp, sizeof tmp) == 0 &&
            cols[nc].dims[0] == rows &&
            !(cols[nc].rank == 2 && h5r_scale(d, 1, s1, sizeof s1)))
            paths[nc++] = cp;
        else {
            free(cols[nc].v);
            free(cp);
        }
        H5Dclose(d);
    }
    print_table(nc, cols, paths);
    rc = 0;
done:
    for (size_t c = 0; c < nc; c++) {
        free(cols[c].v);
        free(paths[c]);
    }
    free(cols);
    free(paths);
    names_free(&ns);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    int code;
    if (!cli_simple_args(argc, argv, "export", usage, help, 2, 2, &code))
        return code;
    const char *file = argv[optind], *path = argv[optind + 1];
    char err[2048];
    hid_t f = h5r_open(file, err, sizeof err);
    if (f < 0)
        return cli_error(EXIT_USAGE, "export", "%s", err);
    H5O_info_t oi;
    int rc;
    if (path[0] != '/' || H5LTpath_valid(f, path, 1) <= 0 ||
        H5Oget_info_by_name2(f, path, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        H5Fclose(f);
        return cli_error(EXIT_USAGE, "export", "%s: no object '%s' (paths start with '/'; "
                         "see `optdyn info %s`)", file, path, file);
    }
    rc = oi.type == H5O_TYPE_DATASET ? export_dataset(f, path, err, sizeof err)
                                     : export_group(f, path, err, sizeof err);
    H5Fclose(f);
    if (rc != 0)     /* an empty group is the user's mistake; a failed read, the file's */
        return cli_status_error(rc == OD_EINPUT ? OD_EINPUT : OD_EIO, "export", "%s: %s: %s",
                                file, path, err);
    return fflush(stdout) == 0 ? EXIT_OK : cli_error(EXIT_FAILURE_OTHER, "export", "write error");
}
