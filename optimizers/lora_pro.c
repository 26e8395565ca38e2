/* optimizers/lora_pro.c — LoRA-Pro with SGD (Wang & Liang 2024, arXiv 2407.18242) on a factorized
 * problem W = W_f + s A B (problem_block 0 = A (m x r), 1 = B (r x k), s = pb->factor_scale):
 *   (g_A, g_B) = (s G B^T, s A^T G);  G' = G/s, so G'_A = g_A/s^2, G'_B = g_B/s^2;
 *   (H_A, H_B) = lora_pro_solve(A, B, G'_A, G'_B) with LoRA-Pro's Sylvester C;
 *   A <- A - lr H_A,  B <- B - lr H_B
 * so that s (H_A B + A H_B) = P_A G + G P_B - P_A G P_B: to first order in lr, W moves along the
 * projection of the full gradient onto the factorization's tangent space.
 * On any other problem (factor_scale = 0): x <- x - lr g (plain SGD).
 * state: scratch [G' (n) | lora_pro_work_size], overwritten before it is read. */
#include <string.h>

#include "../sim/core/status.h"
#include "lora_pro.h"

size_t lora_pro_dims(const problem *pb, size_t *m, size_t *r, size_t *k)
{
    *m = *r = *k = 0;
    if (!(pb->factor_scale > 0))
        return 0;
    problem_block A = problem_block_at(pb, 0, NULL), B = problem_block_at(pb, 1, NULL);
    *m = A.rows, *r = A.cols, *k = B.cols;
    return *m * *r + *r * *k;
}

void lora_pro_factor_step(const problem *pb, const double *x, const double *G, double *dx,
                          double *work)
{
    size_t m, r, k;
    lora_pro_dims(pb, &m, &r, &k);
    size_t nA = m * r;
    lora_pro_solve(x, x + nA, G, G + nA, NULL, m, r, k, dx, dx + nA, work);
}

/* The state on pb: G' and the solver's scratch when factorized, else none. */
static size_t lora_pro_state_of(const problem *pb)
{
    size_t m, r, k, n = lora_pro_dims(pb, &m, &r, &k);
    return n ? n + lora_pro_work_size(m, r, k) : 0;
}

/* Without the problem: n + 7 r^2 + 2r <= 6n (r(m + k) = n and r <= m, k give r^2 <= n/2). */
static size_t lora_pro_state(size_t n) { return 6 * n + 16; }

static int lora_pro_step(double *st, size_t n, long t, const opt_params *p, const double *x,
                         const problem *pb, const batch *b, double *dx)
{
    (void)t;
    int status = pb->type->grad(pb, x, b, dx);
    double s = pb->factor_scale;
    if (s > 0) {
        for (size_t i = 0; i < n; i++)
            st[i] = dx[i] / (s * s);
        lora_pro_factor_step(pb, x, st, dx, st + n);
    }
    for (size_t i = 0; i < n; i++)
        dx[i] *= -p->lr;
    return status;
}

static const param_spec lora_pro_params[] = { OPT_PARAM_LR, OPT_PARAM_EMA, OPT_PARAM_END };

const opt_type opt_lora_pro = {
    .name = "lora_pro",
    .summary = "LoRA-Pro with SGD: factor steps whose low-rank change best matches the full "
               "gradient (factorized problems; else sgd)",
    .rule = "(H_A, H_B) = argmin |s(H_A B + A H_B) - G|_F with LoRA-Pro's Sylvester C; "
            "A <- A - lr*H_A; B <- B - lr*H_B",
    .params = lora_pro_params,
    .state_size = lora_pro_state,
    .state_size_of = lora_pro_state_of,
    .step = lora_pro_step,
};
