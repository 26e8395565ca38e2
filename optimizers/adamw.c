/* optimizers/adamw.c — AdamW (Loshchilov & Hutter 2019, torch.optim.AdamW): Adam's update with
 * decoupled weight decay, default wd = 0.01 as in torch:
 *   x <- x*(1 - lr_t*wd) + dx_adam(x; lr_t)      (dx_adam: adam.c, gradient at the old x)
 * The rule is Adam's step; the decay is the shared key `weight_decay` (optimizers/schedule.c),
 * applied by the run loop around it (sim/core/replicate.c), with this type's default 0.01. */
#include "adam.h"

static const param_spec adamw_specs[] = {
    OPT_PARAM_LR,
    ADAM_PARAM_BETAS,
    OPT_PARAM_EPS(adam_params, "1e-8"),
    OPT_PARAM_EMA,
    { "weight_decay", PARAM_REAL, offsetof(opt_params, train) + offsetof(opt_train, weight_decay),
      "0.01", 0, 1e300, 0, NULL, "decoupled weight decay wd: x <- x*(1 - lr_t*wd) + dx" },
    OPT_PARAM_END,
};

const opt_type opt_adamw = {
    .name = "adamw",
    .summary = "Adam with decoupled weight decay (torch.optim.AdamW)",
    .rule = "m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2; mh = m/(1-b1^t); vh = v/(1-b2^t); "
            "x <- x*(1 - lr*wd) - lr*mh/(sqrt(vh)+eps)",
    .params = adamw_specs,
    .state_size = opt_state_2n,
    .step = opt_adam_step,
    .precond = opt_adam_precond,
    .edge = opt_adam_edge,
    .slice = &opt_adam_slice,
};
