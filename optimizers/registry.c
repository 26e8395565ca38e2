/* optimizers/registry.c — the list of update rules known to configs and `optdyn list`.
 * Add a new optimizer here (its file is built by the Makefile's wildcard) and nowhere else: what it can do
 * (caps, closed-form models) is declared in its own table. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

extern const opt_type opt_sgd, opt_momentum, opt_nesterov, opt_nag_c, opt_rmsprop, opt_adam,
    opt_signsgd, opt_precond, opt_euler, opt_heun, opt_rk4, opt_lion, opt_muon, opt_adamw,
    opt_galore, opt_lora_pro, opt_lora_pro_adam;

const opt_type *const opt_types[] = {
    &opt_sgd, &opt_momentum, &opt_nesterov, &opt_nag_c, &opt_rmsprop, &opt_adam, &opt_signsgd,
    &opt_precond, &opt_euler, &opt_heun, &opt_rk4, &opt_lion, &opt_muon, &opt_adamw,
    &opt_galore, &opt_lora_pro, &opt_lora_pro_adam, NULL,
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

size_t opt_state_len(const opt_type *type, const problem *pb)
{
    return type->state_size_of ? type->state_size_of(pb) : type->state_size(pb->n);
}

size_t opt_state_doubles(const opt_type *type, const opt_params *p, const problem *pb)
{
    return type->state_used ? type->state_used(p, pb) : opt_state_len(type, pb);
}

double opt_edge(const opt_type *type, const opt_params *p)
{
    return type->edge ? type->edge(p) : 2.0 / p->lr;
}

static double *state_alloc(const opt_type *type, size_t len, size_t n, const opt_params *p)
{
    double *st = calloc(len ? len : 1, sizeof *st);
    if (st && type->init)
        type->init(st, n, p);
    return st;
}

double *opt_state_alloc(const opt_type *type, size_t n, const opt_params *p)
{
    return state_alloc(type, type->state_size(n), n, p);
}

double *opt_state_alloc_on(const opt_type *type, const problem *pb, const opt_params *p)
{
    return state_alloc(type, opt_state_len(type, pb), pb->n, p);
}
