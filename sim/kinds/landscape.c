/* sim/kinds/landscape.c — loss on a rectangular grid for 2-D problems: landscape[j][i] = L(x_i, y_j),
 * so that rows run along x (gnuplot's and h5py's natural reading). */
#include "landscape.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int landscape_write(rec *r, const param_list *range, long points, const problem *pb,
                    const run_box *box)
{
    size_t m = (size_t)points;
    double lo[2], hi[2];
    for (int k = 0; k < 2; k++) {
        if (range->n == 4) {
            lo[k] = range->v[2 * k];
            hi[k] = range->v[2 * k + 1];
        } else {
            double span = box->hi[k] - box->lo[k];
            double pad = span > 0 ? 0.1 * span : 0.5 * (1.0 + fabs(box->lo[k]));
            lo[k] = box->lo[k] - pad;
            hi[k] = box->hi[k] + pad;
        }
    }
    double *ax = malloc(m * sizeof *ax), *ay = malloc(m * sizeof *ay);
    double *L = malloc(m * m * sizeof *L);
    if (!ax || !ay || !L) {
        free(ax);
        free(ay);
        free(L);
        return OD_ENOMEM;
    }
    for (size_t i = 0; i < m; i++) {
        ax[i] = lo[0] + (hi[0] - lo[0]) * (double)i / (double)(m - 1);
        ay[i] = lo[1] + (hi[1] - lo[1]) * (double)i / (double)(m - 1);
    }
    for (size_t j = 0; j < m; j++)
        for (size_t i = 0; i < m; i++) {
            double x[2] = { ax[i], ay[j] };
            L[j * m + i] = pb->type->loss(pb, x);
        }
    size_t dims[2] = { m, m };
    rec_array(r, "/problem/landscape_x", 1, &m, ax, NULL);
    rec_array(r, "/problem/landscape_y", 1, &m, ay, NULL);
    rec_array(r, "/problem/landscape", 2, dims, L, NULL);
    rec_attr_str(r, "/problem/landscape", "description", "loss L(x, y); rows: y, columns: x");
    rec_attach_scale(r, "/problem/landscape", 0, "/problem/landscape_y");
    rec_attach_scale(r, "/problem/landscape", 1, "/problem/landscape_x");
    free(ax);
    free(ay);
    free(L);
    return rec_status(r);
}

int landscape_misfits(const param_list *land, long dim, char *why, size_t len)
{
    if (!land->n || (land->n == 4 && dim == 2 && land->v[0] < land->v[1] && land->v[2] < land->v[3]))
        return 0;
    snprintf(why, len, "expected xmin, xmax, ymin, ymax with xmin < xmax, ymin < ymax for a 2-D "
             "problem (dim = %ld)", dim);
    return 1;
}
