/* sim/core/problems/net.h — a network of at most two hidden layers on a finite dataset, shared by the
 * teacher-student mlp and the Fashion-MNIST problems: f(x) = W2 act(W1 x + b1) + b2 (one hidden
 * layer), W3 act(W2 act(W1 x + b1) + b2) + b3 (two), or f = W x + b (none), with a per-example
 * output loss (squared error, cross-entropy). */
#ifndef OPTDYN_NET_H
#define OPTDYN_NET_H

#include <stddef.h>

#include "../problem.h"

enum { NET_TANH, NET_RELU, NET_LINEAR };
#define NET_MAX_HIDDEN 2
extern const char *const net_activations[];   /* their names, for a CHOICE key */

typedef struct net net;

/* A per-example loss l(f) of the outputs f (k values) of example j, with its derivatives. */
typedef struct net_out {
    /* l(f); f (k) is overwritten by r = dl/df. */
    double (*grad)(const net *m, size_t j, double *fr);
    /* rr = (d2l/df2) rf, given r = dl/df of example j. */
    void (*hvp)(const net *m, size_t j, const double *r, const double *rf, double *rr);
    /* (d2l/df2)_qq, and w^T (d2l/df2) w for w_q = w[q * stride]. */
    double (*hdiag)(const net *m, size_t j, const double *r, size_t q);
    double (*quad)(const net *m, size_t j, const double *r, const double *w, size_t stride);
} net_out;

/* l = |f - y_j|^2 / 2 with y_j = Y[j k ...]; l = logsumexp(f) - f_(label j) (softmax output). */
extern const net_out net_squared, net_cross_entropy;

struct net {
    size_t d, h, k, N;      /* inputs, first hidden layer's units (0: none), outputs, examples */
    size_t h2;              /* second hidden layer's units (0: none) */
    int act, bias;          /* NET_TANH... (every hidden layer), biases */
    size_t L;               /* hidden layers, 0..NET_MAX_HIDDEN */
    size_t width[NET_MAX_HIDDEN + 2];   /* d, the hidden widths, k */
    size_t oW[NET_MAX_HIDDEN + 1], ob[NET_MAX_HIDDEN + 1];   /* offsets of layer l+1's W, b */
    size_t n;               /* number of parameters */
    int threads;            /* workers for full-data sums (net_problem_* set pb->threads) */
    double l2;              /* + l2/2 |x|^2 */
    const double *X;        /* N x d inputs */
    const double *Y;        /* N x k targets (net_squared) */
    const unsigned char *label;   /* N classes (net_cross_entropy) */
    const net_out *out;
};

/* Fills the sizes and offsets of m from d, the hidden widths h, h2 (0: no such layer; h2 > 0
 * needs h > 0), k, bias; threads = 1. */
void net_shape(net *m, size_t d, size_t h, size_t h2, size_t k, int bias);
/* The blocks W1 (h x d), [b1 (h)], W2 (k x h), [b2 (k)]; with h2: W1, [b1], W2 (h2 x h), [b2],
 * W3 (k x h2), [b3 (k)]; or W (k x d), [b (k)]; returns their number. */
size_t net_layout(size_t d, size_t h, size_t h2, size_t k, int bias, problem_block *b);

/* Sums over all N examples (loss, gradient, H v, diagonal) are taken in fixed chunks of at least
 * NET_CHUNK_MIN examples, at most NET_CHUNKS of them, computed on up to m->threads threads and
 * added in chunk order: the result depends on N, never on the thread count. */
#define NET_CHUNK_MIN 500
#define NET_CHUNKS 8
/* Mean loss over the examples (all when idx is NULL) + l2 term. */
double net_loss(const net *m, const double *x, const size_t *idx, size_t cnt);
/* Mean gradient over idx (all N when idx is NULL) + l2 x; wt (may be NULL) weighs example t of idx. */
int net_grad(const net *m, const double *x, const size_t *idx, size_t cnt, const double *wt,
             double *g);
/* Exact full-data Hessian-vector product and Hessian diagonal (+ l2). */
int net_hvp(const net *m, const double *x, const double *v, double *hv);
int net_hess_diag(const net *m, const double *x, double *diag);
/* Exact t = D^3L(x)[u, u, .] = grad_x (u^T H(x) u) (squared error only: OD_ENOTSUP else). */
int net_d3(const net *m, const double *x, const double *u, double *t);
/* Per example outputs f (k) at x into f, for evaluation (m->X row j). */
int net_outputs(const net *m, const double *x, size_t j, double *f);
/* problem_type methods for a problem whose pb->data starts with its (training) net. */
double net_problem_loss(const problem *pb, const double *x);
int net_problem_grad(const problem *pb, const double *x, const batch *b, double *g);
int net_problem_hvp(const problem *pb, const double *x, const double *v, double *hv);
int net_problem_hess_diag(const problem *pb, const double *x, double *diag);
int net_problem_d3(const problem *pb, const double *x, const double *u, double *t);
#define NET_PROBLEM_METHODS \
    .loss = net_problem_loss, .grad = net_problem_grad, .hvp = net_problem_hvp, \
    .hess_diag = net_problem_hess_diag

/* x in m's layout from Gaussian draws z: W1 * sqrt(gain/d), W2 * sqrt(gain/h1) (and W3 *
 * sqrt(gain/h2)), biases 0, with h1 <= h live units in the first hidden layer (the rest zero);
 * without a hidden layer W * sqrt(gain/d). z holds h1*d + (next layers' weights) draws. */
void net_scaled_weights(const net *m, const double *z, size_t h1, double gain, double *x);

#endif
