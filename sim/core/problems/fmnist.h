/* sim/core/problems/fmnist.h — what the Fashion-MNIST problems expose besides their problem_type: the
 * indices (into the IDX files) of the examples a seed selected, for checks against other code. */
#ifndef OPTDYN_FMNIST_H
#define OPTDYN_FMNIST_H

#include <stddef.h>

#include "../problem.h"

/* The ascending file indices of the training (test = 0) or test (test = 1) examples of pb, an
 * fmnist_softmax or fmnist_mlp problem; *cnt of them. */
const size_t *fmnist_subset(const problem *pb, int test, size_t *cnt);

#endif
