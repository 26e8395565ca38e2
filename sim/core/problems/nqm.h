/* sim/core/problems/nqm.h — the noisy quadratic model's per-coordinate facts, for the exact
 * expected-loss dynamics (sim/nqm_exact.c): curvatures h_i and per-example noise variances c_i. */
#ifndef OPTDYN_NQM_H
#define OPTDYN_NQM_H

#include "../problem.h"

/* h and c of an nqm problem (NULL for any other type); arrays of pb->n values. */
int nqm_facts(const problem *pb, const double **h, const double **c);

#endif
