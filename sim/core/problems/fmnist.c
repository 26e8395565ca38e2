/* sim/core/problems/fmnist.c — Fashion-MNIST (or MNIST, same IDX files) classification with cross-entropy:
 * multinomial logistic regression (fmnist_softmax: f = W x + b) and a network of one or two hidden
 * layers (fmnist_mlp: f = W2 act(W1 x + b1) + b2, or W3 act(W2 act(W1 x + b1) + b2) + b3 with
 * hidden2 > 0) on a seeded subset of the training images,
 *   L(x) = (1/N) sum_j [logsumexp(f(a_j)) - f(a_j)_(y_j)] + l2/2 |x|^2,
 * pixels scaled to [0, 1] (optionally standardized per pixel over the subset); the network code,
 * exact gradients, Hessian-vector products and diagonal are net.c's. A seeded subset of the test
 * images gives the test loss and accuracy that trajectories record beside the training loss. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rng.h"
#include "../status.h"
#include "fmnist.h"
#include "idx.h"
#include "net.h"

#define FMNIST_PIXELS 784

typedef struct fmnist_params {
    PROBLEM_PARAMS_HEAD;
    char data_dir[PARAM_STRING_MAX];
    long classes, test_examples, hidden, hidden2;
    int standardize, bias, activation, init;
    double l2;
} fmnist_params;
PROBLEM_PARAMS_FIT(fmnist_params);

typedef struct fmnist_data {
    net train, test;       /* the same network on the two subsets (test: no penalty); train
                              first: the net_problem_* methods read it */
    double *X, *Xt;        /* N x 784 and Nt x 784 pixels */
    unsigned char *y, *yt; /* labels */
    size_t *pick[2];       /* file indices of the training and test examples */
} fmnist_data;

static const char *const file_names[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };

/* dir/NAME.gz when it exists, else dir/NAME (plain IDX). */
static void file_path(const fmnist_params *pp, int which, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.gz", pp->data_dir, file_names[which]);
    FILE *f = fopen(buf, "rb");
    if (f)
        fclose(f);
    else
        snprintf(buf, len, "%s/%s", pp->data_dir, file_names[which]);
}

/* Labels of set s (0 train, 1 test) read and checked, the images' header checked against them. */
static int read_labels(const fmnist_params *pp, int s, idx_file *lab, char *why, size_t len)
{
    char path[PARAM_STRING_MAX + 64];
    idx_file img;
    memset(lab, 0, sizeof *lab);
    file_path(pp, 2 * s, path, sizeof path);
    int status = idx_header(path, 3, &img, why, len);
    if (status == OD_OK && (img.dims[1] != 28 || img.dims[2] != 28)) {
        snprintf(why, len, "%s: expected 28x28 images, got %zux%zu", path, img.dims[1], img.dims[2]);
        status = OD_EINPUT;
    }
    file_path(pp, 2 * s + 1, path, sizeof path);
    if (status == OD_OK)
        status = idx_read(path, 1, 0, lab, why, len);
    if (status == OD_OK && lab->dims[0] != img.dims[0]) {
        snprintf(why, len, "%s: %zu labels for %zu images", path, lab->dims[0], img.dims[0]);
        status = OD_EINPUT;
    }
    if (status == OD_OK)
        status = idx_check_labels(path, lab, 10, why, len);
    if (status != OD_OK)
        idx_free(lab);
    return status;
}

/* The indices of the examples of set s with labels below `classes`: `want` of them drawn without
 * replacement from stream (seed, RNG_DATA, 7 + s), ascending; *avail = how many there are. */
static size_t *select_subset(const idx_file *lab, long classes, size_t want, uint64_t seed, int s,
                             size_t *avail)
{
    size_t n = 0;
    for (size_t j = 0; j < lab->count; j++)
        n += lab->data[j] < classes;
    *avail = n;
    if (want > n)
        return NULL;
    size_t *all = malloc((n + 1) * sizeof *all), *perm = malloc((n + 1) * sizeof *perm);
    size_t *pick = calloc(want + 1, sizeof *pick);
    char *mark = calloc(n + 1, 1);
    if (all && perm && pick && mark) {
        n = 0;
        for (size_t j = 0; j < lab->count; j++)
            if (lab->data[j] < classes)
                all[n++] = j;
        rng_stream st = rng_stream_make(seed, RNG_DATA, 7 + (uint64_t)s);
        rng_permutation(&st, 0, n, perm);
        for (size_t i = 0; i < want; i++)
            mark[perm[i]] = 1;
        for (size_t i = 0, k = 0; i < n; i++)
            if (mark[i])
                pick[k++] = all[i];
    } else {
        free(pick);
        pick = NULL;
    }
    free(all);
    free(perm);
    free(mark);
    return pick;
}

static const char *fmnist_check(const problem_params *pp_, char *why, size_t len)
{
    const fmnist_params *pp = PROBLEM_OWN(fmnist_params, pp_);
    long want[2] = { pp->examples, pp->test_examples };
    for (int s = 0; s < 2; s++) {
        idx_file lab;
        size_t avail;
        if (read_labels(pp, s, &lab, why, len) != OD_OK)
            return "data_dir";
        free(select_subset(&lab, pp->classes, 0, 0, s, &avail));
        idx_free(&lab);
        if ((size_t)want[s] > avail) {
            snprintf(why, len, "expected at most %zu (the %s images of classes 0..%ld), got %ld",
                     avail, s ? "test" : "training", pp->classes - 1, want[s]);
            return s ? "test_examples" : "examples";
        }
    }
    return NULL;
}

/* Pixels of the chosen images of set s (0 train, 1 test) scaled to [0, 1] into X (cnt x 784),
 * their labels into y. */
static int load_images(const fmnist_params *pp, int s, const size_t *pick, size_t cnt, double *X,
                       unsigned char *y, const idx_file *lab)
{
    char path[PARAM_STRING_MAX + 64], why[PARAM_STRING_MAX + 256];
    idx_file img;
    if (cnt == 0)
        return OD_OK;
    file_path(pp, 2 * s, path, sizeof path);
    int status = idx_read(path, 3, pick[cnt - 1] + 1, &img, why, sizeof why);
    if (status != OD_OK)
        return status;
    for (size_t j = 0; j < cnt; j++) {
        const unsigned char *src = img.data + pick[j] * FMNIST_PIXELS;
        for (size_t l = 0; l < FMNIST_PIXELS; l++)
            X[j * FMNIST_PIXELS + l] = src[l] / 255.0;
        y[j] = lab->data[pick[j]];
    }
    idx_free(&img);
    return OD_OK;
}

/* Per pixel (a - mean) / sd over the training subset, on both sets (sd = 1 for constant pixels). */
static void standardize(fmnist_data *fd)
{
    size_t N = fd->train.N, Nt = fd->test.N;
    for (size_t l = 0; l < FMNIST_PIXELS; l++) {
        double mu = 0.0, v = 0.0;
        for (size_t j = 0; j < N; j++)
            mu += fd->X[j * FMNIST_PIXELS + l];
        mu /= (double)N;
        for (size_t j = 0; j < N; j++) {
            double e = fd->X[j * FMNIST_PIXELS + l] - mu;
            v += e * e;
        }
        double sd = sqrt(v / (double)N);
        sd = sd > 1e-12 ? sd : 1.0;
        for (size_t j = 0; j < N; j++)
            fd->X[j * FMNIST_PIXELS + l] = (fd->X[j * FMNIST_PIXELS + l] - mu) / sd;
        for (size_t j = 0; j < Nt; j++)
            fd->Xt[j * FMNIST_PIXELS + l] = (fd->Xt[j * FMNIST_PIXELS + l] - mu) / sd;
    }
}

static int load_set(const fmnist_params *pp, fmnist_data *fd, int s, uint64_t seed)
{
    idx_file lab;
    char why[PARAM_STRING_MAX + 256];
    size_t avail, cnt = (size_t)(s ? pp->test_examples : pp->examples);
    int status = read_labels(pp, s, &lab, why, sizeof why);
    if (status != OD_OK)
        return status;
    size_t *pick = select_subset(&lab, pp->classes, cnt, seed, s, &avail);
    double *X = malloc((cnt * FMNIST_PIXELS + 1) * sizeof *X);
    unsigned char *y = malloc(cnt + 1);
    status = pick && X && y ? load_images(pp, s, pick, cnt, X, y, &lab) : OD_ENOMEM;
    idx_free(&lab);
    fd->pick[s] = pick;
    net *m = s ? &fd->test : &fd->train;
    m->N = cnt;
    m->X = X;
    m->label = y;
    if (s)
        fd->Xt = X, fd->yt = y;
    else
        fd->X = X, fd->y = y;
    return status;
}

static void fmnist_free(problem *pb)
{
    fmnist_data *fd = pb->data;
    free(fd->X);
    free(fd->Xt);
    free(fd->y);
    free(fd->yt);
    free(fd->pick[0]);
    free(fd->pick[1]);
    free(fd);
}

const size_t *fmnist_subset(const problem *pb, int test, size_t *cnt)
{
    const fmnist_data *fd = pb->data;
    *cnt = test ? fd->test.N : fd->train.N;
    return fd->pick[test ? 1 : 0];
}

static int fmnist_alloc_h(problem *pb, const problem_params *pp_, uint64_t seed, size_t h,
                          size_t h2)
{
    const fmnist_params *pp = PROBLEM_OWN(fmnist_params, pp_);
    fmnist_data *fd = calloc(1, sizeof *fd);
    pb->data = fd;
    if (!fd)
        return OD_ENOMEM;
    net *m = &fd->train;
    net_shape(m, FMNIST_PIXELS, h, h2, (size_t)pp->classes, pp->bias);
    m->act = pp->activation;
    m->out = &net_cross_entropy;
    m->l2 = pp->l2;
    int status = load_set(pp, fd, 0, seed);
    if (status == OD_OK)
        status = load_set(pp, fd, 1, seed);
    if (status != OD_OK)
        return status;
    fd->test = (net){ .N = fd->test.N, .X = fd->test.X, .label = fd->test.label };
    net_shape(&fd->test, FMNIST_PIXELS, h, h2, m->k, m->bias);
    fd->test.act = m->act;
    fd->test.out = m->out;
    if (pp->standardize)
        standardize(fd);
    pb->noise = PROBLEM_NOISE_SAMPLE;
    pb->examples = m->N;
    if (h == 0)
        return OD_OK;                       /* softmax regression starts at 0 */
    size_t nz = h2 ? h * m->d + h2 * h + m->k * h2 : h * (m->d + m->k);   /* LeCun or Kaiming */
    double *z = malloc(nz * sizeof *z);
    if (!z)
        return OD_ENOMEM;
    problem_gauss_point(nz, seed, 0, 1.0, z);
    net_scaled_weights(m, z, h, pp->init ? 2.0 : 1.0, pb->x0);
    free(z);
    return OD_OK;
}

static int softmax_alloc(problem *pb, const problem_params *pp, uint64_t seed)
{
    return fmnist_alloc_h(pb, pp, seed, 0, 0);
}

static int mlp_alloc(problem *pb, const problem_params *pp, uint64_t seed)
{
    const fmnist_params *fp = PROBLEM_OWN(fmnist_params, pp);
    return fmnist_alloc_h(pb, pp, seed, (size_t)fp->hidden, (size_t)fp->hidden2);
}

static size_t softmax_layout(const problem_params *pp_, problem_block *b)
{
    const fmnist_params *pp = PROBLEM_OWN(fmnist_params, pp_);
    return net_layout(FMNIST_PIXELS, 0, 0, (size_t)pp->classes, pp->bias, b);
}

static size_t mlp_layout(const problem_params *pp_, problem_block *b)
{
    const fmnist_params *pp = PROBLEM_OWN(fmnist_params, pp_);
    return net_layout(FMNIST_PIXELS, (size_t)pp->hidden, (size_t)pp->hidden2, (size_t)pp->classes,
                      pp->bias, b);
}

/* Mean cross-entropy and the fraction of test images whose largest output is their class
 * (NAN, NAN without test examples). */
static int fmnist_test_eval(const problem *pb, const double *x, double *loss, double *accuracy)
{
    const net *t = &((const fmnist_data *)pb->data)->test;
    double f[10];
    size_t right = 0;
    *loss = *accuracy = NAN;
    if (t->N == 0)
        return OD_OK;
    *loss = net_loss(t, x, NULL, 0);
    for (size_t j = 0; j < t->N; j++) {
        int status = net_outputs(t, x, j, f);
        if (status != OD_OK)
            return status;
        size_t best = 0;
        for (size_t q = 1; q < t->k; q++)
            best = f[q] > f[best] ? q : best;
        right += best == t->label[j];
    }
    *accuracy = (double)right / (double)t->N;
    return OD_OK;
}

static const char *const inits[] = { "lecun", "kaiming", NULL };

#define FMNIST_COMMON_SPECS \
    { "data_dir", PARAM_STRING, offsetof(fmnist_params, data_dir), \
      "/usr/share/datasets/fashion-mnist", 0, 0, 0, NULL, \
      "folder of the four IDX files train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], " \
      "t10k-... (Debian's dataset-fashion-mnist; MNIST's files work the same)" }, \
    { "examples", PARAM_INT, offsetof(problem_params, examples), "1000", 1, 60000, 0, NULL, \
      "training examples N, drawn from the seed among those of the chosen classes" }, \
    { "test_examples", PARAM_INT, offsetof(fmnist_params, test_examples), "1000", 0, 10000, 0, \
      NULL, "test images drawn from the seed for test_loss and test_accuracy (0: none)" }, \
    { "classes", PARAM_INT, offsetof(fmnist_params, classes), "10", 2, 10, 0, NULL, \
      "classify the classes 0..classes-1 (outputs k = classes)" }, \
    { "standardize", PARAM_CHOICE, offsetof(fmnist_params, standardize), "no", 0, 0, 0, \
      param_yes_no, "pixels in [0, 1] (no) or standardized per pixel over the training subset" }, \
    { "bias", PARAM_CHOICE, offsetof(fmnist_params, bias), "yes", 0, 0, 0, param_yes_no, \
      "bias blocks (initialized 0)" }, \
    { "l2", PARAM_REAL, offsetof(fmnist_params, l2), "0", 0, 1e300, 0, NULL, \
      "L2 penalty l2/2 |x|^2 in the training loss" }

static const param_spec softmax_specs[] = {
    FMNIST_COMMON_SPECS,
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

static const param_spec mlp_specs[] = {
    FMNIST_COMMON_SPECS,
    { "hidden", PARAM_INT, offsetof(fmnist_params, hidden), "32", 1, 4096, 0, NULL,
      "hidden units h (of the first hidden layer)" },
    { "hidden2", PARAM_INT, offsetof(fmnist_params, hidden2), "0", 0, 4096, 0, NULL,
      "units of a second hidden layer (0: one hidden layer)" },
    { "activation", PARAM_CHOICE, offsetof(fmnist_params, activation), "tanh", 0, 0, 0,
      net_activations, "act of the hidden layers" },
    { "init", PARAM_CHOICE, offsetof(fmnist_params, init), "lecun", 0, 0, 0, inits,
      "weights N(0, g/fan_in), g = 1 (lecun) or 2 (kaiming), from the seed; biases 0" },
    PROBLEM_PARAM_X0,
    PROBLEM_PARAM_END,
};

#define FMNIST_METHODS \
    .check = fmnist_check, .free = fmnist_free, .test_eval = fmnist_test_eval, NET_PROBLEM_METHODS

const problem_type problem_fmnist_softmax = {
    .name = "fmnist_softmax",
    .summary = "multinomial logistic regression on N Fashion-MNIST images (cross-entropy)",
    .params = softmax_specs,
    .alloc = softmax_alloc,
    .layout = softmax_layout,
    FMNIST_METHODS,
};

const problem_type problem_fmnist_mlp = {
    .name = "fmnist_mlp",
    .summary = "network of one or two hidden layers on N Fashion-MNIST images (cross-entropy)",
    .params = mlp_specs,
    .alloc = mlp_alloc,
    .layout = mlp_layout,
    FMNIST_METHODS,
};
