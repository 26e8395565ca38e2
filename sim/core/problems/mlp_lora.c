/* sim/core/problems/mlp_lora.c — low-rank adaptation of the middle layer of a frozen "pretrained"
 * two-hidden-layer network, whose output passes through the rest of the network (LoRA+'s setting:
 * features A^T h of the previous layer's Theta(1) activations h, then B, a nonlinearity, W3):
 *   f(x) = W3 act(M^T act(W1 x)),  x_j ~ N(0, I_d),  L = 1/(2N) sum_j |f(x_j) - y_j|^2,
 *   widths d (inputs) -> n (width) -> n -> k (outputs), no biases; M (n x n, rows index the
 *   layer's inputs as in `lora`; net.c stores W2 = M^T). Pretrained W1, M0, W3: LeCun entries
 *   N(0, 1/fan_in) from the seed (cell 2), so every unit's pre-activation is Theta(1) at any n.
 * Teacher: the same network with M* = M0 + D, D = delta_scale / sqrt(n delta_rank) P Q^T, P, Q
 *   (n x delta_rank) N(0, 1) entries (cell 4): every middle unit moves by Theta(1) at any width;
 *   y_j = teacher(x_j) + label_noise e_j (cell 3).
 * factorized = yes: x = (A, B), blocks A (n x rank), B (rank x n), the other layers frozen,
 *   M(A, B) = M_f + s A B,  s = alpha/rank,  M_f = M0 - s A0 B0 (so M(A0, B0) = M0);
 *   dL/dA = s G B^T,  dL/dB = s A^T G,  G = dL/dM = (dL/dW2)^T from net.c's backpropagation.
 *   Hessian action: dM = s (V_A B + A V_B), H_A = s (H_M dM) B^T + s G V_B^T,
 *   H_B = s A^T (H_M dM) + s V_A^T G (H_M dM from net.c's exact R-operator pass).
 *   Inits (init_std = c, cell 5): zero_b: A = c N/sqrt(n), B = 0; zero_a: A = 0, B = c N/sqrt(rank);
 *   gaussian: both.
 * factorized = no: x = M from M0 (full fine-tuning of the middle layer on the same data). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../matmul.h"
#include "../status.h"
#include "dataset.h"
#include "net.h"

enum { INIT_ZERO_B, INIT_ZERO_A, INIT_GAUSSIAN };
static const char *const init_names[] = { "zero_b", "zero_a", "gaussian", NULL };

typedef struct mlp_lora_params {
    PROBLEM_PARAMS_HEAD;
    long inputs, width, outputs, rank, delta_rank;
    double delta_scale, label_noise, alpha, init_std;
    int activation, init, factorized;
} mlp_lora_params;
PROBLEM_PARAMS_FIT(mlp_lora_params);

typedef struct mlp_lora_data {
    net m;                 /* the full network d -> n -> n -> k on the dataset */
    dataset *ds;           /* N x d inputs */
    double *Y;             /* N x k labels */
    double *frozen;        /* the full parameter vector with W1, W3 and W2 = M_f^T (x = A, B) or
                              W2 = 0 (x = M) */
    size_t r;              /* rank (0: not factorized) */
    double s;              /* alpha/rank */
} mlp_lora_data;

static size_t mlp_lora_layout(const problem_params *pp_, problem_block *b)
{
    const mlp_lora_params *pp = PROBLEM_OWN(mlp_lora_params, pp_);
    size_t n = (size_t)pp->width, r = (size_t)pp->rank;
    if (!pp->factorized) {
        if (b)
            b[0] = (problem_block){ .name = "W", .rows = n, .cols = n };
        return 1;
    }
    if (b) {
        b[0] = (problem_block){ .name = "A", .rows = n, .cols = r };
        b[1] = (problem_block){ .name = "B", .rows = r, .cols = n };
    }
    return 2;
}

/* dst = src^T for n x n matrices. */
static void transpose(size_t n, const double *src, double *dst)
{
    for (size_t i = 0; i < n; i++)
        for (size_t o = 0; o < n; o++)
            dst[i * n + o] = src[o * n + i];
}

/* M(x) into M (n x n): M_f + s A B, or x. */
static void middle_of(const mlp_lora_data *d, const double *x, double *M)
{
    size_t n = d->m.h;
    if (!d->r) {
        memcpy(M, x, n * n * sizeof *M);
        return;
    }
    transpose(n, d->frozen + d->m.oW[1], M);              /* M_f = W2f^T */
    matmul(0, 0, n, n, d->r, d->s, x, x + n * d->r, 1.0, M);
}

/* The full network's parameter vector at x (frozen layers copied, W2 = M(x)^T; M: n x n scratch). */
static void full_of(const mlp_lora_data *d, const double *x, double *full, double *M)
{
    memcpy(full, d->frozen, d->m.n * sizeof *full);
    middle_of(d, x, M);
    transpose(d->m.h, M, full + d->m.oW[1]);
}

static size_t mlp_lora_weight(const problem *pb, const double *x, double *W)
{
    const mlp_lora_data *d = pb->data;
    if (W)
        middle_of(d, x, W);
    return d->m.h * d->m.h;
}

/* The training net with pb's thread count, and scratch for `vectors` full parameter vectors and
 * one n x n matrix (after them). */
static double *scratch(const problem *pb, net *m, size_t vectors)
{
    const mlp_lora_data *d = pb->data;
    *m = d->m;
    m->threads = pb->threads;
    return malloc((vectors * d->m.n + d->m.h * d->m.h) * sizeof(double));
}

static double mlp_lora_loss(const problem *pb, const double *x)
{
    net m;
    double *full = scratch(pb, &m, 1);
    if (!full)
        return NAN;
    full_of(pb->data, x, full, full + m.n);
    double l = net_loss(&m, full, NULL, 0);
    free(full);
    return l;
}

/* out = (s E^T B^T, s A^T E^T) at x = (A, B) from E = the W2 block of a full-network vector (a
 * matrix in net.c's orientation, E^T in M's) + beta out; factorized = no: out = E^T. */
static void factor_pull(const mlp_lora_data *d, const double *x, const double *E, double beta,
                        double *out)
{
    size_t n = d->m.h, r = d->r;
    if (!r) {
        transpose(n, E, out);
        return;
    }
    matmul(1, 1, n, r, n, d->s, E, x + n * r, beta, out);          /* s G B^T */
    matmul(1, 1, r, n, n, d->s, x, E, beta, out + n * r);          /* s A^T G */
}

static int mlp_lora_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const mlp_lora_data *d = pb->data;
    net m;
    double *full = scratch(pb, &m, 2);
    if (!full)
        return OD_ENOMEM;
    double *gf = full + m.n;
    full_of(d, x, full, gf + m.n);
    int all = problem_is_full(b) || !b->idx;
    int status = net_grad(&m, full, all ? NULL : b->idx, all ? 0 : b->nidx, all ? NULL : b->w, gf);
    factor_pull(d, x, gf + m.oW[1], 0.0, g);              /* dL/dW2 = G^T */
    free(full);
    return status;
}

/* H (V_A, V_B) = (s (H_M dM) B^T + s G V_B^T, s A^T (H_M dM) + s V_A^T G), dM = s (V_A B + A V_B),
 * H_M dM from net.c's exact Hessian-vector product along W2 = dM^T (the other layers 0). */
static int mlp_lora_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const mlp_lora_data *d = pb->data;
    net m;
    double *full = scratch(pb, &m, 4);
    if (!full)
        return OD_ENOMEM;
    size_t n = m.h, r = d->r;
    double *gf = full + m.n, *vf = gf + m.n, *hf = vf + m.n, *vW2 = vf + m.oW[1];
    full_of(d, x, full, hf + m.n);
    memset(vf, 0, m.n * sizeof *vf);
    if (r) {
        matmul(1, 1, n, n, r, d->s, x + n * r, v, 0.0, vW2);      /* s B^T V_A^T */
        matmul(1, 1, n, n, r, d->s, v + n * r, x, 1.0, vW2);      /* + s V_B^T A^T */
    } else
        transpose(n, v, vW2);
    int status = net_hvp(&m, full, vf, hf);
    factor_pull(d, x, hf + m.oW[1], 0.0, hv);
    if (status == OD_OK && r) {
        status = net_grad(&m, full, NULL, 0, NULL, gf);
        factor_pull(d, v, gf + m.oW[1], 1.0, hv);
    }
    free(full);
    return status;
}

/* diag H: factorized = no, the W2 block of net.c's exact diagonal (transposed); factorized, one
 * Hessian-vector product per coordinate e_i (pb->n of them: exact, meant for small widths). */
static int mlp_lora_hess_diag(const problem *pb, const double *x, double *diag)
{
    const mlp_lora_data *d = pb->data;
    size_t n = pb->n;
    if (!d->r) {
        net m;
        double *full = scratch(pb, &m, 2);
        if (!full)
            return OD_ENOMEM;
        full_of(d, x, full, full + 2 * m.n);
        int status = net_hess_diag(&m, full, full + m.n);
        transpose(m.h, full + m.n + m.oW[1], diag);
        free(full);
        return status;
    }
    double *e = calloc(2 * n, sizeof *e);
    int status = e ? OD_OK : OD_ENOMEM;
    for (size_t i = 0; status == OD_OK && i < n; i++) {
        e[i] = 1.0;
        status = mlp_lora_hvp(pb, x, e, e + n);
        diag[i] = e[n + i];
        e[i] = 0.0;
    }
    free(e);
    return status;
}

static void mlp_lora_free(problem *pb)
{
    mlp_lora_data *d = pb->data;
    dataset_free(d->ds);
    free(d->Y);
    free(d->frozen);
    free(d);
}

/* x0 = (A0, B0) for pp->init from the seed's cell 5. */
static void factor_init(const mlp_lora_params *pp, size_t n, size_t r, uint64_t seed, double *x)
{
    double c = pp->init_std;
    dataset_normals(seed, 5, 2 * n * r, x);
    for (size_t i = 0; i < n * r; i++)
        x[i] *= pp->init == INIT_ZERO_A ? 0.0 : c / sqrt((double)n);
    for (size_t i = n * r; i < 2 * n * r; i++)
        x[i] *= pp->init == INIT_ZERO_B ? 0.0 : c / sqrt((double)r);
}

/* Labels Y = teacher outputs + noise, the teacher's W2 being frozen's W2 + (D)^T. */
static int teacher_labels(mlp_lora_data *d, const mlp_lora_params *pp, uint64_t seed)
{
    net *m = &d->m;
    size_t n = m->h, dr = (size_t)pp->delta_rank, N = m->N, k = m->k;
    double *t = malloc(m->n * sizeof *t), *pq = malloc(2 * n * dr * sizeof *pq);
    double *noise = malloc(N * k * sizeof *noise);
    int status = t && pq && noise ? OD_OK : OD_ENOMEM;
    if (status == OD_OK) {
        memcpy(t, d->frozen, m->n * sizeof *t);
        dataset_normals(seed, 4, 2 * n * dr, pq);         /* P, then Q, both n x dr */
        /* W2* = W2 + D^T = W2 + c Q P^T */
        matmul(0, 1, n, n, dr, pp->delta_scale / sqrt((double)(n * dr)), pq + n * dr, pq, 1.0,
               t + m->oW[1]);
        dataset_normals(seed, 3, N * k, noise);
    }
    for (size_t j = 0; status == OD_OK && j < N; j++)
        status = net_outputs(m, t, j, d->Y + j * k);
    for (size_t i = 0; status == OD_OK && i < N * k; i++)
        d->Y[i] += pp->label_noise * noise[i];
    free(noise);
    free(pq);
    free(t);
    return status;
}

static int mlp_lora_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const mlp_lora_params *pp = PROBLEM_OWN(mlp_lora_params, pp_);
    mlp_lora_data *d = calloc(1, sizeof *d);
    pb->data = d;
    if (!d)
        return OD_ENOMEM;
    net *m = &d->m;
    size_t n = (size_t)pp->width;
    net_shape(m, (size_t)pp->inputs, n, n, (size_t)pp->outputs, 0);
    m->N = (size_t)pp->examples;
    m->act = pp->activation;
    m->out = &net_squared;
    pb->noise = PROBLEM_NOISE_SAMPLE;
    pb->examples = m->N;
    double *z = malloc(m->n * sizeof *z);
    d->ds = dataset_alloc(m->N, m->d, seed);
    d->Y = malloc(m->N * m->k * sizeof *d->Y);
    d->frozen = malloc(m->n * sizeof *d->frozen);
    int status = z && d->ds && d->Y && d->frozen ? OD_OK : OD_ENOMEM;
    if (status == OD_OK) {                               /* pretrained W1, W2 = M0^T, W3 */
        m->X = d->ds->A;
        dataset_normals(seed, 2, m->n, z);
        net_scaled_weights(m, z, n, 1.0, d->frozen);
        status = teacher_labels(d, pp, seed);
        m->Y = d->Y;
    }
    if (status == OD_OK && !pp->factorized) {            /* x0 = M0 */
        transpose(n, d->frozen + m->oW[1], pb->x0);
        memset(d->frozen + m->oW[1], 0, n * n * sizeof *d->frozen);
    } else if (status == OD_OK) {                        /* W2 = (M0 - s A0 B0)^T */
        d->r = (size_t)pp->rank;
        d->s = pp->alpha / (double)pp->rank;
        pb->factor_scale = d->s;
        factor_init(pp, n, d->r, seed, pb->x0);
        matmul(1, 1, n, n, d->r, -d->s, pb->x0 + n * d->r, pb->x0, 1.0, d->frozen + m->oW[1]);
    }
    free(z);
    return status;
}

static void mlp_lora_unfactorized(problem_params *pp)
{
    ((mlp_lora_params *)(void *)pp)->factorized = 0;
}

static const char *mlp_lora_check(const problem_params *pp_, char *why, size_t len)
{
    const mlp_lora_params *pp = PROBLEM_OWN(mlp_lora_params, pp_);
    double n = (double)pp->width;
    if (n * (n + (double)pp->inputs + (double)pp->outputs) > 1e7) {
        snprintf(why, len, "expected width*(width+inputs+outputs) <= 1e7 network weights, got %g",
                 n * (n + (double)pp->inputs + (double)pp->outputs));
        return "width";
    }
    if ((double)pp->examples * (double)(pp->inputs + pp->outputs) > 2e8) {
        snprintf(why, len, "expected examples*(inputs+outputs) <= 2e8 (the dataset is held in "
                 "memory), got %g", (double)pp->examples * (double)(pp->inputs + pp->outputs));
        return "examples";
    }
    if (pp->delta_rank > pp->width) {
        snprintf(why, len, "expected delta_rank <= width = %ld, got %ld", pp->width, pp->delta_rank);
        return "delta_rank";
    }
    if (pp->factorized && pp->rank > pp->width) {
        snprintf(why, len, "expected rank <= width = %ld, got %ld", pp->width, pp->rank);
        return "rank";
    }
    return NULL;
}

static const param_spec mlp_lora_specs[] = {
    { "inputs", PARAM_INT, offsetof(mlp_lora_params, inputs), "8", 1, 1e5, 0, NULL,
      "input dimension d" },
    { "width", PARAM_INT, offsetof(mlp_lora_params, width), "64", 1, 1e5, 0, NULL,
      "width n of both hidden layers (the adapted middle weight M is n x n)" },
    { "outputs", PARAM_INT, offsetof(mlp_lora_params, outputs), "4", 1, 1e5, 0, NULL, "outputs k" },
    { "activation", PARAM_CHOICE, offsetof(mlp_lora_params, activation), "tanh", 0, 0, 0,
      net_activations, "act of both hidden layers" },
    { "rank", PARAM_INT, offsetof(mlp_lora_params, rank), "2", 1, 1e5, 0, NULL,
      "LoRA rank r: A is n x r, B is r x n (<= width)" },
    { "delta_rank", PARAM_INT, offsetof(mlp_lora_params, delta_rank), "2", 1, 1e5, 0, NULL,
      "rank of the teacher's change D = M* - M0 (<= width)" },
    { "delta_scale", PARAM_REAL, offsetof(mlp_lora_params, delta_scale), "1", 0, 1e300, 0, NULL,
      "D = delta_scale/sqrt(width delta_rank) P Q^T with N(0, 1) entries: Theta(1) per unit" },
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 1, 1e9, 0, NULL,
      "dataset size N (minibatches without replacement)" },
    PROBLEM_PARAM_SAMPLING,
    { "label_noise", PARAM_REAL, offsetof(mlp_lora_params, label_noise), "0", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    { "factorized", PARAM_CHOICE, offsetof(mlp_lora_params, factorized), "yes", 0, 0, 0,
      param_yes_no, "yes: x = (A, B), M = M_f + s A B; no: x = M from M0 (full fine-tuning of "
      "the middle layer)" },
    { "alpha", PARAM_REAL, offsetof(mlp_lora_params, alpha), "2", 0, 1e300, PARAM_LO_OPEN, NULL,
      "LoRA scale s = alpha/rank" },
    { "init", PARAM_CHOICE, offsetof(mlp_lora_params, init), "zero_b", 0, 0, 0, init_names,
      "factor initialization: zero_b (A Gaussian, B = 0), zero_a or gaussian (M_f is shifted "
      "so that M(A0, B0) = M0)" },
    { "init_std", PARAM_REAL, offsetof(mlp_lora_params, init_std), "1", 0, 1e300, PARAM_LO_OPEN,
      NULL, "c: Gaussian factors c N/sqrt(fan-in) (A: width, B: rank)" },
    PROBLEM_PARAM_END,
};

const problem_type problem_mlp_lora = {
    .name = "mlp_lora",
    .summary = "low-rank adaptation M = M_f + (alpha/rank) A B of the middle layer of a frozen "
               "pretrained tanh network W3 act(M^T act(W1 x)) (or M itself: factorized = no)",
    .params = mlp_lora_specs,
    .check = mlp_lora_check,
    .alloc = mlp_lora_alloc,
    .free = mlp_lora_free,
    .loss = mlp_lora_loss,
    .grad = mlp_lora_grad,
    .hvp = mlp_lora_hvp,
    .hess_diag = mlp_lora_hess_diag,
    .layout = mlp_lora_layout,
    .weight = mlp_lora_weight,
    .unfactorized = mlp_lora_unfactorized,
};
