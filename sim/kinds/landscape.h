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

#endif
