/* sim/cli/export_cube.h — long-format TSV export of datasets that carry an axis (dimension
 * scale) on every dimension, such as the sweep cubes [optimizer][batch][lr][seed][target]. */
#ifndef OPTDYN_EXPORT_CUBE_H
#define OPTDYN_EXPORT_CUBE_H

#include <hdf5.h>
#include <stddef.h>

/* Rank, dims and scale paths when d has a scale on every dimension; 0 otherwise. */
int cube_shape(hid_t d, int *rank, size_t *dims, char scales[][512]);
/* The nd datasets (same shape and axes) as one long table on stdout; -1 with err set. */
int export_cube(hid_t f, size_t nd, const char *const *paths, char *err, size_t len);

#endif
