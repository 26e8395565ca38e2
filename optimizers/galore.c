/* optimizers/galore.c — GaLore (Zhao et al. 2024, arXiv 2403.03507, Algorithm 2): Adam on the gradient
 * projected to a rank-r subspace refreshed every T steps, per matrix block; a fallback rule on vectors.
 *   matrix block G (a x b), d = min(a, b), k = min(rank, d); H = G if a < b (left side), else
 *   H = G^T (right side: the paper's G Q^T with Q = V_k^T), so H is d x e, e = max(a, b):
 *   at t = 1, 1 + T, 1 + 2T, ...:  B (d x k) <- an orthonormal basis of a rank-k range of H:
 *     svd:    the top-k left singular vectors of H (sign: each column's largest-|.| entry > 0)
 *     id:     Q of the k columns of H chosen by column-pivoted QR (the ID's C), R_ii > 0
 *     random: Q of H Omega (Omega e x k Gaussian, Philox (sketch_seed, block, refresh)) with
 *             power_steps products H H^T in between (randomized range finder), R_ii > 0
 *   R = B^T H (k x e) (id, at a refresh: R's entries below the pivoted R factor's diagonal are 0
 *   exactly, not rounding noise that Adam's normalization would amplify to |noise|/eps);
 *   m <- b1 m + (1-b1) R;  v <- b2 v + (1-b2) R^2  (moments kept across refreshes)
 *   N = (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps);  x_block <- x_block - lr * alpha * (B N or (B N)^T)
 *   vector blocks: fallback = adam (same betas and eps, lr_v = fallback_lr or lr) or sgd
 * state: st = [m(n) | v(n) | B(n) | scratch(8n + 16)]: block i's m, v hold its k e projected
 * moments and B its d k basis at the block's offset (the rest stays 0); galore_state_used counts
 * the persistent doubles 2 k e + d k per matrix block, 2 len per vector block with adam. */
#include <math.h>
#include <string.h>

#include "../sim/core/lowrank.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"
#include "adam.h"
#include "opt.h"

enum { GALORE_SVD, GALORE_ID, GALORE_RANDOM };
enum { GALORE_ADAM, GALORE_SGD };

typedef struct galore_params {
    OPT_ADAPTIVE_HEAD;
    double b1, b2, alpha;
    long rank, period, sketch_seed, power_steps;
    int projection, fallback;
    double fallback_lr;
} galore_params;
OPT_ADAPTIVE_FIT(galore_params);

static size_t galore_state(size_t n) { return 11 * n + 16; }

/* The block's shape as H (d x e), its rank k and side (left: H = G). */
typedef struct galore_shape {
    size_t d, e, k;
    int left;
} galore_shape;

static galore_shape shape_of(const galore_params *p, const problem_block *blk)
{
    galore_shape s = { .left = blk->rows < blk->cols };
    s.d = s.left ? blk->rows : blk->cols;
    s.e = s.left ? blk->cols : blk->rows;
    s.k = (size_t)p->rank < s.d ? (size_t)p->rank : s.d;
    return s;
}

/* B (d x k) from H (d x e) at refresh number `refresh` of block `blk`; work: 6n doubles. */
static int refresh_basis(const galore_params *p, const galore_shape *s, const double *H,
                         size_t blk, long refresh, double *B, double *work)
{
    size_t d = s->d, e = s->e, k = s->k;
    if (p->projection == GALORE_SVD) {
        double *U = work, *sv = U + d * d, *V = sv + d;
        int status = lowrank_svd(H, d, e, U, sv, V, V + e * d);
        for (size_t i = 0; i < d && status == OD_OK; i++)
            memcpy(B + i * k, U + i * d, k * sizeof *B);
        return status;
    }
    if (p->projection == GALORE_ID) {
        double err, *Z = work + e;             /* work[0..e): the pivot order, as size_t */
        size_t *cols = (size_t *)(void *)work;
        return lowrank_id(H, d, e, k, cols, Z, B, &err, Z + k * e);
    }
    double *Om = work;
    rng_stream st = rng_stream_make((uint64_t)p->sketch_seed, RNG_SKETCH, blk);
    rng_normals(&st, (uint64_t)refresh, e * k, Om);
    return lowrank_range(H, d, e, Om, k, p->power_steps, B, Om + e * k);
}

/* One matrix block: dx (its a x b gradient on entry) <- its update. */
static int matrix_block(const galore_params *p, long t, const problem_block *blk, size_t bi,
                        double *m, double *v, double *B, double *g, double *work)
{
    galore_shape s = shape_of(p, blk);
    size_t d = s.d, e = s.e, k = s.k;
    double *H = work, *R = H + d * e, *w = R + d * e;
    if (s.left)
        memcpy(H, g, d * e * sizeof *g);
    else
        for (size_t i = 0; i < e; i++)          /* g is e x d */
            for (size_t j = 0; j < d; j++)
                H[j * e + i] = g[i * d + j];
    for (size_t i = 0; i < d * e; i++)
        if (!isfinite(H[i])) {                   /* a diverged run is data, not an error */
            for (size_t j = 0; j < d * e; j++)
                g[j] = NAN;
            return OD_OK;
        }
    int refresh = (t - 1) % p->period == 0;
    if (refresh) {
        int status = refresh_basis(p, &s, H, bi, (t - 1) / p->period, B, w);
        if (status != OD_OK)
            return status;
    }
    lowrank_mul(k, d, e, (lowrank_view){ B, 1, k }, (lowrank_view){ H, e, 1 }, R);   /* B^T H */
    if (refresh && p->projection == GALORE_ID) {  /* R is QRPT's R factor: zero below its diagonal */
        const size_t *cols = (const size_t *)(const void *)w;
        for (size_t a = 0; a < k; a++)
            for (size_t j = 0; j < a; j++)
                R[a * e + cols[j]] = 0.0;
    }
    adam_moments_step(p->b1, p->b2, p->eps, p->lr * p->alpha, t, m, v, R, k * e);
    /* B R (d x e), back in G's orientation: G^T's rows are B's rows against R's columns */
    if (s.left)
        lowrank_mul(d, k, e, (lowrank_view){ B, k, 1 }, (lowrank_view){ R, e, 1 }, g);
    else
        lowrank_mul(e, k, d, (lowrank_view){ R, 1, e }, (lowrank_view){ B, 1, k }, g);
    return OD_OK;
}

static int galore_step(double *st, size_t n, long t, const opt_params *pp, const double *x,
                       const problem *pb, const batch *b, double *dx)
{
    const galore_params *p = OPT_OWN(galore_params, pp);
    double *m = st, *v = st + n, *B = st + 2 * n, *work = st + 3 * n;
    int status = pb->type->grad(pb, x, b, dx);
    for (size_t k = 0; k < problem_block_count(pb) && status == OD_OK; k++) {
        size_t off;
        problem_block blk = problem_block_at(pb, k, &off);
        size_t len = problem_block_size(&blk);
        if (blk.cols) {
            status = matrix_block(p, t, &blk, k, m + off, v + off, B + off, dx + off, work);
            continue;
        }
        double lr = p->fallback_lr > 0 ? p->fallback_lr : p->lr;
        if (p->fallback == GALORE_ADAM)
            adam_moments_step(p->b1, p->b2, p->eps, lr, t, m + off, v + off, dx + off, len);
        else
            for (size_t i = 0; i < len; i++)
                dx[off + i] *= -lr;
    }
    return status;
}

static size_t galore_state_used(const opt_params *pp, const problem *pb)
{
    const galore_params *p = OPT_OWN(galore_params, pp);
    size_t total = 0;
    for (size_t k = 0; k < problem_block_count(pb); k++) {
        problem_block blk = problem_block_at(pb, k, NULL);
        if (blk.cols) {
            galore_shape s = shape_of(p, &blk);
            total += 2 * s.k * s.e + s.d * s.k;
        } else if (p->fallback == GALORE_ADAM)
            total += 2 * blk.rows;
    }
    return total;
}

static const char *const projection_names[] = { "svd", "id", "random", NULL };
static const char *const fallback_names[] = { "adam", "sgd", NULL };

static const param_spec galore_specs[] = {
    OPT_PARAM_LR,
    { "rank", PARAM_INT, offsetof(galore_params, rank), "4", 1, 1e9, 0, NULL,
      "rank r of the projection (min(rows, cols) where smaller)" },
    { "period", PARAM_INT, offsetof(galore_params, period), "200", 1, 1e15, 0, NULL,
      "refresh period T: the basis is recomputed at steps 1, 1 + T, 1 + 2T, ..." },
    { "scale", PARAM_REAL, offsetof(galore_params, alpha), "0.25", 0, 1e300, PARAM_LO_OPEN, NULL,
      "scale alpha of the projected-back update" },
    { "projection", PARAM_CHOICE, offsetof(galore_params, projection), "svd", 0, 0, 0,
      projection_names, "basis: top-r singular vectors (svd), pivoted-QR columns (id), or a "
      "randomized range finder (random)" },
    { "sketch_seed", PARAM_INT, offsetof(galore_params, sketch_seed), "1", 0, 1e15, 0, NULL,
      "projection = random: Philox key of the Gaussian sketches" },
    { "power_steps", PARAM_INT, offsetof(galore_params, power_steps), "0", 0, 100, 0, NULL,
      "projection = random: power iterations (H H^T)^q H Omega" },
    ADAM_PARAM_BETAS_OF(galore_params),
    OPT_PARAM_EPS(galore_params, "1e-8"),
    { "fallback", PARAM_CHOICE, offsetof(galore_params, fallback), "adam", 0, 0, 0, fallback_names,
      "rule for vector blocks: adam (beta1, beta2, eps) or sgd" },
    { "fallback_lr", PARAM_REAL, offsetof(galore_params, fallback_lr), "0", 0, 1e300, 0, NULL,
      "learning rate of the fallback rule (0: lr)" },
    OPT_PARAM_EMA,
    OPT_PARAM_END,
};

const opt_type opt_galore = {
    .name = "galore",
    .summary = "GaLore: Adam on the gradient projected to a rank-r basis refreshed every T steps",
    .rule = "matrix blocks: H = G (rows < cols) or G^T; every T steps B = rank-r basis of H "
            "(svd | id | random); R = B^T H; Adam moments on R; x <- x - lr*alpha*B N (N the "
            "Adam direction); vector blocks: fallback",
    .params = galore_specs,
    .state_size = galore_state,
    .state_used = galore_state_used,
    .step = galore_step,
};
