/* sim/kinds/landscape.h — the loss of a 2-D problem on a grid, recorded as /problem/landscape with
 * its axes /problem/landscape_x and _y attached as dimension scales (for contour plots). */
#ifndef OPTDYN_LANDSCAPE_H
#define OPTDYN_LANDSCAPE_H

#include "../input/config.h"
#include "../core/problem.h"
#include "../output/rec.h"
#include "run.h"

/* m x m grid over range (xmin, xmax, ymin, ymax) when given (4 values), else over box padded
 * by 10% of its span. */
int landscape_write(rec *r, const param_list *range, long m, const problem *pb,
                    const run_box *box);

/* Is the [run]/[flow] landscape range unfit for a problem of dimension dim (why says so)? */
int landscape_misfits(const param_list *range, long dim, char *why, size_t len);

/* The keys of the loss landscape of 2-D problems, in [run] and [flow]. */
#define LANDSCAPE_SPECS(type) \
    { "landscape", PARAM_LIST, offsetof(type, landscape), NULL, -1e300, 1e300, PARAM_OPTIONAL, \
      NULL, "2-D problems: xmin, xmax, ymin, ymax of the recorded loss grid " \
      "(default: around x0, the minimizer and the iterates)" }, \
    { "landscape_points", PARAM_INT, offsetof(type, landscape_points), "201", 2, 2001, 0, NULL, \
      "grid points per axis of the loss landscape (2-D problems)" }


#endif
