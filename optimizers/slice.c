/* optimizers/slice.c — the step of an element-wise rule from its slice (opt.h): the same prepare and
 * update the fused Monte Carlo step applies tile by tile, so the two paths share the arithmetic. */
#include "opt.h"

int opt_slice_step(const opt_slice *sl, double *st, size_t n, long t, const opt_params *p,
                   const double *x, const problem *pb, const batch *b, double *dx)
{
    double k[OPT_SLICE_CONSTS];
    int status = pb->type->grad(pb, x, b, dx);
    sl->prepare(t, p, k);
    sl->update(st, n, 0, n, k, dx);
    return status;
}
