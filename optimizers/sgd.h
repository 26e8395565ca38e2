/* optimizers/sgd.h — gradient descent's parameter block, read by its central-flow limit
 * (optimizers/central_flow.c): the learning rate and how many top eigenvalues the flow tracks. */
#ifndef OPTDYN_SGD_H
#define OPTDYN_SGD_H

#include "opt.h"

typedef struct sgd_params {
    OPT_PARAMS_HEAD;
    long central_k;   /* kind = flow, limit central: top eigenvalues tracked (key central_k) */
} sgd_params;
OPT_PARAMS_FIT(sgd_params);

#define CENTRAL_MAX_K 8

/* The central flow of gradient descent (Cohen, Damian, Talwalkar, Kolter, Lee 2025). */
extern const opt_flow opt_flow_central;

#endif
