/* sim/kinds/sweep_internal.h — what the sweep driver shares with its MPI scheduler (sim/sweep_mpi.c):
 * storing a finished cell, and the distributed loop itself. Not part of the public interface. */
#ifndef OPTDYN_SWEEP_INTERNAL_H
#define OPTDYN_SWEEP_INTERNAL_H

#include "journal.h"
#include "sweep.h"

/* Record cell's values [steps(T) | final loss | diverged at] in res. */
void sweep_store(sweep_result *res, size_t cell, const double *v);

/* Compute the cells todo[0..ntodo) (known on rank 0) over every MPI rank; rank 0 journals and
 * stores them and reports each to wm. status: rank 0's status so far (a failure stops every
 * rank). Every rank returns the same status. Only in MPI builds. */
int sweep_mpi(const config *c, const problem *pb, const sweep_run_opts *opt, sweep_result *res,
              journal *j, size_t *todo, size_t ntodo, const double *s0, work_meter *wm,
              int status);

#endif
