/* optimizers/registry.c — the list of update rules known to configs and `optdyn list`.
 * Add a new optimizer here (and in the Makefile's source list) and nowhere else. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

extern const opt_type opt_sgd, opt_momentum, opt_nesterov, opt_rmsprop, opt_adam, opt_signsgd,
    opt_precond;

const opt_type *const opt_types[] = {
    &opt_sgd, &opt_momentum, &opt_nesterov, &opt_rmsprop, &opt_adam, &opt_signsgd, &opt_precond,
    NULL,
};

const char *const opt_type_names[] = {
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "signsgd", "precond", NULL,
};

const opt_type *opt_lookup(const char *name)
{
    for (size_t i = 0; opt_types[i]; i++)
        if (strcmp(opt_types[i]->name, name) == 0)
            return opt_types[i];
    return NULL;
}

size_t opt_state_none(size_t n) { (void)n; return 0; }
size_t opt_state_n(size_t n) { return n; }
size_t opt_state_2n(size_t n) { return 2 * n; }

double opt_time_lr(const opt_params *p) { return p->lr; }
size_t opt_flow_dim_n(size_t n) { return n; }

void opt_flow_start_x(const double *x0, size_t n, const opt_params *p, double *y0)
{
    (void)p;
    memcpy(y0, x0, n * sizeof *y0);
}

const opt_flow *opt_flow_lookup(const opt_type *type, const char *name)
{
    for (size_t i = 0; type->flows && type->flows[i]; i++)
        if (strcmp(type->flows[i]->name, name) == 0)
            return type->flows[i];
    return NULL;
}

double *opt_state_alloc(const opt_type *type, size_t n, const opt_params *p)
{
    size_t len = type->state_size(n);
    double *st = calloc(len ? len : 1, sizeof *st);
    if (st && type->init)
        type->init(st, n, p);
    return st;
}
