/* sim/core/problems/mlp.c — a two-layer teacher-student network on a finite Gaussian dataset:
 *   f(x) = W2 act(W1 x + b1) + b2 (biases optional), x_j ~ N(0, I_d), y_j = f*(x_j) + sigma e_j,
 *   L = 1/(2N) sum_j |f(x_j) - y_j|^2, blocks W1 (h x d), [b1 (h)], W2 (k x h), [b2 (k)].
 * The teacher f* has teacher_hidden units, no biases, LeCun weights N(0, 1/fan_in). Gradients,
 * Hessian-vector products and the Hessian diagonal are the shared network's (net.c), all exact. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"
#include "dataset.h"
#include "net.h"

enum { INIT_LECUN, INIT_KAIMING };

typedef struct mlp_params {
    PROBLEM_PARAMS_HEAD;
    long inputs, hidden, outputs, teacher_hidden;
    int activation, bias, init;
    double label_noise;
} mlp_params;
PROBLEM_PARAMS_FIT(mlp_params);

typedef struct mlp_data {
    net m;                  /* first: the net_problem_* methods read it */
    dataset *ds;            /* N x d inputs (ds->A) */
    double *Y;              /* N x k labels */
} mlp_data;

static size_t mlp_layout(const problem_params *pp_, problem_block *b)
{
    const mlp_params *pp = PROBLEM_OWN(mlp_params, pp_);
    return net_layout((size_t)pp->inputs, (size_t)pp->hidden, 0, (size_t)pp->outputs, pp->bias, b);
}

static void mlp_free(problem *pb)
{
    mlp_data *md = pb->data;
    dataset_free(md->ds);
    free(md->Y);
    free(md);
}

/* Y = f*(x_j): the teacher (th units, LeCun, no biases, from the Gaussian draws z) as a network
 * of max(h, th) units. */
static int teacher_labels(mlp_data *md, const double *z, size_t th)
{
    net wide = md->m;
    net_shape(&wide, md->m.d, th > md->m.h ? th : md->m.h, 0, md->m.k, md->m.bias);
    double *tw = malloc(wide.n * sizeof *tw);
    int status = tw ? OD_OK : OD_ENOMEM;
    if (status == OD_OK)
        net_scaled_weights(&wide, z, th, 1.0, tw);
    for (size_t j = 0; status == OD_OK && j < md->m.N; j++)
        status = net_outputs(&wide, tw, j, md->Y + j * md->m.k);
    free(tw);
    return status;
}

static int mlp_alloc(problem *pb, const problem_params *pp_, uint64_t seed)
{
    const mlp_params *pp = PROBLEM_OWN(mlp_params, pp_);
    mlp_data *md = calloc(1, sizeof *md);
    pb->data = md;
    if (!md)
        return OD_ENOMEM;
    net *m = &md->m;
    net_shape(m, (size_t)pp->inputs, (size_t)pp->hidden, 0, (size_t)pp->outputs, pp->bias);
    m->N = (size_t)pp->examples;
    m->act = pp->activation;
    m->out = &net_squared;
    pb->noise = PROBLEM_NOISE_SAMPLE;
    pb->examples = m->N;
    size_t th = (size_t)pp->teacher_hidden, hmax = th > m->h ? th : m->h;
    size_t nz = hmax * (m->d + m->k);
    double *z = malloc(nz * sizeof *z), *noise = malloc(m->N * m->k * sizeof *noise);
    md->ds = dataset_alloc(m->N, m->d, seed);
    md->Y = malloc(m->N * m->k * sizeof *md->Y);
    int status = z && noise && md->ds && md->Y ? OD_OK : OD_ENOMEM;
    if (status == OD_OK) {
        m->X = md->ds->A;
        dataset_normals(seed, 2, nz, z);
        status = teacher_labels(md, z, th);
    }
    if (status == OD_OK) {
        m->Y = md->Y;
        dataset_normals(seed, 3, m->N * m->k, noise);
        for (size_t i = 0; i < m->N * m->k; i++)
            md->Y[i] += pp->label_noise * noise[i];
        if (th <= m->h && pp->label_noise == 0) {        /* the teacher itself is a minimizer */
            if (!(pb->xstar = malloc(pb->n * sizeof *pb->xstar)))
                status = OD_ENOMEM;
            else {
                net_scaled_weights(m, z, th, 1.0, pb->xstar);
                pb->fstar = 0.0;
            }
        }
    }
    if (status == OD_OK) {                               /* the student: LeCun or Kaiming */
        double *g = realloc(z, m->h * (m->d + m->k) * sizeof *g);
        if (g) {
            z = g;
            problem_gauss_point(m->h * (m->d + m->k), seed, 0, 1.0, z);
            net_scaled_weights(m, z, m->h, pp->init == INIT_KAIMING ? 2.0 : 1.0, pb->x0);
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

static const char *const inits[] = { "lecun", "kaiming", NULL };

static const param_spec mlp_specs[] = {
    { "inputs", PARAM_INT, offsetof(mlp_params, inputs), "8", 1, 1e5, 0, NULL, "input dimension d" },
    { "hidden", PARAM_INT, offsetof(mlp_params, hidden), "16", 1, 1e5, 0, NULL,
      "hidden units h of the student" },
    { "outputs", PARAM_INT, offsetof(mlp_params, outputs), "2", 1, 1e5, 0, NULL, "outputs k" },
    { "teacher_hidden", PARAM_INT, offsetof(mlp_params, teacher_hidden), "4", 1, 1e5, 0, NULL,
      "hidden units of the teacher that labels the data" },
    { "activation", PARAM_CHOICE, offsetof(mlp_params, activation), "tanh", 0, 0, 0, net_activations,
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
    NET_PROBLEM_METHODS, .d3 = net_problem_d3,
    .layout = mlp_layout,
};
