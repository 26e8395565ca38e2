/* sim/cli/export_cube.c — N-dimensional datasets whose every dimension has a scale (sweep cubes)
 * exported in long format: one row per element, the axis values first (strings for optimizer
 * names), then the value of each dataset; two blank lines whenever the first axis advances
 * (gnuplot `index` blocks, e.g. one per optimizer). */
#include "export_cube.h"
#include "../output/h5read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One axis: numeric values or strings. */
typedef struct axis {
    char path[512];
    size_t n;
    h5r_data num;
    char **str;
} axis;

static void axis_free(axis *a)
{
    free(a->num.v);
    for (size_t i = 0; a->str && i < a->n; i++)
        free(a->str[i]);
    free(a->str);
}

static int axis_read(hid_t f, const char *path, axis *a, char *err, size_t len)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) {
        snprintf(err, len, "cannot open axis %s", path);
        return -1;
    }
    hid_t t = H5Dget_type(d);
    int rc;
    if (H5Tget_class(t) == H5T_STRING) {
        rc = h5r_read_strings(d, &a->str, &a->n, err, len);
    } else {
        rc = h5r_read(d, &a->num, err, len);
        a->n = a->num.dims[0];
    }
    H5Tclose(t);
    H5Dclose(d);
    return rc;
}

static void axis_print(const axis *a, size_t i)
{
    if (a->str)
        fputs(a->str[i], stdout);
    else
        h5r_print_value(a->num.v[i], a->num.integer);
}

/* Shape and scale paths of a dataset whose every dimension has a scale; 0 when not a cube. */
int cube_shape(hid_t d, int *rank, size_t *dims, char scales[][512])
{
    hid_t space = H5Dget_space(d);
    hsize_t hd[8];
    *rank = H5Sget_simple_extent_ndims(space);
    int ok = *rank >= 1 && *rank <= 8 && H5Sget_simple_extent_dims(space, hd, NULL) >= 0;
    H5Sclose(space);
    for (int k = 0; ok && k < *rank; k++) {
        dims[k] = hd[k];
        ok = h5r_axis(d, (unsigned)k, scales[k], 512);
    }
    return ok;
}

int export_cube(hid_t f, size_t nd, const char *const *paths, char *err, size_t len)
{
    int rank = 0, rc = -1;
    size_t dims[8], total = 1;
    char scales[8][512];
    axis ax[8];
    h5r_data *val = calloc(nd, sizeof *val);
    int naxes = 0;
    for (size_t j = 0; val && j < nd; j++) {
        hid_t d = H5Dopen2(f, paths[j], H5P_DEFAULT);
        int r2;
        size_t d2[8];
        char s2[8][512];
        int ok = d >= 0 && cube_shape(d, &r2, d2, j ? s2 : scales) &&
                 (j == 0 || (r2 == rank && !memcmp(d2, dims, (size_t)rank * sizeof *dims))) &&
                 h5r_read_any(d, &val[j], err, len) == 0;
        if (j == 0) {
            rank = r2;
            memcpy(dims, d2, sizeof dims);
        }
        if (d >= 0)
            H5Dclose(d);
        if (!ok) {
            snprintf(err, len, "%s: not a dataset with an axis on every dimension, or of a "
                     "different shape", paths[j]);
            goto done;
        }
    }
    for (; naxes < rank; naxes++)
        if (axis_read(f, scales[naxes], &ax[naxes], err, len) != 0 || ax[naxes].n != dims[naxes]) {
            naxes++;
            goto done;
        }
    for (int k = 0; k < rank; k++) {
        const char *base = strrchr(scales[k], '/');
        printf(k ? "\t%s" : "%s", base ? base + 1 : scales[k]);
        total *= dims[k];
    }
    for (size_t j = 0; j < nd; j++) {
        const char *base = strrchr(paths[j], '/');
        printf("\t%s", base ? base + 1 : paths[j]);
    }
    putchar('\n');
    for (size_t e = 0; e < total; e++) {
        size_t idx[8], rest = e;
        for (int k = rank - 1; k >= 0; k--) {
            idx[k] = rest % dims[k];
            rest /= dims[k];
        }
        if (e > 0 && rank > 1 && e % (total / dims[0]) == 0)
            fputs("\n\n", stdout);
        for (int k = 0; k < rank; k++) {
            if (k)
                putchar('\t');
            axis_print(&ax[k], idx[k]);
        }
        for (size_t j = 0; j < nd; j++) {
            putchar('\t');
            h5r_print_value(val[j].v[e], val[j].integer);
        }
        putchar('\n');
    }
    rc = 0;
done:
    for (int k = 0; k < naxes; k++)
        axis_free(&ax[k]);
    for (size_t j = 0; val && j < nd; j++)
        free(val[j].v);
    free(val);
    return rc;
}
