/* sim/core/replicate.c — advance one run: batch b_t = draw(t); dx = step(x; b_t) with lr_t =
 * lr*s(t) and the gradients clipped / + l2*x (train_grad.c); dx and wd of the blocks from
 * lr_ratio_from on scaled by lr_ratio (per-block lr); x <- x*(1 - lr_t*wd) + dx;
 * xbar <- ema*xbar + (1-ema)*x. Buffers are allocated once, at init. Element-wise rules on
 * element-wise problems take the same step tile by tile instead (replicate_fused.c). */
#include "replicate.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

int replicate_init(replicate *r, const problem *pb, const opt_type *type, const opt_params *p,
                   double B, uint64_t seed, uint64_t stream)
{
    size_t n = pb->n;
    memset(r, 0, sizeof *r);
    r->pb = pb;
    r->type = type;
    r->p = p;
    int status = draw_init(&r->dr, pb, B, seed, stream);
    r->x = malloc(n * sizeof *r->x);
    r->dx = malloc(n * sizeof *r->dx);
    r->st = opt_state_alloc_on(type, pb, p);
    if (p->ema > 0)
        r->xbar = malloc(n * sizeof *r->xbar);
    if (status == OD_OK && (!r->x || !r->dx || !r->st || (p->ema > 0 && !r->xbar)))
        status = OD_ENOMEM;
    if (status != OD_OK) {
        replicate_free(r);
        return status;
    }
    train_grad_init(&r->wrap, pb, &p->train);
    r->fused = replicate_can_fuse(r);
    r->loss_t = -1;
    problem_start(pb, seed, stream, r->x);
    if (r->xbar)
        memcpy(r->xbar, r->x, n * sizeof *r->x);
    return OD_OK;
}

double replicate_lr(const replicate *r, long t)
{
    return opt_train_scheduled(&r->p->train) ? r->p->lr * opt_schedule_factor(&r->p->train, t)
                                             : r->p->lr;
}

void replicate_advance(replicate *r, const opt_params *p, size_t i0, size_t len, double *dx)
{
    const opt_train *tr = &r->p->train;
    double *x = r->x + i0;
    if (opt_train_block_lr(tr)) {
        size_t from;
        problem_block_at(r->pb, (size_t)tr->lr_ratio_from, &from);
        from = from > i0 ? (from - i0 < len ? from - i0 : len) : 0;   /* within the slice */
        for (size_t i = from; i < len; i++)
            dx[i] *= tr->lr_ratio;
        if (tr->weight_decay > 0) {
            double keep = 1.0 - p->lr * tr->weight_decay,
                   keep_b = 1.0 - p->lr * tr->lr_ratio * tr->weight_decay;
            for (size_t i = 0; i < len; i++)
                x[i] = x[i] * (i < from ? keep : keep_b) + dx[i];
        } else {
            for (size_t i = 0; i < len; i++)
                x[i] += dx[i];
        }
    } else if (tr->weight_decay > 0) {
        double keep = 1.0 - p->lr * tr->weight_decay;
        for (size_t i = 0; i < len; i++)
            x[i] = x[i] * keep + dx[i];
    } else {
        for (size_t i = 0; i < len; i++)
            x[i] += dx[i];
    }
    if (r->xbar) {
        double g = r->p->ema, *xbar = r->xbar + i0;
        for (size_t i = 0; i < len; i++)
            xbar[i] = g * xbar[i] + (1.0 - g) * x[i];
    }
}

int replicate_step(replicate *r)
{
    size_t n = r->pb->n;
    const opt_params *p = r->p;
    const problem *pb = opt_train_grad_wrapped(&p->train) ? &r->wrap.pb : r->pb;
    r->t++;
    if (opt_train_scheduled(&p->train)) {
        r->pt = *r->p;
        r->pt.lr = replicate_lr(r, r->t);
        p = &r->pt;
    }
    if (r->fused)
        return replicate_fused_step(r, p);
    batch b;
    draw_step_at(&r->dr, r->t, r->x, &b);
    int status = r->type->step(r->st, n, r->t, p, r->x, pb, &b, r->dx);
    replicate_advance(r, p, 0, n, r->dx);
    return status;
}

double replicate_loss(const replicate *r)
{
    return r->loss_t == r->t ? r->loss : r->pb->type->loss(r->pb, r->x);
}

double replicate_judged_loss(const replicate *r)
{
    return r->pb->type->loss(r->pb, r->xbar ? r->xbar : r->x);
}

void replicate_free(replicate *r)
{
    draw_free(&r->dr);
    free(r->x);
    free(r->dx);
    free(r->st);
    free(r->xbar);
    r->x = r->dx = r->st = r->xbar = NULL;
}
