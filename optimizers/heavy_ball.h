/* optimizers/heavy_ball.h — the parameter block shared by momentum and nesterov and read by their
 * limits (rescaled, modified, damped): the momentum coefficient and the damping of the flow limit. */
#ifndef OPTDYN_HEAVY_BALL_H
#define OPTDYN_HEAVY_BALL_H

#include "opt.h"

typedef struct heavy_ball_params {
    OPT_PARAMS_HEAD;
    double mu;        /* key `momentum` */
    double damping;   /* kind = flow: gamma in mu = 1 - gamma*sqrt(lr) */
} heavy_ball_params;
OPT_PARAMS_FIT(heavy_ball_params);

#define OPT_PARAM_MOMENTUM(def) \
    { "momentum", PARAM_REAL, offsetof(heavy_ball_params, mu), def, 0, 1, PARAM_HI_OPEN, NULL, \
      "momentum coefficient mu" }
#define OPT_PARAM_DAMPING \
    { "damping", PARAM_REAL, offsetof(heavy_ball_params, damping), "1", 0, 1e300, PARAM_LO_OPEN, \
      NULL, "kind = flow, limit 'damped': gamma in mu = 1 - gamma*sqrt(lr) (momentum is then ignored)" }

/* The O(lr) modified flows with their initial layer (optimizers/heavy_ball_modified.c). */
extern const opt_flow opt_flow_hb_modified;
extern const opt_flow opt_flow_nesterov_modified;

#endif
