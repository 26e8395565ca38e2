/* tests/testutil.h — helpers shared by the C tests: experiments from inline INI text, problems
 * built from them, and fixed-step iteration of an optimizer outside the run loop. */
#ifndef OPTDYN_TESTUTIL_H
#define OPTDYN_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../optimizers/opt.h"
#include "../sim/input/config.h"
#include "../sim/core/problem.h"

/* Load an experiment from text (written to a temporary file); fails the test on error. */
config *tu_config(const char *ini);
/* Status of loading text, with the message in err. */
int tu_config_status(const char *ini, char *err, size_t len);
/* The experiment's problem (fails the test when it cannot be built). */
problem *tu_problem(const config *c);
/* Iterate optimizer o of c for steps with batch size B (replicate 0, as trajectories run);
 * x (n) ends at x_steps. */
void tu_iterate(const config *c, const problem *pb, const cfg_optimizer *o, double B, long steps,
                double *x);
/* Fails unless every stride-th dL/dx_i of the exact gradient at x agrees with the central
 * difference (step 1e-5 (1 + |x_i|)) of the loss within 1e-6 (1 + |g_i|); what names the case. */
void tu_gradient_fd(const problem *pb, const double *x, size_t stride, const char *what);
/* Mean and variance over `draws` steps of the minibatch gradient of batch size B at x (the run
 * loop's draws, seed 5), Welford's recurrence; mean and var have pb->n entries. */
void tu_batch_moments(const problem *pb, double B, long draws, const double *x, double *mean,
                      double *var);
/* A path under a fresh temporary directory (removed at exit is not needed: /tmp). */
const char *tu_tmpdir(void);

#endif
