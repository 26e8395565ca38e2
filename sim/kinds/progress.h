/* sim/kinds/progress.h — progress of a run in units of expected work: each kind counts its units
 * (cells, steps, learning rates) with an a-priori cost, a work_meter reports them to the caller,
 * and the caller turns the measured throughput of that work into an estimate of the time left. */
#ifndef OPTDYN_PROGRESS_H
#define OPTDYN_PROGRESS_H

#include <stddef.h>

#include "../core/problem.h"

/* One report: unit `done` of `total` of `what` (an optimizer's name, "cells", "NAME/LIMIT"),
 * and the expected work finished in the whole run, work_done of work_total (arbitrary units,
 * comparable within one run only). */
typedef struct sim_progress {
    const char *what;
    size_t done, total;
    double work_done, work_total;
} sim_progress;

typedef void (*sim_progress_fn)(void *user, const sim_progress *p);

/* A run's counter. fn may be NULL (nothing reported). A kind reports once before any work
 * (work_meter_add with what was already done, e.g. a resumed sweep's cells, or 0): the caller's
 * clock starts there. */
typedef struct work_meter {
    sim_progress_fn fn;
    void *user;
    sim_progress p;
} work_meter;

/* Work_total expected in the whole run; the current units are `what` 0 of total. No report. */
void work_meter_init(work_meter *m, sim_progress_fn fn, void *user, const char *what,
                     size_t total, double work_total);
/* The current units become `what` 0 of total (the next optimizer, limit, ...). No report. */
void work_meter_unit(work_meter *m, const char *what, size_t total);
/* units more of the current units finished, work more of the expected work; then one report.
 * Safe from OpenMP threads (one critical section: the reports are serialized). */
void work_meter_add(work_meter *m, size_t units, double work);

/* units more of the current units will not be run (a diverged trajectory's remaining steps):
 * they count as done and their work leaves the total, so that the throughput stays measured
 * on work actually done. No report. */
void work_meter_skip(work_meter *m, size_t units, double work);

/* Seconds left: the work still to do over the throughput measured so far,
 * (work_total - work_done) * elapsed / (work_done - work_start), where work_start was already
 * done when the clock started (cells of a resumed sweep); -1 before any work was measured. */
double progress_eta(double elapsed, double work_start, double work_done, double work_total);

/* Expected work of one optimizer step at batch size B on pb: n (1 + m), m the examples a
 * stochastic gradient reads: min(B, N) of a finite dataset of N, B streamed examples (finite
 * B), else 0 (Gaussian noise or an exact gradient cost about n each). */
double work_of_step(const problem *pb, double B);
/* Expected work of one evaluation of the training loss: n (1 + N), N = 0 without a dataset. */
double work_of_loss(const problem *pb);

#endif
