/* optimizers/opt.h — the optimizer vtable: an update rule is a const opt_type, an instance is
 * (type, flat state array). Update rules are pure: no allocation, no I/O, no random draws. */
#ifndef OPTDYN_OPT_H
#define OPTDYN_OPT_H

#include <stddef.h>

#include "../sim/input/param.h"
#include "../sim/core/problem.h"
#include "schedule.h"

/* Hyperparameters, immutable during a run. Each type owns its parameter struct, which starts
 * with OPT_PARAMS_HEAD (the keys generic code reads) and is described by its key specs
 * (offsetof into its own struct); an instance stores it in an opt_params, a block of fixed
 * size that every type's struct fits (OPT_PARAMS_FIT in the type's file). Generic code reads
 * a type's own keys by name through its specs (param_get), never through its struct. */
#define OPT_PARAMS_HEAD struct { \
        double lr;    /* learning rate */ \
        double ema;   /* iterate averaging xbar <- ema*xbar + (1-ema)*x (0: off) */ \
        opt_train train;   /* schedule, weight decay, clipping (schedule.h), for every rule */ \
    }
#define OPT_PARAMS_OWN 14     /* doubles of a type's own keys */
typedef struct opt_params {
    OPT_PARAMS_HEAD;
    double own[OPT_PARAMS_OWN];   /* the type's keys after the head, laid out by its struct */
} opt_params;
#define OPT_PARAMS_FIT(T) \
    _Static_assert(sizeof(T) <= sizeof(opt_params) && _Alignof(T) <= _Alignof(opt_params) && \
                   offsetof(T, lr) == offsetof(opt_params, lr) && \
                   offsetof(T, ema) == offsetof(opt_params, ema), #T " does not fit opt_params")
/* A type's view of its block. */
#define OPT_OWN(T, p) ((const T *)(const void *)(p))

/* A continuous-time limit of an update rule: an ODE dy/dt = f(t, y) whose solution the iterates
 * follow at times t_k = k * time_step(p) as lr -> 0 (docs/theory.md "Continuous limits"). Optional slots are
 * NULL where they do not apply. */
typedef struct opt_flow {
    const char *name;            /* e.g. "gradient", "modified", "rescaled" */
    const char *equation;        /* the ODE in ASCII math, recorded in output files */
    const char *time_map;        /* e.g. "t = k*lr", with any hyperparameter tied to lr */
    double (*time_step)(const opt_params *p);        /* continuous time per discrete step */
    /* Optional: sets the hyperparameters this limit ties to lr (mu = 1 - gamma*sqrt(lr), ...);
     * OD_EDOM when lr is too large for the tie to give a valid optimizer. */
    int (*couple)(opt_params *p);
    size_t (*dim)(size_t n);                          /* size of the ODE state y */
    /* y at the starting time, which it returns: 0, or a small t0 past a singularity at t = 0
     * where y(t0) comes from the series solution. work: 4n doubles of scratch. */
    double (*start)(const double *x0, size_t n, const opt_params *p, const problem *pb,
                    double *y0, double *work);
    /* dydt = f(t, y); x is y[0..n). Returns a status. */
    int (*rhs)(double t, const double *y, double *dydt, size_t n, const opt_params *p,
               const problem *pb, double *work);
    /* Optional analytic Jacobian df/dy (dim x dim, row-major), for implicit integrators. */
    int (*jac)(double t, const double *y, double *dfdy, size_t n, const opt_params *p,
               const problem *pb, double *work);
    /* Optional: a proven bound on f(X(t)) - f* given r0sq = |x0 - x*|^2. */
    double (*gap_bound)(double t, double r0sq);
    /* Optional: name of the stochastic modified equation with this flow as drift,
     * dX = f dt + sqrt(lr/B) Sigma^(1/2) dW (Li, Tai & E 2017), e.g. "sme1". */
    const char *sde;
    /* The drift is affine in x on a problem with a constant Hessian (e.g. -g, -(g + lr/2 H g)):
     * its SME is then an Ornstein-Uhlenbeck process, sampled exactly (sim/kinds/sme_exact.h). */
    int affine;
    /* The right-hand side does not depend on lr (no tie, no lr term), only the clock does: a
     * learning-rate schedule is then a change of time, step k advancing it by
     * time_step(lr_k) (kind = flow accepts schedules for such limits only). */
    int time_change;
    /* Optional: doubles of scratch the limit needs beyond the 4n every limit gets (rhs, start
     * and extra see them after those 4n; start runs first on them). NULL: none. */
    size_t (*work)(size_t n);
    /* Run by kind = flow only when [flow] limits names it (costly or special-purpose limits). */
    int opt_in;
    /* Optional: names of scalars the limit defines along its solution (NULL-terminated), and
     * their values at y (work: 4n + work(n) doubles, zeroed before the first call); recorded
     * beside each matched trajectory as <name>_continuous. */
    const char *const *extras;
    int (*extra)(const double *y, size_t n, const opt_params *p, const problem *pb,
                 double *work, double *out);
} opt_flow;

/* What a rule can do, declared in its table so that no caller compares names. */
enum {
    OPT_CAP_STEADY    = 1u << 0,   /* has a steady state under a frozen gradient (its state
                                      converges): kind = onestep samples it after steady_steps */
    OPT_CAP_SIGN_LIKE = 1u << 1    /* per-coordinate step ~ lr whatever the gradient's scale */
};

/* The closed-form model of one update direction phi = -dx/lr under a frozen gradient (first
 * update from a zero state, or the steady state); sim/theory interprets it (docs/theory.md "One-step scaling"). */
typedef enum {
    OPT_DIR_NONE,          /* no closed form */
    OPT_DIR_GRADIENT,      /* phi = g */
    OPT_DIR_EMA_MOMENTUM,  /* phi = EMA of g scaled by 1/(1-mu), mu the key `momentum` */
    OPT_DIR_SIGN,          /* phi = sign(g) */
    OPT_DIR_ADAM_FIRST,    /* phi = g/(|g| + eps), keys eps */
    OPT_DIR_RMSPROP_FIRST, /* phi = g/(sqrt(1-alpha)|g| + eps), keys alpha, eps */
    OPT_DIR_ADAM_STEADY,   /* Adam's steady state, eps = 0, key beta1 */
    OPT_DIR_MSIGN,         /* phi = s(r, c) msign(G) per matrix block G (r x c), s = block_scale;
                              every block must be a matrix (sim/theory/msign_theory.h); as the
                              steady model, of a momentum with noise factor steady_noise */
    OPT_DIR_SIGN_EMA       /* phi = sign(b1 m + (1-b1) g), m <- b2 m + (1-b2) g in its steady
                              state, keys beta1, beta2 (b1 = b2: SignSGD with EMA momentum) */
} opt_dir_model;

/* The rule's action on a quadratic, for exact expected-loss recursions (sim/theory/nqm_exact). */
typedef enum {
    OPT_QUAD_NONE,         /* no exact moments */
    OPT_QUAD_PRECOND,      /* x <- x - lr diag(H)^-p g, p the key `precond_power` (absent: 0,
                              plain gradient descent); iterate averaging supported */
    OPT_QUAD_HEAVY_BALL    /* v <- mu v + g; x <- x - lr v, mu the key `momentum` */
} opt_quad_model;

/* An element-wise rule (coordinate i of dx depends only on g_i and coordinate i of each n-vector of
 * the state) split in two, so that the run loop can draw, form the gradient and update tile by
 * tile (sim/core/replicate_fused.c): step(t) = grad, then prepare(t), then update over all n. */
enum { OPT_SLICE_CONSTS = 8 };
typedef struct opt_slice {
    /* The constants of step t (at most OPT_SLICE_CONSTS: lr, decays, bias corrections). */
    void (*prepare)(long t, const opt_params *p, double *k);
    /* g (coordinates i0 .. i0+len-1) -> dx in place, advancing coordinates i0.. of the state
     * st = [n-vector | n-vector ...]. */
    void (*update)(double *st, size_t n, size_t i0, size_t len, const double *k, double *g);
} opt_slice;

typedef struct opt_type {
    const char *name;          /* key in configs and HDF5 attributes */
    const char *summary;
    const char *rule;          /* update rule in ASCII math, recorded in every output file */
    const param_spec *params;  /* accepted keys besides `type` */
    size_t (*state_size)(size_t n);                       /* doubles of state for dimension n */
    /* Optional: the doubles of persistent state (moments, bases; not scratch) the rule keeps on
     * pb's blocks, recorded as `state_doubles` (NULL: state_size(n)). */
    size_t (*state_used)(const opt_params *p, const problem *pb);
    /* Optional: doubles of state on problem pb when they depend on more than n (a factorized
     * problem's full-size moments); NULL: state_size(pb->n). Callers use opt_state_len. */
    size_t (*state_size_of)(const problem *pb);
    /* Sets the initial state; the caller zeroes the state first, so NULL means "all zero". */
    void (*init)(double *st, size_t n, const opt_params *p);
    /* One update at step t = 1, 2, ...: fills dx so that x_t = x_{t-1} + dx. The optimizer
     * evaluates pb's gradient itself (look-ahead points included), with the batch b that the
     * run loop drew for this step. Rules that act on matrices read the problem's parameter
     * blocks (problem_block_count / problem_block_at); element-wise rules ignore them.
     * Returns a status code (sim/status.h). */
    int (*step)(double *st, size_t n, long t, const opt_params *p, const double *x,
                const problem *pb, const batch *b, double *dx);
    /* Continuous-time limits, NULL-terminated (NULL: none implemented yet). */
    const opt_flow *const *flows;
    unsigned caps;                 /* OPT_CAP_* */
    opt_dir_model first, steady;   /* frozen-gradient directions (steady: with OPT_CAP_STEADY) */
    opt_quad_model quadratic;
    /* OPT_DIR_MSIGN: the factor s(r, c) multiplying msign of an r x c block (NULL: 1). */
    double (*block_scale)(const opt_params *p, size_t rows, size_t cols);
    /* OPT_DIR_MSIGN as the steady model: what is orthogonalized has mean g and covariance
     * a Sigma/B in the steady state; returns a (the theory then uses the batch B/a). */
    double (*steady_noise)(const opt_params *p);
    /* Optional: the rule's current diagonal preconditioner P (n values > 0) from its state after
     * step t, so that the update is x <- x - lr P^-1 (an average of g) (Adam: P = sqrt(vh) +
     * eps); the trajectory's sharpness probe then also records lambda_max(P^-1 H). NULL: none. */
    int (*precond)(const double *st, size_t n, long t, const opt_params *p, double *P);
    /* Optional: the edge of stability of the rule at its lr, the value the (preconditioned, with
     * precond) sharpness cannot exceed on a quadratic without divergence: (2 + 2 mu)/lr for heavy
     * ball, (2 + 2 b1)/((1 - b1) lr) for Adam. NULL: 2/lr (gradient descent). */
    double (*edge)(const opt_params *p);
    /* Largest lr*L with a convergence guarantee in the rule's own theory on L-smooth convex
     * problems (gradient descent 2, NAG-C 1); 0 where none is declared. */
    double lr_bound;
    /* Optional: the rule as an element-wise slice (above); its step must be opt_slice_step. */
    const opt_slice *slice;
} opt_type;

extern const opt_type *const opt_types[];       /* NULL-terminated registry */

const opt_type *opt_lookup(const char *name);

/* The shared key specifications, so that every optimizer documents `lr` the same way. */
#define OPT_PARAM_LR \
    { "lr", PARAM_REAL, offsetof(opt_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL, \
      "learning rate (required)" }
/* Iterate averaging is applied by the run loop around any update rule: the loss (trajectory
 * column loss_ema, sweep targets) is then evaluated at xbar, with xbar(0) = x0. */
#define OPT_PARAM_EMA \
    { "ema", PARAM_REAL, offsetof(opt_params, ema), "0", 0, 1, PARAM_HI_OPEN, NULL, \
      "iterate averaging gamma: xbar <- gamma*xbar + (1-gamma)*x, loss at xbar (0: off)" }
#define OPT_PARAM_END { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL }

/* Shared helpers for the update rules. */
size_t opt_state_none(size_t n);
size_t opt_state_n(size_t n);          /* one n-vector of state */
size_t opt_state_2n(size_t n);         /* two n-vectors of state */
/* type->state_used, or state_size(n) where the type declares none. */
size_t opt_state_doubles(const opt_type *type, const opt_params *p, const problem *pb);
/* Shared pieces of flows (optimizers/flow_common.c): t = k*lr, y = x, the dense Hessian. */
double opt_time_lr(const opt_params *p);
double opt_time_sqrt_lr(const opt_params *p);
size_t opt_flow_dim_n(size_t n);
size_t opt_flow_dim_2n(size_t n);
double opt_flow_start_x(const double *x0, size_t n, const opt_params *p, const problem *pb,
                        double *y0, double *work);
/* y0 = (x0, 0): a second-order system started at rest. */
double opt_flow_start_rest(const double *x0, size_t n, const opt_params *p, const problem *pb,
                           double *y0, double *work);
/* H (n x n, row-major, leading dimension ld) at x from n Hessian-vector products; work: 2n. */
int opt_flow_hessian(const problem *pb, const double *x, size_t n, double *H, size_t ld,
                     double *work);
/* Second-order systems, y = (x, v): x' = v, v' = -friction*v - g(x), and their Jacobian
 * [[0, I], [-H, -friction I]] (dim 2n x 2n, work: 2n). */
int opt_flow_friction_rhs(const double *y, double *dydt, size_t n, double friction,
                          const problem *pb);
int opt_flow_friction_jac(const double *y, double *dfdy, size_t n, double friction,
                          const problem *pb, double *work);
const opt_flow *opt_flow_lookup(const opt_type *type, const char *name);
/* Limits shared by several update rules. */
extern const opt_flow opt_flow_gradient;   /* dx/dt = -g */
extern const opt_flow opt_flow_rescaled;   /* dx/dt = -g/(1-mu) */
extern const opt_flow opt_flow_damped;     /* x'' + gamma x' + g = 0, mu = 1 - gamma sqrt(lr) */
extern const opt_flow opt_flow_sign;       /* dx/dt = -g/(|g|+eps) */

/* The step of an element-wise rule: g = grad(x; b) into dx, prepare(t), update over 0..n-1. */
int opt_slice_step(const opt_slice *sl, double *st, size_t n, long t, const opt_params *p,
                   const double *x, const problem *pb, const batch *b, double *dx);

/* The edge of stability of type at p: type->edge(p), or 2/lr. */
double opt_edge(const opt_type *type, const opt_params *p);

/* Allocate a zeroed state for type and run its init; free() it. NULL when out of memory. */
double *opt_state_alloc(const opt_type *type, size_t n, const opt_params *p);
/* The state's length on problem pb (state_size_of, else state_size(pb->n)), and the same
 * allocation sized for pb: what every caller that has the problem uses. */
size_t opt_state_len(const opt_type *type, const problem *pb);
double *opt_state_alloc_on(const opt_type *type, const problem *pb, const opt_params *p);

#endif
