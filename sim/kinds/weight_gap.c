/* sim/kinds/weight_gap.c — the reference optimizer's weight matrices, row by row, and every other
 * run's Frobenius distance to them (sim/kinds/weight_gap.h). */
#include "weight_gap.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int weight_gap_init(weight_gap *g, const problem *pb, size_t rows)
{
    memset(g, 0, sizeof *g);
    g->size = pb->type->weight(pb, pb->x0, NULL);
    g->rows = rows;
    g->ref = malloc(rows * g->size * sizeof *g->ref);
    g->W = malloc(g->size * sizeof *g->W);
    if (!g->ref || !g->W) {
        weight_gap_free(g);
        return OD_ENOMEM;
    }
    return OD_OK;
}

void weight_gap_free(weight_gap *g)
{
    free(g->ref);
    free(g->W);
    g->ref = g->W = NULL;
}

double weight_gap_at(weight_gap *g, const problem *pb, const double *x, size_t row, int is_ref)
{
    if (row >= g->rows)
        return NAN;
    if (is_ref) {
        pb->type->weight(pb, x, g->ref + row * g->size);
        g->filled = row + 1;
        return 0.0;
    }
    if (row >= g->filled)
        return NAN;
    pb->type->weight(pb, x, g->W);
    const double *R = g->ref + row * g->size;
    double s = 0.0;
    for (size_t i = 0; i < g->size; i++)
        s += (g->W[i] - R[i]) * (g->W[i] - R[i]);
    return sqrt(s);
}
