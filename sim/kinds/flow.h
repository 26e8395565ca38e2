/* sim/kinds/flow.h — optimizers as integrators (kind = flow): each optimizer's iterates against the
 * solution of each of its continuous-time limits (integrated with GSL's rk8pd), the error at
 * matched times, and its order p in error ~ lr^p fitted over a ladder of learning rates. */
#ifndef OPTDYN_FLOW_H
#define OPTDYN_FLOW_H

#include "../../optimizers/opt.h"
#include "../input/config.h"
#include "../core/problem.h"
#include "../output/rec.h"
#include "progress.h"

typedef struct flow_params {
    param_list lr;           /* the learning-rate ladder */
    double time;             /* continuous time T at which errors are measured */
    long points;             /* matched points of the recorded trajectories */
    param_list trajectory_lr;    /* whose trajectories are recorded (empty: smallest lr) */
    double tol;              /* ODE integrator tolerance (absolute and relative) */
    int integrator;          /* FLOW_RK8PD or FLOW_MSBDF (sim/flow.h) */
    double batch;            /* SDE part: batch size (inf: none) */
    long paths;              /* SDE part: Monte Carlo pairs per lr */
    long substeps;           /* SDE part: Heun steps per optimizer step (nonlinear SDEs) */
    char limits[PARAM_STRING_MAX];   /* comma-separated limit names to run ("": all) */
    param_list landscape;    /* 2-D problems: as in run_params */
    long landscape_points;
    int sharpness;           /* also S_1 of H at the matched discrete and continuous points */
} flow_params;

extern const param_spec flow_specs[];          /* [flow] keys */
/* The [flow] keys of an experiment of this kind. */
static inline const flow_params *flow_params_of(const config *c) { return c->kp; }

enum { FLOW_RK8PD, FLOW_MSBDF };                 /* [flow] integrator */
extern const char *const flow_integrator_names[];
/* msbdf needs the limit's analytic Jacobian: limits without one are integrated by rk8pd. */
int flow_integrator_used(const opt_flow *f, int integrator);

/* Doubles of scratch limit f's rhs, start and extra get: 4n + f->work(n). */
size_t flow_work_size(const opt_flow *f, size_t n);

/* Integrate limit f (hyperparameters p, already tied to lr) from x0 over the sorted times
 * t[0..m), writing the x part of the state at each into xs (m x n). On an integrator failure
 * returns OD_EDOM with err saying the time reached and GSL's reason. */
int flow_solve(const opt_flow *f, const opt_params *p, const problem *pb, const double *x0,
               int integrator, double tol, size_t m, const double *t, double *xs, char *err,
               size_t len);

/* o's hyperparameters at lr with the ties of limit f applied (OD_EDOM + err when lr is too
 * large for them); iterate averaging off. */
int flow_params_at(const cfg_optimizer *o, const opt_flow *f, double lr, opt_params *p,
                   char *err, size_t len);

/* A schedule as a change of time (limits with time_change): the step count K whose clock
 * t_K = sum_{k<=K} time_step(lr_k) comes nearest to time, with the schedule's length T tied to
 * K unless schedule_steps fixes it (p->train.T set for the discrete run). Without a schedule
 * K = round(time/dt). OD_EDOM with err when no K comes within one peak step dt of time (a
 * schedule decaying to zero before it). */
int flow_clock_steps(const opt_flow *f, opt_params *p, double time, long *steps, char *err,
                     size_t len);
/* t[j] = the clock after the ascending steps ks[0..m) (k dt without a schedule). */
void flow_clock_at(const opt_flow *f, const opt_params *p, size_t m, const long *ks, double *t);

/* The discrete optimizer with exact gradients from x0 (seed as in the experiment), recorded at
 * the ascending steps ks[0..m) into xs (m x n). */
int flow_discrete(const opt_type *type, const opt_params *p, const problem *pb, uint64_t seed,
                  size_t m, const long *ks, double *xs);

/* |x_K - X(K dt)| for the discrete optimizer at lr after K = round(time / dt) steps (exact
 * gradients), dt = f->time_step; *steps gets K. floor (may be NULL) gets the accuracy floor of
 * the error, (FLOW_FLOOR_TOL tol + FLOW_FLOOR_EPS K eps) (1 + |X(T)|): below it the error is
 * integrator tolerance and round-off, not the method's. */
enum { FLOW_FLOOR_TOL = 100, FLOW_FLOOR_EPS = 10 };
int flow_error(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
               double lr, const flow_params *fp, long *steps, double *error, double *floor,
               char *err, size_t len);

/* Least-squares slope of log(error) against log(lr), with its standard error. */
int flow_order(size_t m, const double *lr, const double *error, double *slope, double *se);

/* A fitted order with its quality (sim/kinds/flow_fit.c). The fit is always made; the order is
 * the fit's slope when it means one, else NaN with the reason: an error not above its floor
 * (round-off, or Monte Carlo noise), local slopes between neighbouring lr that differ by more
 * than FLOW_FIT_TOL (the ladder is not in its asymptotic regime: the slope depends on where it is
 * measured), or fewer than three learning rates (nothing to check). */
#define FLOW_FIT_TOL 0.1
typedef struct flow_fit {
    double fit_slope, fit_slope_se;   /* least squares of log|error| on log lr */
    double slope, slope_se;           /* the order: fit_slope, or NaN */
    double rms;                       /* RMS residual of log|error| about the fit */
    double local_min, local_max;      /* slopes between neighbouring lr (sorted) */
    char reason[256];                 /* why slope is NaN, or what was checked */
} flow_fit;
/* floor: per-lr accuracy floors of |error| (NULL: none); what: the floor's name in reason. */
void flow_fit_order(size_t m, const double *lr, const double *error, const double *floor,
                    const char *what, flow_fit *fit);

/* Is limit f selected by [flow] limits (empty: all but the opt-in limits)? */
int flow_limit_selected(const flow_params *fp, const opt_flow *f);
/* Non-NULL (with why) when [flow] limits names a limit no optimizer has, or leaves an
 * optimizer without any limit. */
const char *flow_limits_check(const config *c, char *why, size_t len);

/* The whole experiment into /flow/<optimizer>/<limit>/...; progress (may be NULL) after each
 * learning rate of each limit ("NAME/LIMIT" i of the ladder), and of each SME ("NAME/SDE"), of
 * work flow_lr_work. */
int sim_run_flow(const config *c, const problem *pb, int threads, sim_progress_fn progress,
                 void *user, rec *r, char *err, size_t len);
/* Expected work of one learning rate of a limit: n time/lr (the discrete run's steps; the ODE
 * solve, the same at every lr, is not counted); with sde, of its weak error: paths time/lr
 * n (1 + substeps) (an SGD path and its SDE paths). */
double flow_lr_work(const flow_params *fp, const problem *pb, double lr, int sde);

#endif
