/* sim/kinds/weight_gap.h — the distance |W(x_t) - W(x_t^ref)|_F of each trajectory's weight matrix to
 * that of a reference optimizer at the same recorded row ([run] reference; problem hook `weight`). */
#ifndef OPTDYN_WEIGHT_GAP_H
#define OPTDYN_WEIGHT_GAP_H

#include <stddef.h>

#include "../core/problem.h"

typedef struct weight_gap {
    size_t size;           /* entries of W */
    size_t rows, filled;   /* recorded rows held, rows the reference wrote */
    double *ref;           /* rows x size: the reference's W at each recorded row */
    double *W;             /* size: scratch */
} weight_gap;

/* Room for `rows` recorded rows of pb's weight; OD_ENOMEM. */
int weight_gap_init(weight_gap *g, const problem *pb, size_t rows);
void weight_gap_free(weight_gap *g);
/* Row `row` of a run at x: the reference (is_ref) stores W(x) and gets 0; any other run gets
 * |W(x) - W_ref(row)|_F, NAN past the reference's last row (it diverged earlier). */
double weight_gap_at(weight_gap *g, const problem *pb, const double *x, size_t row, int is_ref);

#endif
