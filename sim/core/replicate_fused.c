/* sim/core/replicate_fused.c — the fused Monte Carlo step: per tile of TILE coordinates, the normals
 * (rng_normals_at, into an L1 buffer), the gradient (grad_slice), the update (the rule's slice) and
 * x += dx (replicate_advance) and the loss terms at the new x (loss_lanes), so x, dx and the state
 * are touched once while in cache. */
#include "replicate.h"
#include "status.h"

enum { TILE = 512 };   /* coordinates per tile: z (4 KiB) and the tile of x, dx, state stay in L1;
                          a multiple of PROBLEM_LANES */

int replicate_can_fuse(const replicate *r)
{
    return r->type->slice && r->pb->type->grad_slice && r->pb->noise == PROBLEM_NOISE_GAUSS &&
           r->dr.z != NULL && !opt_train_grad_wrapped(&r->p->train);
}

int replicate_fused_step(replicate *r, const opt_params *p)
{
    const problem *pb = r->pb;
    const opt_slice *sl = r->type->slice;
    size_t n = pb->n;
    double z[TILE], k[OPT_SLICE_CONSTS], acc[PROBLEM_LANES] = { 0 };
    batch b = { r->dr.B, z, NULL, 0, NULL };
    int status = OD_OK;
    sl->prepare(r->t, p, k);
    for (size_t i0 = 0; i0 < n; i0 += TILE) {
        size_t len = n - i0 < TILE ? n - i0 : TILE;
        double *dx = r->dx + i0;
        rng_normals_at(&r->dr.noise, (uint64_t)r->t, i0, len, z);
        int s = pb->type->grad_slice(pb, r->x, &b, i0, len, dx);
        status = status == OD_OK ? s : status;
        sl->update(r->st, n, i0, len, k, dx);
        replicate_advance(r, p, i0, len, dx);
        if (pb->type->loss_lanes)
            pb->type->loss_lanes(pb, r->x, i0, len, acc);
    }
    if (pb->type->loss_lanes) {
        r->loss = problem_lanes_total(acc);
        r->loss_t = r->t;
    }
    return status;
}
