/* sim/kinds/scaling_rule.c — the three batch-size scaling rules applied to an optimizer's keys by
 * name (lr always; beta1, beta2 and eps where the type has them), so every optimizer takes part. */
#include "scaling_rule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const scaling_rule_keys[] = { "beta1", "beta2", "eps", NULL };

static const char *const names[SCALING_RULES] = { "sqrt", "linear", "halflife", "fixed" };
static const char *const formulas[SCALING_RULES] = {
    "square-root rule (Malladi et al. 2022): lr -> sqrt(kappa) lr, 1 - beta_i -> kappa (1 - beta_i), "
    "eps -> eps / sqrt(kappa)",
    "linear rule: lr -> kappa lr, beta_i and eps kept",
    "half-life rule: lr -> sqrt(kappa) lr, beta_i -> beta_i^kappa (the averages' half-lives fixed "
    "in examples), eps -> eps / sqrt(kappa)",
    "fixed: every hyperparameter kept, only the batch changes",
};

const char *scaling_rule_name(scaling_rule r)
{
    return names[r];
}

int scaling_rule_lookup(const char *name)
{
    for (int r = 0; r < SCALING_RULES; r++)
        if (!strcmp(names[r], name))
            return r;
    return -1;
}

const char *scaling_rule_formula(scaling_rule r)
{
    return formulas[r];
}

int scaling_rule_apply(scaling_rule r, const opt_type *t, const opt_params *p, double kappa,
                       opt_params *out, char *why, size_t len)
{
    *out = *p;
    if (r == SCALING_FIXED)
        return 0;
    double s = sqrt(kappa);
    out->lr = r == SCALING_LINEAR ? kappa * p->lr : s * p->lr;
    if (r == SCALING_LINEAR)
        return 0;
    int undefined = 0;
    for (int k = 0; k < 2; k++) {
        const char *key = scaling_rule_keys[k];
        if (!param_find(t->params, key))
            continue;
        double b = param_get(t->params, p, key, 0.0);
        double b2 = r == SCALING_SQRT ? 1.0 - kappa * (1.0 - b) : pow(b, kappa);
        if (b2 < 0.0 && !undefined++)
            snprintf(why, len, "%s: 1 - kappa (1 - %s) = %g < 0 at kappa = %g", key, key, b2, kappa);
        param_put(t->params, out, key, b2);     /* recorded as the rule gives it */
    }
    if (param_find(t->params, "eps"))
        param_put(t->params, out, "eps", param_get(t->params, p, "eps", 0.0) / s);
    return undefined;
}
