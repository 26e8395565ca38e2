/* sim/core/frozen.c — the frozen-gradient wrapper used by the one-step Monte Carlo: the problem type's
 * gradient and Hessian ignore their point and answer for the base problem at x. */
#include "frozen.h"
#include "status.h"

static const frozen *ctx(const problem *pb) { return pb->data; }

static double frozen_loss(const problem *pb, const double *y)
{
    return ctx(pb)->base->type->loss(ctx(pb)->base, y);
}

static int frozen_grad(const problem *pb, const double *y, const batch *b, double *g)
{
    (void)y;
    return ctx(pb)->base->type->grad(ctx(pb)->base, ctx(pb)->x, b, g);
}

static int frozen_hvp(const problem *pb, const double *y, const double *v, double *hv)
{
    (void)y;
    return ctx(pb)->base->type->hvp(ctx(pb)->base, ctx(pb)->x, v, hv);
}

static int frozen_hess_diag(const problem *pb, const double *y, double *d)
{
    (void)y;
    const problem *base = ctx(pb)->base;
    return base->type->hess_diag ? base->type->hess_diag(base, ctx(pb)->x, d) : OD_ENOTSUP;
}

static const problem_type frozen_type = {
    .name = "frozen",
    .summary = "gradient frozen at a point",
    .loss = frozen_loss,
    .grad = frozen_grad,
    .hvp = frozen_hvp,
    .hess_diag = frozen_hess_diag,
};

void frozen_init(frozen *f, const problem *base, const double *x)
{
    f->pb = *base;
    f->pb.type = &frozen_type;
    f->pb.data = f;
    f->base = base;
    f->x = x;
}
