/* sim/core/problems/mlp.c — a two-layer teacher-student network on a finite Gaussian dataset:
 *   f(x) = W2 act(W1 x + b1) + b2 (biases optional), x_j ~ N(0, I_d), y_j = f*(x_j) + sigma e_j,
 *   L = 1/(2N) sum_j |f(x_j) - y_j|^2, blocks W1 (h x d), [b1 (h)], W2 (k x h), [b2 (k)].
 * The teacher f* has teacher_hidden units, no biases, LeCun weights N(0, 1/fan_in). Gradients by
 * backpropagation, Hessian-vector products by the R-operator (Pearlmutter 1994), the Hessian
 * diagonal in closed form; all exact. Per example, r = f - y, z = W1 x + b1, a = act(z):
 *   dW2 = r a^T, db2 = r, delta = (W2^T r) .* act'(z), dW1 = delta x^T, db1 = delta;
 *   direction (V1, c1, V2, c2): Rz = V1 x + c1, Ra = act'(z) .* Rz, Rr = W2 Ra + V2 a + c2,
 *   H.v: (Rr a^T + r Ra^T, Rr, Rdelta x^T, Rdelta),
 *   Rdelta = (V2^T r + W2^T Rr) .* act'(z) + (W2^T r) .* act''(z) .* Rz. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"
#include "dataset.h"

enum { ACT_TANH, ACT_RELU, ACT_LINEAR };
enum { INIT_LECUN, INIT_KAIMING };

typedef struct mlp_params {
    PROBLEM_PARAMS_HEAD;
    long inputs, hidden, outputs, teacher_hidden;
    int activation, bias, init;
    double label_noise;
} mlp_params;
PROBLEM_PARAMS_FIT(mlp_params);

typedef struct mlp_data {
    size_t d, h, k, N;
    int act, bias;
    size_t ob1, oW2, ob2;   /* offsets of b1, W2, b2 in x (b1, b2 only with biases) */
    dataset *ds;            /* N x d inputs (ds->A) */
    double *Y;              /* N x k labels */
} mlp_data;

static size_t mlp_layout(const problem_params *pp_, problem_block *b)
{
    const mlp_params *pp = PROBLEM_OWN(mlp_params, pp_);
    size_t d = (size_t)pp->inputs, h = (size_t)pp->hidden, k = (size_t)pp->outputs, nb = 0;
    problem_block all[4] = { { "W1", h, d }, { "b1", h, 0 }, { "W2", k, h }, { "b2", k, 0 } };
    for (int i = 0; i < 4; i++)
        if (pp->bias || all[i].cols) {
            if (b)
                b[nb] = all[i];
            nb++;
        }
    return nb;
}

/* act(z), act'(z), act''(z). */
static double activate(int act, double z, double *d1, double *d2)
{
    if (act == ACT_TANH) {
        double t = tanh(z);
        *d1 = 1.0 - t * t;
        *d2 = -2.0 * t * *d1;
        return t;
    }
    *d2 = 0.0;
    if (act == ACT_RELU) {
        *d1 = z > 0 ? 1.0 : 0.0;
        return z > 0 ? z : 0.0;
    }
    *d1 = 1.0;
    return z;
}

/* Per-example scratch: z, a, act', act'', s = W2^T r (h each), r (k). */
typedef struct pass {
    double *z, *a, *d1, *d2, *s, *r;
} pass;

static double *pass_alloc(const mlp_data *m, pass *p, size_t extra)
{
    double *w = malloc((5 * m->h + m->k + extra) * sizeof *w);
    if (w)
        *p = (pass){ w, w + m->h, w + 2 * m->h, w + 3 * m->h, w + 4 * m->h, w + 5 * m->h };
    return w;
}

/* Forward pass of example j at x: z, a, act', act''; r = f - y; s = W2^T r. */
static void forward(const mlp_data *m, const double *x, size_t j, pass *p)
{
    const double *in = m->ds->A + j * m->d, *W2 = x + m->oW2;
    for (size_t i = 0; i < m->h; i++) {
        double z = m->bias ? x[m->ob1 + i] : 0.0;
        for (size_t l = 0; l < m->d; l++)
            z += x[i * m->d + l] * in[l];
        p->z[i] = z;
        p->a[i] = activate(m->act, z, &p->d1[i], &p->d2[i]);
    }
    for (size_t q = 0; q < m->k; q++) {
        double f = m->bias ? x[m->ob2 + q] : 0.0;
        for (size_t i = 0; i < m->h; i++)
            f += W2[q * m->h + i] * p->a[i];
        p->r[q] = f - m->Y[j * m->k + q];
    }
    for (size_t i = 0; i < m->h; i++) {
        double s = 0.0;
        for (size_t q = 0; q < m->k; q++)
            s += W2[q * m->h + i] * p->r[q];
        p->s[i] = s;
    }
}

/* out += (u x_j^T, u) on (W1, b1) and (e a^T + e2 a2^T, e) on (W2, b2), the second term only when
 * a2 is given: the gradient is (delta, r, a, -, -), H.v is (Rdelta, Rr, a, Ra, r). */
static void accumulate(const mlp_data *m, size_t j, const double *u, const double *e,
                       const double *a, const double *a2, const double *e2, double *out)
{
    const double *in = m->ds->A + j * m->d;
    for (size_t i = 0; i < m->h; i++) {
        for (size_t l = 0; l < m->d; l++)
            out[i * m->d + l] += u[i] * in[l];
        if (m->bias)
            out[m->ob1 + i] += u[i];
    }
    for (size_t q = 0; q < m->k; q++) {
        for (size_t i = 0; i < m->h; i++)
            out[m->oW2 + q * m->h + i] += e[q] * a[i] + (a2 ? e2[q] * a2[i] : 0.0);
        if (m->bias)
            out[m->ob2 + q] += e[q];
    }
}

static double mlp_loss(const problem *pb, const double *x)
{
    const mlp_data *m = pb->data;
    pass p;
    double *w = pass_alloc(m, &p, 0), s = 0.0;
    if (!w)
        return NAN;
    for (size_t j = 0; j < m->N; j++) {
        forward(m, x, j, &p);
        s += problem_dot(m->k, p.r, p.r);
    }
    free(w);
    return 0.5 * s / (double)m->N;
}

static int mlp_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    const mlp_data *m = pb->data;
    int full = problem_is_full(b) || !b->idx;
    size_t cnt = full ? m->N : b->nidx;
    pass p;
    double *w = pass_alloc(m, &p, m->h);
    if (!w)
        return OD_ENOMEM;
    double *delta = w + 5 * m->h + m->k;
    memset(g, 0, pb->n * sizeof *g);
    for (size_t t = 0; t < cnt; t++) {
        size_t j = full ? t : b->idx[t];
        forward(m, x, j, &p);
        double wt = full || !b->w ? 1.0 : b->w[t];
        for (size_t i = 0; i < m->h; i++)
            delta[i] = wt * p.s[i] * p.d1[i];
        for (size_t q = 0; q < m->k; q++)
            p.r[q] *= wt;
        accumulate(m, j, delta, p.r, p.a, NULL, NULL, g);
    }
    for (size_t i = 0; i < pb->n; i++)
        g[i] /= (double)cnt;
    free(w);
    return OD_OK;
}

static int mlp_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    const mlp_data *m = pb->data;
    size_t h = m->h, k = m->k, d = m->d;
    pass p;
    double *w = pass_alloc(m, &p, 3 * h + k);
    if (!w)
        return OD_ENOMEM;
    double *rz = w + 5 * h + k, *ra = rz + h, *rd = ra + h, *rr = rd + h;
    const double *W2 = x + m->oW2, *V2 = v + m->oW2;
    memset(hv, 0, pb->n * sizeof *hv);
    for (size_t j = 0; j < m->N; j++) {
        const double *in = m->ds->A + j * d;
        forward(m, x, j, &p);
        for (size_t i = 0; i < h; i++) {
            double z = m->bias ? v[m->ob1 + i] : 0.0;
            for (size_t l = 0; l < d; l++)
                z += v[i * d + l] * in[l];
            rz[i] = z;
            ra[i] = p.d1[i] * z;
        }
        for (size_t q = 0; q < k; q++) {
            double f = m->bias ? v[m->ob2 + q] : 0.0;
            for (size_t i = 0; i < h; i++)
                f += W2[q * h + i] * ra[i] + V2[q * h + i] * p.a[i];
            rr[q] = f;
        }
        for (size_t i = 0; i < h; i++) {
            double t = 0.0;
            for (size_t q = 0; q < k; q++)
                t += V2[q * h + i] * p.r[q] + W2[q * h + i] * rr[q];
            rd[i] = t * p.d1[i] + p.s[i] * p.d2[i] * rz[i];
        }
        accumulate(m, j, rd, rr, p.a, ra, p.r, hv);
    }
    for (size_t i = 0; i < pb->n; i++)
        hv[i] /= (double)m->N;
    free(w);
    return OD_OK;
}

/* d2L/dW2_qi^2 = mean a_i^2; d2L/db2^2 = 1; d2L/dW1_il^2 = mean x_l^2 (act'(z_i)^2 |W2[:, i]|^2 +
 * act''(z_i) (W2^T r)_i), the same with x_l = 1 for b1_i. */
static int mlp_hess_diag(const problem *pb, const double *x, double *diag)
{
    const mlp_data *m = pb->data;
    size_t h = m->h, k = m->k, d = m->d;
    pass p;
    double *w = pass_alloc(m, &p, h);
    if (!w)
        return OD_ENOMEM;
    double *u = w + 5 * h + k;
    const double *W2 = x + m->oW2;
    memset(diag, 0, pb->n * sizeof *diag);
    for (size_t j = 0; j < m->N; j++) {
        const double *in = m->ds->A + j * d;
        forward(m, x, j, &p);
        for (size_t i = 0; i < h; i++) {
            double c2 = 0.0;
            for (size_t q = 0; q < k; q++)
                c2 += W2[q * h + i] * W2[q * h + i];
            u[i] = p.d1[i] * p.d1[i] * c2 + p.d2[i] * p.s[i];
            for (size_t l = 0; l < d; l++)
                diag[i * d + l] += u[i] * in[l] * in[l];
            if (m->bias)
                diag[m->ob1 + i] += u[i];
        }
        for (size_t q = 0; q < k; q++) {
            for (size_t i = 0; i < h; i++)
                diag[m->oW2 + q * h + i] += p.a[i] * p.a[i];
            if (m->bias)
                diag[m->ob2 + q] += 1.0;
        }
    }
    for (size_t i = 0; i < pb->n; i++)
        diag[i] /= (double)m->N;
    free(w);
    return OD_OK;
}

static void mlp_free(problem *pb)
{
    mlp_data *m = pb->data;
    dataset_free(m->ds);
    free(m->Y);
    free(m);
}

/* x in m's layout from Gaussian draws z: W1 * sqrt(gain/d), W2 * sqrt(gain/h1), biases 0, with
 * h1 <= h live hidden units (the rest zero). */
static void scaled_weights(const mlp_data *m, const double *z, size_t h1, double gain, double *x)
{
    memset(x, 0, (m->oW2 + m->k * m->h + (m->bias ? m->k : 0)) * sizeof *x);
    for (size_t i = 0; i < h1; i++)
        for (size_t l = 0; l < m->d; l++)
            x[i * m->d + l] = z[i * m->d + l] * sqrt(gain / (double)m->d);
    for (size_t q = 0; q < m->k; q++)
        for (size_t i = 0; i < h1; i++)
            x[m->oW2 + q * m->h + i] = z[h1 * m->d + q * h1 + i] * sqrt(gain / (double)h1);
}

/* Y = f*(x_j): the teacher (th units, LeCun, no biases, from the Gaussian draws z) run through
 * the same forward pass in a network of max(h, th) units (with Y = 0, forward's r is f*). */
static int teacher_labels(mlp_data *m, const double *z, size_t th)
{
    mlp_data wide = *m;
    wide.h = th > m->h ? th : m->h;
    wide.ob1 = wide.h * m->d;
    wide.oW2 = wide.ob1 + (m->bias ? wide.h : 0);
    wide.ob2 = wide.oW2 + m->k * wide.h;
    pass p;
    double *tw = malloc((wide.ob2 + m->k) * sizeof *tw), *w = pass_alloc(&wide, &p, 0);
    if (!tw || !w) {
        free(tw);
        free(w);
        return OD_ENOMEM;
    }
    scaled_weights(&wide, z, th, 1.0, tw);
    memset(m->Y, 0, m->N * m->k * sizeof *m->Y);
    for (size_t j = 0; j < m->N; j++) {
        forward(&wide, tw, j, &p);
        memcpy(m->Y + j * m->k, p.r, m->k * sizeof *p.r);
    }
    free(w);
    free(tw);
    return OD_OK;
}

static int mlp_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const mlp_params *pp = PROBLEM_OWN(mlp_params, pp_);
    mlp_data *m = calloc(1, sizeof *m);
    pb->data = m;
    if (!m)
        return OD_ENOMEM;
    *m = (mlp_data){ .d = (size_t)pp->inputs, .h = (size_t)pp->hidden, .k = (size_t)pp->outputs,
                     .N = (size_t)pp->examples, .act = pp->activation, .bias = pp->bias };
    m->ob1 = m->h * m->d;
    m->oW2 = m->ob1 + (m->bias ? m->h : 0);
    m->ob2 = m->oW2 + m->k * m->h;
    pb->noise = PROBLEM_NOISE_SAMPLE;
    pb->examples = m->N;
    size_t th = (size_t)pp->teacher_hidden, hmax = th > m->h ? th : m->h;
    size_t nz = hmax * (m->d + m->k);
    double *z = malloc(nz * sizeof *z), *noise = malloc(m->N * m->k * sizeof *noise);
    m->ds = dataset_alloc(m->N, m->d, seed);
    m->Y = malloc(m->N * m->k * sizeof *m->Y);
    int status = z && noise && m->ds && m->Y ? OD_OK : OD_ENOMEM;
    if (status == OD_OK) {
        dataset_normals(seed, 2, nz, z);
        status = teacher_labels(m, z, th);
    }
    if (status == OD_OK) {
        dataset_normals(seed, 3, m->N * m->k, noise);
        for (size_t i = 0; i < m->N * m->k; i++)
            m->Y[i] += pp->label_noise * noise[i];
        if (th <= m->h && pp->label_noise == 0) {        /* the teacher itself is a minimizer */
            if (!(pb->xstar = malloc(pb->n * sizeof *pb->xstar)))
                status = OD_ENOMEM;
            else {
                scaled_weights(m, z, th, 1.0, pb->xstar);
                pb->fstar = 0.0;
            }
        }
    }
    if (status == OD_OK) {                               /* the student: LeCun or Kaiming */
        double *g = realloc(z, m->h * (m->d + m->k) * sizeof *g);
        if (g) {
            z = g;
            problem_gauss_point(m->h * (m->d + m->k), seed, 0, 1.0, z);
            scaled_weights(m, z, m->h, pp->init == INIT_KAIMING ? 2.0 : 1.0, pb->x0);
        } else
            status = OD_ENOMEM;
    }
    free(z);
    free(noise);
    return status;
}

static const char *mlp_check(const problem_params *pp_, char *why, size_t len)
{
    const mlp_params *pp = PROBLEM_OWN(mlp_params, pp_);
    double n = (double)pp->hidden * (double)(pp->inputs + pp->outputs + 1) + (double)pp->outputs;
    if (n > 1e6) {
        snprintf(why, len, "expected at most 1e6 parameters, got %g", n);
        return "hidden";
    }
    if ((double)pp->examples * (double)(pp->inputs + pp->outputs) > 2e8) {
        snprintf(why, len, "expected examples*(inputs+outputs) <= 2e8 (the dataset is held in "
                 "memory), got %g", (double)pp->examples * (double)(pp->inputs + pp->outputs));
        return "examples";
    }
    return NULL;
}

static const char *const activations[] = { "tanh", "relu", "linear", NULL };
static const char *const inits[] = { "lecun", "kaiming", NULL };

static const param_spec mlp_specs[] = {
    { "inputs", PARAM_INT, offsetof(mlp_params, inputs), "8", 1, 1e5, 0, NULL, "input dimension d" },
    { "hidden", PARAM_INT, offsetof(mlp_params, hidden), "16", 1, 1e5, 0, NULL,
      "hidden units h of the student" },
    { "outputs", PARAM_INT, offsetof(mlp_params, outputs), "2", 1, 1e5, 0, NULL, "outputs k" },
    { "teacher_hidden", PARAM_INT, offsetof(mlp_params, teacher_hidden), "4", 1, 1e5, 0, NULL,
      "hidden units of the teacher that labels the data" },
    { "activation", PARAM_CHOICE, offsetof(mlp_params, activation), "tanh", 0, 0, 0, activations,
      "act of both networks" },
    { "bias", PARAM_CHOICE, offsetof(mlp_params, bias), "no", 0, 0, 0, param_yes_no,
      "student biases b1, b2 (blocks after W1 and W2; initialized 0)" },
    { "init", PARAM_CHOICE, offsetof(mlp_params, init), "lecun", 0, 0, 0, inits,
      "student weights N(0, g/fan_in), g = 1 (lecun) or 2 (kaiming), from the seed" },
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 1, 1e9, 0, NULL,
      "dataset size N (minibatches without replacement)" },
    PROBLEM_PARAM_SAMPLING,
    { "label_noise", PARAM_REAL, offsetof(mlp_params, label_noise), "0", 0, 1e300, 0, NULL,
      "standard deviation sigma of the label noise" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

const problem_type problem_mlp = {
    .name = "mlp",
    .summary = "two-layer teacher-student network W2 act(W1 x) on N Gaussian examples",
    .params = mlp_specs,
    .check = mlp_check,
    .alloc = mlp_alloc,
    .free = mlp_free,
    .loss = mlp_loss,
    .grad = mlp_grad,
    .hvp = mlp_hvp,
    .hess_diag = mlp_hess_diag,
    .layout = mlp_layout,
};
