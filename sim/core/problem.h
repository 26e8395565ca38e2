/* sim/core/problem.h — a model problem: loss, gradient (exact or for one batch), Hessian action,
 * noise model and closed-form facts. Problems never draw noise; the run loop hands it in. */
#ifndef OPTDYN_PROBLEM_H
#define OPTDYN_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

#include "../input/param.h"

/* What a stochastic gradient is made of. */
typedef enum {
    PROBLEM_NOISE_NONE,    /* deterministic: the gradient is exact */
    PROBLEM_NOISE_GAUSS,   /* exact gradient + Gaussian noise of covariance Sigma/B, from batch->z */
    PROBLEM_NOISE_SAMPLE,  /* finite dataset: mean gradient over the examples batch->idx */
    PROBLEM_NOISE_STREAM   /* online data: B fresh examples per step, example b made of the
                              pb->stream_width N(0,1) draws batch->z[b*width ...] */
} problem_noise;

/* One step's randomness, drawn by the run loop (sim/run.c) so that every optimizer with the
 * same seed sees the same draws. A NULL batch, or B = inf, means the exact full gradient. */
typedef struct batch {
    double B;              /* batch size, INFINITY for the full data / no noise */
    const double *z;       /* PROBLEM_NOISE_GAUSS: n independent N(0,1) draws; STREAM:
                              B * pb->stream_width of them (B an integer) */
    const size_t *idx;     /* PROBLEM_NOISE_SAMPLE: nidx example indices (distinct unless w) */
    size_t nidx;
    const double *w;       /* NULL: the mean over idx; else example k counts w[k] times in the
                              mean (importance weights 1/(N p_j) of sampling = cr, idx i.i.d.) */
} batch;

/* How a finite dataset's minibatches are drawn (key `sampling`, sim/core/draw.h). */
typedef enum {
    PROBLEM_SAMPLING_UNIFORM,   /* without replacement within an epoch */
    PROBLEM_SAMPLING_CR         /* i.i.d. with p_j ~ |g_j(x)|, reweighted by 1/(N p_j) */
} problem_sampling;

/* A problem's parameters. Each type owns its struct, which starts with PROBLEM_PARAMS_HEAD (the
 * keys generic code reads) and is described by its key specs (offsetof into its own struct); the
 * experiment stores it in a problem_params, a block every type's struct fits (PROBLEM_PARAMS_FIT
 * in the type's file). */
#define PROBLEM_PARAMS_HEAD struct { \
        int type;             /* index into problem_types[] */ \
        long dim; \
        param_list x0;        /* explicit initial point (length dim, or 1 to broadcast) */ \
        double init_scale;    /* random initial point: x0 ~ N(0, init_scale^2 I) */ \
        long examples;        /* finite-data problems: dataset size N (else unused) */ \
        int sampling;         /* finite-data problems: problem_sampling (else uniform) */ \
    }
#define PROBLEM_PARAMS_OWN (2 * sizeof(param_list) / sizeof(double) + 16)   /* two lists */
typedef struct problem_params {
    PROBLEM_PARAMS_HEAD;
    double own[PROBLEM_PARAMS_OWN];   /* the type's keys after the head, laid out by its struct */
} problem_params;
#define PROBLEM_PARAMS_FIT(T) \
    _Static_assert(sizeof(T) <= sizeof(problem_params) && \
                   _Alignof(T) <= _Alignof(problem_params) && \
                   offsetof(T, examples) == offsetof(problem_params, examples), \
                   #T " does not fit problem_params")
/* A type's view of its block. */
#define PROBLEM_OWN(T, pp) ((const T *)(const void *)(pp))

typedef struct problem problem;

/* One named block of the parameters: a rows x cols matrix stored row-major, or a vector of
 * length rows (cols = 0). x is the concatenation of a problem's blocks in declared order. */
typedef struct problem_block {
    char name[16];
    size_t rows, cols;
} problem_block;
#define PROBLEM_MAX_BLOCKS 8

typedef struct problem_type {
    const char *name;
    const char *summary;
    const param_spec *params;      /* accepted keys besides `type` */
    /* Checks that need several keys together; returns the key at fault (why says what was
     * expected) or NULL when the parameters are consistent. */
    const char *(*check)(const problem_params *pp, char *why, size_t len);
    /* Online data (PROBLEM_NOISE_STREAM): N(0,1) draws per example for parameters pp, known
     * before the problem is built (batch-size checks); NULL for other problems. */
    size_t (*stream_width)(const problem_params *pp);
    /* Builds data and facts into pb (pb->n and pb->stream_width are set); default x0 into pb->x0. */
    int (*alloc)(problem *pb, const problem_params *pp, uint64_t seed);
    void (*free)(problem *pb);
    double (*loss)(const problem *pb, const double *x);
    /* Optional, losses that are sums of per-coordinate terms: adds the terms of coordinates
     * i0 .. i0+len-1 into the PROBLEM_LANES partial sums acc, term i into acc[i % PROBLEM_LANES]
     * (i0 a multiple of PROBLEM_LANES), so that loss(pb, x) = problem_lanes_total(acc) bit for bit
     * over any split into ranges (the fused step accumulates it tile by tile). */
    void (*loss_lanes)(const problem *pb, const double *x, size_t i0, size_t len, double *acc);
    /* Optional: loss(pb, x) and the norm of the exact gradient at x (*gnorm) in one pass, each
     * bit-identical to loss and to sqrt(problem_dot(g, g)) of grad (a recorded step); NULL: the
     * two computed apart (problem_loss_gnorm). */
    double (*loss_gnorm)(const problem *pb, const double *x, double *gnorm);
    /* g = gradient at x for batch b (b NULL or B = inf: the exact full gradient). */
    int (*grad)(const problem *pb, const double *x, const batch *b, double *g);
    /* Optional, element-wise gradients (coordinate i depends on x_i and its own normal z_i only):
     * coordinates i0 .. i0+len-1 of grad(pb, x, b) into g[0..len), bit for bit, with b->z holding
     * those coordinates' normals (b->z[0] is coordinate i0's); the run loop then fuses draw,
     * gradient and update tile by tile (sim/core/replicate_fused.c). NULL: no such form. */
    int (*grad_slice)(const problem *pb, const double *x, const batch *b, size_t i0, size_t len,
                      double *g);
    /* hv = H(x) v; NULL where no Hessian exists. */
    int (*hvp)(const problem *pb, const double *x, const double *v, double *hv);
    /* Optional: t = D^3L(x)[u, u, .] = grad_x (u^T H(x) u) for a fixed u, the gradient of the
     * curvature along u (for a unit eigenvector u, grad S with S = u^T H u), exactly; NULL where
     * not available (the central flow then takes a symmetric difference of HVPs). */
    int (*d3)(const problem *pb, const double *x, const double *u, double *t);
    /* d = diag H(x); NULL where not available. */
    int (*hess_diag)(const problem *pb, const double *x, double *d);
    /* Constant diagonal Hessian h and per-example gradient noise variances c (arrays of pb->n
     * values owned by pb), for exact expected-loss recursions; NULL where the problem is not
     * of that form. */
    void (*diag_facts)(const problem *pb, const double **h, const double **c);
    /* Linear regression on online Gaussian features a ~ N(0, diag(lambda)) with label noise of
     * standard deviation sigma (lambda: pb->n values owned by pb; x* = pb->xstar), for the exact
     * second-moment recursion (sim/theory/gaussreg_exact); NULL for other problems. */
    void (*feature_facts)(const problem *pb, const double **lambda, double *sigma);
    /* PROBLEM_NOISE_STREAM: column j < pb->noise_columns of a factor of one example's gradient
     * covariance at x, Sigma(x) = sum_j s_j s_j^T, into s (n); NULL where not available. (The
     * other noise models are probed generically, sim/theory/grad_moments.c.) */
    int (*noise_column)(const problem *pb, const double *x, size_t j, double *s);
    /* Optional: the parameter blocks for pp (written to blocks when it is not NULL, at most
     * PROBLEM_MAX_BLOCKS) and their number; the dimension is then their total size and the type
     * has no `dim` key. NULL: one vector block "x" of length dim. */
    size_t (*layout)(const problem_params *pp, problem_block *blocks);
    /* Optional: mean loss (without penalties) and accuracy (fraction classified right) of x on
     * the problem's held-out test examples; trajectories record them beside the training loss. */
    int (*test_eval)(const problem *pb, const double *x, double *loss, double *accuracy);
    /* Optional: the model's weight matrix W(x) into W (NULL: only its size), for comparing runs
     * whose parameters differ (a factorized W = W_frozen + s A B against W itself); returns the
     * size of W. NULL: the problem has no such matrix. */
    size_t (*weight)(const problem *pb, const double *x, double *W);
    /* Optional: rewrite pp into the same task with that weight itself as the parameter (the
     * same data and minibatch draws from the same seed), for full fine-tuning next to a
     * factorized run ([run] full). NULL: no such companion. */
    void (*unfactorized)(problem_params *pp);
} problem_type;

struct problem {
    const problem_type *type;
    size_t n;              /* dimension */
    problem_noise noise;   /* what a stochastic gradient is made of (set by the type's alloc) */
    size_t examples;       /* dataset size for PROBLEM_NOISE_SAMPLE, else 0 */
    problem_sampling sampling;   /* how minibatches of the dataset are drawn */
    size_t stream_width;   /* PROBLEM_NOISE_STREAM: N(0,1) draws per example (type->stream_width) */
    size_t noise_columns;  /* PROBLEM_NOISE_STREAM: columns of type->noise_column */
    double *x0;            /* initial point (n) */
    double init_scale;     /* > 0: x0 ~ N(0, init_scale^2 I) was drawn from the seed */
    double *xstar;         /* minimizer where known in closed form or computed exactly, else NULL */
    double fstar;          /* minimum value where known, else NAN */
    double *spectrum;      /* Hessian eigenvalues, ascending, for constant-Hessian problems, else NULL */
    problem_block *blocks; /* the type's layout (nblocks entries), or NULL: one vector "x" of n */
    size_t nblocks;
    double factor_scale;   /* > 0: the parameter is a factorization W = W_frozen + s A B with
                              blocks 0 = A (m x r), 1 = B (r x k) and s = factor_scale; else 0 */
    int threads;           /* workers a type may use for one full-data sum (1 by default; -j sets it;
                              results never depend on it) */
    void *data;            /* owned by the type (type->free); x0, xstar, spectrum, blocks by problem_free */
};

extern const problem_type *const problem_types[];   /* NULL-terminated registry */

/* Most N(0,1) draws one step of an online-data problem may take (batch * stream width):
 * 2^27 doubles, 1 GiB. */
#define PROBLEM_STREAM_MAX 134217728.0

/* Build a problem; x0 from pp->x0 when given, else the type's seeded default. */
problem *problem_alloc(const problem_params *pp, uint64_t seed, int *status);
void problem_free(problem *pb);

/* Sets pp->dim to the total size of the type's blocks where it declares a layout (config.c
 * calls it after reading [problem], before problem_check). */
void problem_params_resolve(problem_params *pp);

/* The block layout of pb: the number of blocks, block i with its first index in x (offset may
 * be NULL), its size rows*cols (rows for a vector) and the layout as text ("W1 64x32, b1 64"). */
size_t problem_block_count(const problem *pb);
problem_block problem_block_at(const problem *pb, size_t i, size_t *offset);
size_t problem_block_size(const problem_block *b);
void problem_blocks_text(const problem *pb, char *buf, size_t len);

/* Validate pp for its type (key at fault or NULL), as problem_type.check plus x0's length. */
const char *problem_check(const problem_params *pp, char *why, size_t len);

/* Shared pieces of the types' implementations. */
/* g_i += sqrt(s / B) * sd_i * z_i, with sd_i = 1 when sd is NULL (sd: per-coordinate standard
 * deviations of one example's gradient noise); nothing for B = inf or s = 0. */
void problem_add_gauss_noise(size_t n, const batch *b, const double *sd, double s, double *g);
/* sum_i a_i b_i in the PROBLEM_LANES lanes below, added by problem_lanes_total (a fixed order that
 * vectorizes; every gradient norm and recorded grad_norm is summed this way). */
double problem_dot(size_t n, const double *a, const double *b);
/* Partial sums of an element-wise loss (problem_type.loss_lanes): lane l holds the terms of the
 * coordinates i = l mod PROBLEM_LANES in increasing i (a fixed order that vectorizes), and the
 * total is ((a0 + a4) + (a1 + a5)) + ((a2 + a6) + (a3 + a7)). */
enum { PROBLEM_LANES = 8 };
double problem_lanes_total(const double *acc);
/* L(x) and *gnorm = |grad L(x)| (exact gradient): the type's loss_gnorm, else loss, grad into
 * the scratch g (n) and a dot product. *status gets grad's status. */
double problem_loss_gnorm(const problem *pb, const double *x, double *g, double *gnorm, int *status);
int problem_is_full(const batch *b);                /* exact gradient wanted? */
void problem_init_gauss(problem *pb, uint64_t seed, double scale);   /* x0 ~ N(0, scale^2 I) */
/* x ~ N(0, scale^2 I) from stream (seed, RNG_INIT, replicate); replicate 0 is pb->x0. */
void problem_gauss_point(size_t n, uint64_t seed, uint64_t replicate, double scale, double *x);
/* Starting point of Monte Carlo replicate r: a fresh draw when x0 is random, else x0. */
void problem_start(const problem *pb, uint64_t seed, uint64_t replicate, double *x);
/* Ascending copy of the n values v into a new pb->spectrum. */
int problem_set_spectrum(problem *pb, const double *v);

/* Key specifications shared by several problem types. */
#define PROBLEM_PARAM_DIM(def, lo, hi) \
    { "dim", PARAM_INT, offsetof(problem_params, dim), def, lo, hi, 0, NULL, "dimension n" }
#define PROBLEM_PARAM_X0 \
    { "x0", PARAM_LIST, offsetof(problem_params, x0), NULL, -1e300, 1e300, PARAM_OPTIONAL, \
      NULL, "initial point (dim numbers, or one to broadcast); default: the problem's own" }
#define PROBLEM_PARAM_INIT_SCALE \
    { "init_scale", PARAM_REAL, offsetof(problem_params, init_scale), "1", 0, 1e300, 0, NULL, \
      "default x0 ~ N(0, init_scale^2 I) from the seed" }
#define PROBLEM_PARAM_NOISE_SCALE(T, doc) \
    { "noise_scale", PARAM_REAL, offsetof(T, noise_scale), "0", 0, 1e300, 0, NULL, doc }
/* The finite-data problems' `sampling` key (sim/core/draw.h). */
extern const char *const problem_sampling_names[];
#define PROBLEM_PARAM_SAMPLING \
    { "sampling", PARAM_CHOICE, offsetof(problem_params, sampling), "uniform", 0, 0, 0, \
      problem_sampling_names, "minibatches: uniform (without replacement within an epoch) or " \
      "cr (column-row sampling: i.i.d. examples with p_j ~ |g_j(x)|, weights 1/(N p_j))" }
#define PROBLEM_PARAM_END { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL }

#endif
