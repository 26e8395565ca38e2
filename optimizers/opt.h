/* optimizers/opt.h — the optimizer vtable: an update rule is a const opt_type, an instance is
 * (type, flat state array). Update rules are pure: no allocation, no I/O, no random draws. */
#ifndef OPTDYN_OPT_H
#define OPTDYN_OPT_H

#include <stddef.h>

#include "../sim/param.h"
#include "../sim/problem.h"

/* Hyperparameters, immutable during a run; each type reads only the keys it lists. */
typedef struct opt_params {
    double lr;      /* learning rate */
    double mu;      /* momentum (heavy ball, nesterov): key `momentum` */
    double b1;      /* adam: beta1 */
    double b2;      /* adam: beta2 */
    double eps;     /* adam, rmsprop: denominator offset */
    double alpha;   /* rmsprop: decay of the squared-gradient average */
    double precond_power;   /* precond: p in diag(H)^-p */
    double ema;     /* every type: iterate averaging xbar <- ema*xbar + (1-ema)*x (0: off) */
} opt_params;

/* A continuous-time limit of an update rule: an ODE dy/dt = f(y) whose solution the iterates
 * follow at times t_k = k * time_step(p) as lr -> 0 (THEORY.md section 2). */
typedef struct opt_flow {
    const char *name;            /* e.g. "gradient", "modified", "rescaled" */
    const char *equation;        /* the ODE in ASCII math, recorded in output files */
    const char *time_map;        /* e.g. "t = k*lr" */
    double (*time_step)(const opt_params *p);        /* continuous time per discrete step */
    size_t (*dim)(size_t n);                          /* size of the ODE state y */
    void (*start)(const double *x0, size_t n, const opt_params *p, double *y0);
    /* dydt = f(y); work holds 2n doubles of scratch; x is y[0..n). Returns a status. */
    int (*rhs)(const double *y, double *dydt, size_t n, const opt_params *p, const problem *pb,
               double *work);
} opt_flow;

typedef struct opt_type {
    const char *name;          /* key in configs and HDF5 attributes */
    const char *summary;
    const char *rule;          /* update rule in ASCII math, recorded in every output file */
    const param_spec *params;  /* accepted keys besides `type` */
    size_t (*state_size)(size_t n);                       /* doubles of state for dimension n */
    /* Sets the initial state; the caller zeroes the state first, so NULL means "all zero". */
    void (*init)(double *st, size_t n, const opt_params *p);
    /* One update at step t = 1, 2, ...: fills dx so that x_t = x_{t-1} + dx. The optimizer
     * evaluates pb's gradient itself (look-ahead points included), with the batch b that the
     * run loop drew for this step. Returns a status code (sim/status.h). */
    int (*step)(double *st, size_t n, long t, const opt_params *p, const double *x,
                const problem *pb, const batch *b, double *dx);
    /* Continuous-time limits, NULL-terminated (NULL: none implemented yet). */
    const opt_flow *const *flows;
} opt_type;

extern const opt_type *const opt_types[];       /* NULL-terminated registry */
extern const char *const opt_type_names[];      /* same order, for the `type` key */

const opt_type *opt_lookup(const char *name);

/* The shared key specifications, so that every optimizer documents `lr` the same way. */
#define OPT_PARAM_LR \
    { "lr", PARAM_REAL, offsetof(opt_params, lr), NULL, 0, 1e300, PARAM_LO_OPEN, NULL, \
      "learning rate (required)" }
#define OPT_PARAM_EPS(def) \
    { "eps", PARAM_REAL, offsetof(opt_params, eps), def, 0, 1e300, 0, NULL, \
      "offset added to the root of the second moment" }
#define OPT_PARAM_MOMENTUM(def) \
    { "momentum", PARAM_REAL, offsetof(opt_params, mu), def, 0, 1, PARAM_HI_OPEN, NULL, \
      "momentum coefficient mu" }
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
/* Shared pieces of flows: t = k*lr, y = x. */
double opt_time_lr(const opt_params *p);
size_t opt_flow_dim_n(size_t n);
void opt_flow_start_x(const double *x0, size_t n, const opt_params *p, double *y0);
const opt_flow *opt_flow_lookup(const opt_type *type, const char *name);

/* Allocate a zeroed state for type and run its init; free() it. NULL when out of memory. */
double *opt_state_alloc(const opt_type *type, size_t n, const opt_params *p);

#endif
