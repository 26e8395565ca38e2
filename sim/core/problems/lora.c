/* sim/core/problems/lora.c — low-rank adaptation of matrix regression (the `matreg` data):
 *   W0 pretrained (W0_ij ~ N(0, w0_scale^2/rows), seeded), target W* = W0 + U diag(s_i) V^T of
 *   rank delta_rank, s_i = delta_scale i^-decay (matreg's teacher added to W0),
 *   L(W) = 1/(2N) |X W - Y|_F^2.
 * factorized = yes: x = (A, B), blocks A (rows x rank), B (rank x cols),
 *   W(A, B) = W_f + s A B,  s = alpha/rank,  W_f = W0 - s A0 B0 (so W(A0, B0) = W0);
 *   dL/dA = s G B^T,  dL/dB = s A^T G,  G = dL/dW at W(A, B);
 *   Hessian action on (V_A, V_B): dW = s (V_A B + A V_B), H_A = s (H_W dW) B^T + s G V_B^T,
 *   H_B = s A^T (H_W dW) + s V_A^T G (H_W: V -> C V, C = X^T X/N; Gaussian model: identity).
 * factorized = no: x = W (full fine-tuning from W0, the same data and minibatch draws).
 * Initializations (init_std = c; N: seeded N(0, 1) entries, cell 5 of the data stream):
 *   zero_b: A = c N/sqrt(rows), B = 0 (LoRA);  zero_a: A = 0, B = c N/sqrt(rank);
 *   gaussian: both;  orthogonal: A = c Q_A, B = c Q_B^T with orthonormal columns;
 *   lora_ga: G0 = dL/dW(W0) = U S V^T, A0 = (c/s) U[:, 1..r], B0 = (c/s) V[:, r+1..2r]^T (with
 *   c = 1 the first SGD step of s A B is -lr times G0's part in its top 2r singular directions;
 *   LoRA-GA, Wang et al. 2024, arXiv 2407.05000). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "../status.h"
#include "matreg_data.h"
#include "../matmul.h"

enum { INIT_ZERO_B, INIT_ZERO_A, INIT_GAUSSIAN, INIT_ORTHOGONAL, INIT_LORA_GA };
static const char *const init_names[] = { "zero_b", "zero_a", "gaussian", "orthogonal", "lora_ga",
                                          NULL };

typedef struct lora_params {
    PROBLEM_PARAMS_HEAD;
    long rows, cols, rank, delta_rank;
    double decay, label_noise, alpha, init_std, w0_scale, delta_scale;
    int init, factorized;
} lora_params;
PROBLEM_PARAMS_FIT(lora_params);

typedef struct lora_data {
    matreg_data m;
    size_t r;              /* LoRA rank (0: not factorized) */
    double s;              /* alpha/rank */
    double *wf;            /* frozen part W_f = W0 - s A0 B0 (rows x cols) */
} lora_data;

static size_t lora_layout(const problem_params *pp_, problem_block *b)
{
    const lora_params *pp = PROBLEM_OWN(lora_params, pp_);
    size_t m = (size_t)pp->rows, k = (size_t)pp->cols, r = (size_t)pp->rank;
    if (!pp->factorized) {
        if (b)
            b[0] = (problem_block){ .name = "W", .rows = m, .cols = k };
        return 1;
    }
    if (b) {
        b[0] = (problem_block){ .name = "A", .rows = m, .cols = r };
        b[1] = (problem_block){ .name = "B", .rows = r, .cols = k };
    }
    return 2;
}

/* W = W_f + s A B (factorized) or x. */
static void weight_of(const problem *pb, const double *x, double *W)
{
    const lora_data *d = pb->data;
    size_t m = d->m.r, k = d->m.c, r = d->r;
    if (!r) {
        memcpy(W, x, m * k * sizeof *W);
        return;
    }
    memcpy(W, d->wf, m * k * sizeof *W);
    matmul(0, 0, m, k, r, d->s, x, x + m * r, 1.0, W);
}

static size_t lora_weight(const problem *pb, const double *x, double *W)
{
    const lora_data *d = pb->data;
    if (W)
        weight_of(pb, x, W);
    return d->m.r * d->m.c;
}

static double lora_loss(const problem *pb, const double *x)
{
    const lora_data *d = pb->data;
    if (!d->r)
        return matreg_data_loss(&d->m, x);
    double *W = malloc(d->m.r * d->m.c * sizeof *W);
    if (!W)
        return NAN;
    weight_of(pb, x, W);
    double l = matreg_data_loss(&d->m, W);
    free(W);
    return l;
}

/* (gA, gB) = (s G B^T, s A^T G) from G (m x k) at x = (A, B). */
static void factor_grad(const lora_data *d, const double *x, const double *G, double *g)
{
    size_t m = d->m.r, k = d->m.c, r = d->r;
    matmul(0, 1, m, r, k, d->s, G, x + m * r, 0.0, g);
    matmul(1, 0, r, k, m, d->s, x, G, 0.0, g + m * r);
}

static int lora_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const lora_data *d = pb->data;
    size_t mk = d->m.r * d->m.c;
    if (!d->r)
        return matreg_data_grad(&d->m, x, b, g);
    double *W = malloc(2 * mk * sizeof *W);
    if (!W)
        return OD_ENOMEM;
    weight_of(pb, x, W);
    int status = matreg_data_grad(&d->m, W, b, W + mk);
    factor_grad(d, x, W + mk, g);
    free(W);
    return status;
}

static int lora_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const lora_data *d = pb->data;
    size_t m = d->m.r, k = d->m.c, r = d->r, mk = m * k;
    if (!r) {
        matreg_data_hvp(&d->m, v, hv);
        return OD_OK;
    }
    double *W = malloc(3 * mk * sizeof *W);
    if (!W)
        return OD_ENOMEM;
    double *G = W + mk, *dW = W + 2 * mk;
    weight_of(pb, x, W);
    int status = matreg_data_grad(&d->m, W, NULL, G);
    matmul(0, 0, m, k, r, d->s, v, x + m * r, 0.0, dW);          /* s V_A B */
    matmul(0, 0, m, k, r, d->s, x, v + m * r, 1.0, dW);          /* + s A V_B */
    matreg_data_hvp(&d->m, dW, W);                           /* H_W dW */
    factor_grad(d, x, W, hv);
    matmul(0, 1, m, r, k, d->s, G, v + m * r, 1.0, hv);          /* + s G V_B^T */
    matmul(1, 0, r, k, m, d->s, v, G, 1.0, hv + m * r);          /* + s V_A^T G */
    free(W);
    return status;
}

/* diag: A_ip -> s^2 C_ii |B_p.|^2, B_pq -> s^2 (A^T C A)_pp (C = I in the Gaussian model). */
static int lora_hess_diag(const problem *pb, const double *x, double *diag)
{
    const lora_data *d = pb->data;
    size_t m = d->m.r, k = d->m.c, r = d->r;
    if (!r) {
        matreg_data_hess_diag(&d->m, diag);
        return OD_OK;
    }
    const double *A = x, *B = x + m * r, s2 = d->s * d->s;
    for (size_t p = 0; p < r; p++) {
        double bb = 0.0, aca = 0.0;
        for (size_t q = 0; q < k; q++)
            bb += B[p * k + q] * B[p * k + q];
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++)
                aca += A[i * r + p] * A[j * r + p] * (d->m.N ? d->m.C[i * m + j] : (i == j));
        for (size_t i = 0; i < m; i++)
            diag[i * r + p] = s2 * bb * (d->m.N ? d->m.C[i * m + i] : 1.0);
        for (size_t q = 0; q < k; q++)
            diag[m * r + p * k + q] = s2 * aca;
    }
    return OD_OK;
}

static void lora_free(problem *pb)
{
    lora_data *d = pb->data;
    matreg_data_free(&d->m);
    free(d->wf);
    free(d);
}

/* A0 = z U[:, 0..r), B0 = z V[:, r..2r)^T from the SVD of G0 = dL/dW(W0) (GSL: the taller of
 * G0 and G0^T is decomposed). */
static int lora_ga_init(const lora_data *d, const double *W0, double z, double *x)
{
    size_t m = d->m.r, k = d->m.c, r = d->r, p = m >= k ? m : k, q = m >= k ? k : m;
    double *G = malloc(m * k * sizeof *G);
    gsl_matrix *M = gsl_matrix_alloc(p, q), *V = gsl_matrix_alloc(q, q);
    gsl_vector *S = gsl_vector_alloc(q), *work = gsl_vector_alloc(q);
    int status = OD_ENOMEM;
    if (G && M && V && S && work) {
        status = matreg_data_grad(&d->m, W0, NULL, G);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < k; j++)
                gsl_matrix_set(M, m >= k ? i : j, m >= k ? j : i, G[i * k + j]);
        if (gsl_linalg_SV_decomp(M, V, S, work) != 0)
            status = OD_EDOM;
        /* G0 = U S V^T: left vectors U are M's columns when m >= k, else V's. */
        const gsl_matrix *U = m >= k ? M : V, *R = m >= k ? V : M;
        for (size_t i = 0; i < m; i++)
            for (size_t c = 0; c < r; c++)
                x[i * r + c] = z * gsl_matrix_get(U, i, c);
        for (size_t c = 0; c < r; c++)
            for (size_t j = 0; j < k; j++)
                x[m * r + c * k + j] = z * gsl_matrix_get(R, j, r + c);
    }
    gsl_vector_free(work);
    gsl_vector_free(S);
    gsl_matrix_free(V);
    gsl_matrix_free(M);
    free(G);
    return status;
}

/* x = (A0, B0) for pp->init. */
static int factor_init(const lora_data *d, const lora_params *pp, const double *W0, uint64_t seed,
                       double *x)
{
    size_t m = d->m.r, k = d->m.c, r = d->r;
    double c = pp->init_std, *A = x, *B = x + m * r;
    if (pp->init == INIT_LORA_GA)
        return lora_ga_init(d, W0, c / d->s, x);
    dataset_normals(seed, 5, r * (m + k), x);
    if (pp->init == INIT_ORTHOGONAL) {
        double *Bt = malloc(k * r * sizeof *Bt);
        if (!Bt)
            return OD_ENOMEM;
        matreg_orthonormalize(A, m, r);
        memcpy(Bt, B, k * r * sizeof *Bt);                   /* k x r, orthonormal columns */
        matreg_orthonormalize(Bt, k, r);
        for (size_t p = 0; p < r; p++)
            for (size_t q = 0; q < k; q++)
                B[p * k + q] = Bt[q * r + p];
        free(Bt);
        for (size_t i = 0; i < r * (m + k); i++)
            x[i] *= c;
        return OD_OK;
    }
    for (size_t i = 0; i < m * r; i++)
        A[i] *= pp->init == INIT_ZERO_A ? 0.0 : c / sqrt((double)m);
    for (size_t i = 0; i < r * k; i++)
        B[i] *= pp->init == INIT_ZERO_B ? 0.0 : c / sqrt((double)r);
    return OD_OK;
}

static int lora_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const lora_params *pp = PROBLEM_OWN(lora_params, pp_);
    size_t m = (size_t)pp->rows, k = (size_t)pp->cols;
    lora_data *d = calloc(1, sizeof *d);
    pb->data = d;
    double *W0 = malloc(m * k * sizeof *W0);
    int status = OD_ENOMEM;
    if (!d || !W0)
        goto done;
    dataset_normals(seed, 4, m * k, W0);
    for (size_t i = 0; i < m * k; i++)
        W0[i] *= pp->w0_scale / sqrt((double)m);
    matreg_spec s = { m, k, (size_t)pp->delta_rank, (size_t)pp->examples, pp->decay,
                      pp->label_noise, W0, pp->delta_scale };
    if ((status = matreg_data_init(&d->m, pb, &s, seed, !pp->factorized)) != OD_OK)
        goto done;
    if (!pp->factorized) {
        memcpy(pb->x0, W0, m * k * sizeof *W0);
        goto done;
    }
    d->r = (size_t)pp->rank;
    d->s = pp->alpha / (double)pp->rank;
    pb->factor_scale = d->s;
    status = OD_ENOMEM;
    if (!(d->wf = malloc(m * k * sizeof *d->wf)))
        goto done;
    if ((status = factor_init(d, pp, W0, seed, pb->x0)) != OD_OK)
        goto done;
    memcpy(d->wf, W0, m * k * sizeof *W0);
    matmul(0, 0, m, k, d->r, -d->s, pb->x0, pb->x0 + m * d->r, 1.0, d->wf);   /* W0 - s A0 B0 */
done:
    free(W0);
    return status;
}

static void lora_unfactorized(problem_params *pp)
{
    ((lora_params *)(void *)pp)->factorized = 0;
}

static const char *lora_check(const problem_params *pp_, char *why, size_t len)
{
    const lora_params *pp = PROBLEM_OWN(lora_params, pp_);
    long lo = pp->rows < pp->cols ? pp->rows : pp->cols;
    if (pp->delta_rank > lo) {
        snprintf(why, len, "expected delta_rank <= min(rows, cols) = %ld, got %ld", lo,
                 pp->delta_rank);
        return "delta_rank";
    }
    const char *bad = matreg_size_misfit(pp->rows, pp->cols, pp->examples, why, len);
    if (bad)
        return bad;
    if (!pp->factorized)
        return NULL;
    long most = pp->init == INIT_LORA_GA ? lo / 2 : lo;
    if (pp->rank > most) {
        snprintf(why, len, "expected rank <= %s = %ld%s, got %ld",
                 pp->init == INIT_LORA_GA ? "min(rows, cols)/2" : "min(rows, cols)", most,
                 pp->init == INIT_LORA_GA ? " (init = lora_ga takes 2 rank singular vectors)" : "",
                 pp->rank);
        return "rank";
    }
    if (pp->examples == 0 && pp->label_noise > 0) {
        snprintf(why, len, "examples = 0 (the Gaussian noise model) draws noise in W, which a "
                 "factorized parameter does not have: expected label_noise = 0, got %g",
                 pp->label_noise);
        return "label_noise";
    }
    return NULL;
}

static const param_spec lora_specs[] = {
    { "rows", PARAM_INT, offsetof(lora_params, rows), "16", 1, 1e6, 0, NULL,
      "rows m of W (the input dimension)" },
    { "cols", PARAM_INT, offsetof(lora_params, cols), "8", 1, 1e6, 0, NULL,
      "columns k of W (the number of outputs)" },
    { "rank", PARAM_INT, offsetof(lora_params, rank), "2", 1, 1e6, 0, NULL,
      "LoRA rank r: A is m x r, B is r x k (<= min(m, k); lora_ga: <= min(m, k)/2)" },
    { "delta_rank", PARAM_INT, offsetof(lora_params, delta_rank), "4", 1, 1e6, 0, NULL,
      "rank of the change W* - W0 = U diag(i^-decay) V^T (<= min(m, k))" },
    { "decay", PARAM_REAL, offsetof(lora_params, decay), "1", 0, 1e3, 0, NULL,
      "singular values of W* - W0: i^-decay, i = 1..delta_rank" },
    { "delta_scale", PARAM_REAL, offsetof(lora_params, delta_scale), "1", 0, 1e300, 0, NULL,
      "singular values of W* - W0: delta_scale * i^-decay" },
    { "w0_scale", PARAM_REAL, offsetof(lora_params, w0_scale), "1", 0, 1e300, 0, NULL,
      "pretrained W0: entries N(0, w0_scale^2/rows) from the seed" },
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 0, 1e9, 0, NULL,
      "dataset size N (minibatches without replacement); 0: the population loss "
      "1/2 |W - W*|^2 (factorized: label_noise = 0)" },
    { "label_noise", PARAM_REAL, offsetof(lora_params, label_noise), "0.1", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    { "factorized", PARAM_CHOICE, offsetof(lora_params, factorized), "yes", 0, 0, 0, param_yes_no,
      "yes: x = (A, B), W = W_f + s A B; no: x = W from W0 (full fine-tuning of the same task)" },
    { "alpha", PARAM_REAL, offsetof(lora_params, alpha), "2", 0, 1e300, PARAM_LO_OPEN, NULL,
      "LoRA scale s = alpha/rank" },
    { "init", PARAM_CHOICE, offsetof(lora_params, init), "zero_b", 0, 0, 0, init_names,
      "factor initialization: zero_b, zero_a, gaussian, orthogonal or lora_ga (the frozen part "
      "is shifted so that W(A0, B0) = W0)" },
    { "init_std", PARAM_REAL, offsetof(lora_params, init_std), "1", 0, 1e300, PARAM_LO_OPEN, NULL,
      "c: Gaussian factors c N/sqrt(fan-in) (A: rows, B: rank); orthogonal c Q; lora_ga c/s "
      "times singular vectors" },
    PROBLEM_PARAM_END,
};

const problem_type problem_lora = {
    .name = "lora",
    .summary = "low-rank adaptation W = W_f + (alpha/rank) A B of matrix regression from a "
               "pretrained W0 (or W itself: factorized = no)",
    .params = lora_specs,
    .check = lora_check,
    .alloc = lora_alloc,
    .free = lora_free,
    .loss = lora_loss,
    .grad = lora_grad,
    .hvp = lora_hvp,
    .hess_diag = lora_hess_diag,
    .layout = lora_layout,
    .weight = lora_weight,
    .unfactorized = lora_unfactorized,
};
