/* sim/core/train_grad.c — gradient clipping and coupled L2 around any problem (train_grad.h):
 *   g <- grad(x; b);  g <- g*min(1, c/|g|)  (clip_norm c, the whole vector or each block);
 *   g <- g + l2*x     (after clipping, as torch adds weight_decay inside optimizer.step()).
 * The loss, Hessian action and diagonal are those of L(x) + l2/2 |x|^2 (clipping has none). */
#include "train_grad.h"
#include "status.h"

#include <math.h>

static const train_grad *wrap_of(const problem *pb) { return pb->data; }

static void scale_clip(double *g, size_t n, double c)
{
    double norm = sqrt(problem_dot(n, g, g));
    if (norm > c)
        for (size_t i = 0; i < n; i++)
            g[i] *= c / norm;
}

void train_grad_clip(const problem *pb, double c, int per_block, double *g)
{
    if (!per_block) {
        scale_clip(g, pb->n, c);
        return;
    }
    for (size_t k = 0; k < problem_block_count(pb); k++) {
        size_t off;
        problem_block bl = problem_block_at(pb, k, &off);
        scale_clip(g + off, problem_block_size(&bl), c);
    }
}

static double wrap_loss(const problem *pb, const double *x)
{
    const train_grad *w = wrap_of(pb);
    double f = w->inner->type->loss(w->inner, x);
    return w->tr->l2 > 0 ? f + 0.5 * w->tr->l2 * problem_dot(pb->n, x, x) : f;
}

static int wrap_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const train_grad *w = wrap_of(pb);
    int status = w->inner->type->grad(w->inner, x, b, g);
    if (w->tr->clip_norm > 0)
        train_grad_clip(w->inner, w->tr->clip_norm, w->tr->clip_per_block, g);
    if (w->tr->l2 > 0)
        for (size_t i = 0; i < pb->n; i++)
            g[i] += w->tr->l2 * x[i];
    return status;
}

static int wrap_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const train_grad *w = wrap_of(pb);
    int status = w->inner->type->hvp(w->inner, x, v, hv);
    for (size_t i = 0; w->tr->l2 > 0 && i < pb->n; i++)
        hv[i] += w->tr->l2 * v[i];
    return status;
}

static int wrap_hess_diag(const problem *pb, const double *x, double *d)
{
    const train_grad *w = wrap_of(pb);
    int status = w->inner->type->hess_diag(w->inner, x, d);
    for (size_t i = 0; w->tr->l2 > 0 && i < pb->n; i++)
        d[i] += w->tr->l2;
    return status;
}

/* Two tables: with and without the inner problem's Hessian (rules test hvp for NULL). */
#define WRAP_TYPE(HVP, DIAG) { .name = "train_grad", .summary = "clipping and L2 around a problem", \
    .loss = wrap_loss, .grad = wrap_grad, .hvp = HVP, .hess_diag = DIAG }
static const problem_type wrap_types[4] = {
    WRAP_TYPE(NULL, NULL), WRAP_TYPE(wrap_hvp, NULL), WRAP_TYPE(NULL, wrap_hess_diag),
    WRAP_TYPE(wrap_hvp, wrap_hess_diag),
};

void train_grad_init(train_grad *w, const problem *inner, const opt_train *tr)
{
    w->pb = *inner;
    w->pb.type = &wrap_types[(inner->type->hvp != NULL) + 2 * (inner->type->hess_diag != NULL)];
    w->pb.data = w;
    w->inner = inner;
    w->tr = tr;
}
