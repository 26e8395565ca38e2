/* sim/cli/cmd_info.c — `optdyn info OUT.h5`: the root attributes (experiment text included),
 * then every group and dataset with shape, type, attached axes and attributes. */
#include "cli.h"

#include <getopt.h>
#include "../output/h5read.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "optdyn info OUT.h5";
static const char help[] =
    "Usage: optdyn info OUT.h5\n"
    "Describe an output file: root attributes (experiment file verbatim, version, seed,\n"
    "conventions), then each group and dataset with its shape, element type, the axes\n"
    "attached as dimension scales, and its attributes. Schema: docs/hdf5-schema.md.\n";

static herr_t print_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    const char *indent = data;
    char text[65536];
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    h5r_attr_text(a, text, sizeof text);
    H5Aclose(a);
    if (strchr(text, '\n')) {
        printf("%s@%s =\n", indent, name);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            printf("%s    | %s\n", indent, line);
    } else {
        printf("%s@%s = %s\n", indent, name, text);
    }
    return 0;
}

static void print_dataset(hid_t f, const char *path)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), space = H5Dget_space(d), type = H5Dget_type(d);
    hsize_t dims[8] = { 0 };
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rank = 0;     /* h5check_file admits ranks <= 8 only */
    printf("/%s  [", path);
    for (int k = 0; k < rank; k++)
        printf(k ? " x %llu" : "%llu", (unsigned long long)dims[k]);
    printf("] %s", H5Tget_class(type) == H5T_INTEGER ? "int64" : H5Tget_class(type) == H5T_FLOAT
                                                                     ? "float64" : "other");
    if (H5DSis_scale(d) > 0)
        printf("  (axis)");
    for (int k = 0; k < rank; k++) {
        char s[1024];
        if (h5r_axis(d, (unsigned)k, s, sizeof s))
            printf("  dim %d: %s", k, s);
    }
    putchar('\n');
    H5Aiterate2(d, H5_INDEX_NAME, H5_ITER_INC, NULL, print_attr, "    ");
    H5Tclose(type);
    H5Sclose(space);
    H5Dclose(d);
}

static herr_t visit(hid_t f, const char *name, const H5O_info_t *info, void *data)
{
    (void)data;
    if (!strcmp(name, "."))
        return 0;
    if (info->type == H5O_TYPE_GROUP) {
        printf("/%s/\n", name);
        hid_t g = H5Gopen2(f, name, H5P_DEFAULT);
        H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, print_attr, "    ");
        H5Gclose(g);
    } else if (info->type == H5O_TYPE_DATASET) {
        print_dataset(f, name);
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    int code;
    if (!cli_simple_args(argc, argv, "info", usage, help, 1, 1, &code))
        return code;
    char err[2048];
    hid_t f = h5r_open(argv[optind], err, sizeof err);
    if (f < 0)
        return cli_error(EXIT_USAGE, "info", "%s", err);
    printf("%s\n", argv[optind]);
    H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, NULL, print_attr, "  ");
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, NULL, H5O_INFO_BASIC);
    H5Fclose(f);
    return EXIT_OK;
}
