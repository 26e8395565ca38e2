/* sim/kinds/scaling_rule.h — batch-size scaling rules for an optimizer's hyperparameters: going from
 * batch B to kappa B, how lr, beta1, beta2 and eps change (Malladi et al. 2022 and two rivals). */
#ifndef OPTDYN_SCALING_RULE_H
#define OPTDYN_SCALING_RULE_H

#include <stddef.h>

#include "../../optimizers/opt.h"

typedef enum {
    SCALING_SQRT,       /* lr sqrt(kappa), 1 - beta_i -> kappa (1 - beta_i), eps / sqrt(kappa) */
    SCALING_LINEAR,     /* lr kappa, everything else kept */
    SCALING_HALFLIFE,   /* lr sqrt(kappa), beta_i -> beta_i^kappa, eps / sqrt(kappa) */
    SCALING_FIXED,      /* nothing changes: the batch alone */
    SCALING_RULES
} scaling_rule;

/* The keys a rule may change besides lr, where the optimizer type has them. */
extern const char *const scaling_rule_keys[];   /* NULL-terminated: beta1, beta2, eps */

const char *scaling_rule_name(scaling_rule r);
/* The rule named `name`, or -1. */
int scaling_rule_lookup(const char *name);
const char *scaling_rule_formula(scaling_rule r);

/* out = p moved from batch B to kappa B by rule r. Returns 0, or 1 when the rule is undefined
 * there (sqrt: kappa (1 - beta) > 1), with why saying so; out holds what the rule gives. */
int scaling_rule_apply(scaling_rule r, const opt_type *t, const opt_params *p, double kappa,
                       opt_params *out, char *why, size_t len);

#endif
