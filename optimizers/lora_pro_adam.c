/* optimizers/lora_pro_adam.c — LoRA-Pro with Adam (Wang & Liang 2024, arXiv 2407.18242, their
 * Algorithm with full-size moments) on a factorized problem W = W_f + s A B:
 *   (H_A, H_B) = lora_pro_solve(A, B, g_A/s^2, g_B/s^2);  g~ = s (H_A B + A H_B)  (m x k, the
 *   equivalent full gradient: the projection of G onto the factorization's tangent space);
 *   M <- b1 M + (1-b1) g~;  V <- b2 V + (1-b2) g~^2;  D = Mh/(sqrt(Vh) + eps)  (bias-corrected);
 *   (H_A, H_B) = lora_pro_solve(A, B, D B^T/s, A^T D/s);  A <- A - lr H_A;  B <- B - lr H_B
 * so that s (H_A B + A H_B) is D's projection: W follows Adam's full-matrix direction as closely
 * as a rank-r change can. On any other problem (factor_scale = 0): Adam.
 * state: factorized [M (mk) | V (mk) | D (mk) | G' (n) | scratch]; else [m (n) | v (n)]. */
#include <string.h>


#include "../sim/core/status.h"
#include "adam.h"
#include "lora_pro.h"
#include "../sim/core/matmul.h"

static size_t state_of(const problem *pb)
{
    size_t m, r, k, n = lora_pro_dims(pb, &m, &r, &k);
    return n ? 3 * m * k + n + lora_pro_work_size(m, r, k) : 2 * pb->n;
}

/* Without the problem only Adam's 2n are known (callers size the state with opt_state_len). */
static size_t state_n(size_t n) { return 2 * n; }

static int step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                const problem *pb, const batch *b, double *dx)
{
    const adam_params *p = OPT_OWN(adam_params, pp);
    int status = pb->type->grad(pb, x, b, dx);
    size_t m, r, k;
    if (!lora_pro_dims(pb, &m, &r, &k)) {
        adam_moments_step(p->b1, p->b2, p->eps, p->lr, t, st, st + n, dx, n);
        return status;
    }
    const double s = pb->factor_scale, *A = x, *B = x + m * r;
    double *M = st, *V = M + m * k, *D = V + m * k, *G = D + m * k, *work = G + n;
    for (size_t i = 0; i < n; i++)
        G[i] = dx[i] / (s * s);
    lora_pro_factor_step(pb, x, G, dx, work);
    matmul(0, 0, m, k, r, s, dx, B, 0.0, D);                      /* g~ = s H_A B */
    matmul(0, 0, m, k, r, s, A, dx + m * r, 1.0, D);              /*    + s A H_B */
    adam_moments_step(p->b1, p->b2, p->eps, -1.0, t, M, V, D, m * k);   /* D = Mh/(sqrt(Vh)+eps) */
    matmul(0, 1, m, r, k, 1.0 / s, D, B, 0.0, G);                 /* D B^T/s */
    matmul(1, 0, r, k, m, 1.0 / s, A, D, 0.0, G + m * r);         /* A^T D/s */
    lora_pro_factor_step(pb, x, G, dx, work);
    for (size_t i = 0; i < n; i++)
        dx[i] *= -p->lr;
    return status;
}

static const param_spec specs[] = {
    OPT_PARAM_LR,
    ADAM_PARAM_BETAS,
    OPT_PARAM_EPS(adam_params, "1e-8"),
    OPT_PARAM_EMA,
    OPT_PARAM_END,
};

const opt_type opt_lora_pro_adam = {
    .name = "lora_pro_adam",
    .summary = "LoRA-Pro with Adam: full-size moments of the equivalent gradient, factor steps "
               "matching Adam's direction (factorized problems; else adam)",
    .rule = "g~ = P(G) (tangent projection); M, V Adam moments of g~; D = Mh/(sqrt(Vh)+eps); "
            "(H_A, H_B) = argmin |s(H_A B + A H_B) - D|_F with LoRA-Pro's C; A <- A - lr*H_A; "
            "B <- B - lr*H_B",
    .params = specs,
    .state_size = state_n,
    .state_size_of = state_of,
    .step = step,
    .caps = OPT_CAP_SIGN_LIKE,
};
