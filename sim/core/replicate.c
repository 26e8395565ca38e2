/* sim/core/replicate.c — advance one run: batch b_t = draw(t); dx = step(x; b_t); x += dx;
 * xbar <- ema*xbar + (1-ema)*x. Buffers are allocated once, at init. */
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
    r->st = opt_state_alloc(type, n, p);
    if (p->ema > 0)
        r->xbar = malloc(n * sizeof *r->xbar);
    if (status == OD_OK && (!r->x || !r->dx || !r->st || (p->ema > 0 && !r->xbar)))
        status = OD_ENOMEM;
    if (status != OD_OK) {
        replicate_free(r);
        return status;
    }
    problem_start(pb, seed, stream, r->x);
    if (r->xbar)
        memcpy(r->xbar, r->x, n * sizeof *r->x);
    return OD_OK;
}

int replicate_step(replicate *r)
{
    size_t n = r->pb->n;
    batch b;
    draw_step(&r->dr, ++r->t, &b);
    int status = r->type->step(r->st, n, r->t, r->p, r->x, r->pb, &b, r->dx);
    for (size_t i = 0; i < n; i++)
        r->x[i] += r->dx[i];
    if (r->xbar) {
        double g = r->p->ema;
        for (size_t i = 0; i < n; i++)
            r->xbar[i] = g * r->xbar[i] + (1.0 - g) * r->x[i];
    }
    return status;
}

double replicate_loss(const replicate *r)
{
    return r->pb->type->loss(r->pb, r->x);
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
