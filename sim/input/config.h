/* sim/input/config.h — an experiment, fully validated: every key known, typed, in range, consistent.
 * Built from an INI file plus --set overrides; everything downstream trusts it. */
#ifndef OPTDYN_CONFIG_H
#define OPTDYN_CONFIG_H

#include <stddef.h>

#include "../../optimizers/opt.h"
#include "ini_read.h"
#include "param.h"
#include "../core/problem.h"

struct kind_type;

typedef struct experiment_params {
    long seed;
    char output[PARAM_STRING_MAX];
    int rng;                 /* rng_gen (sim/core/rng.h): philox 0, splitmix 1 */
} experiment_params;

typedef struct cfg_optimizer {
    char name[96];           /* [optimizer NAME]'s NAME (variants: NAME@mu=...): HDF5 group, label */
    char section[64];        /* the NAME of its [optimizer NAME] section */
    const opt_type *type;
    opt_params p;
} cfg_optimizer;

typedef struct config {
    ini_doc *doc;            /* path, verbatim text, entries (with --set applied) */
    experiment_params exp;
    problem_params problem;
    const struct kind_type *kind;   /* [experiment] kind (sim/kinds/kind.h) */
    void *kp;                /* the keys of the kind's own section: kind->params_size bytes */
    cfg_optimizer *opt;      /* in file order */
    size_t nopt;
} config;

extern const param_spec experiment_specs[];   /* [experiment] keys besides `kind` */

/* Does the problem draw minibatches from a finite dataset ([problem] examples > 0)? */
int config_finite_data(const config *c);
/* A finite-data or online problem draws B examples: is B not an integer <= examples (finite
 * data), or one whose draws exceed PROBLEM_STREAM_MAX (online), nor inf? */
int config_batch_misfits(const config *c, double B);
/* Does any of the n batch sizes B misfit the data? Then why says what was expected. */
int config_batches_misfit(const config *c, size_t n, const double *B, char *why, size_t len);
/* The name of the experiment's kind. */
const char *config_kind_name(const config *c);

/* Load, override and validate. On failure returns OD_EINPUT (message in err: file, line, key,
 * what was expected) or OD_ENOMEM, and *out = NULL. */
int config_load(const char *path, const char *const *sets, size_t nsets, config **out,
                char *err, size_t errlen);
/* The same from text in memory (text NULL: read path); path names it in messages. */
int config_load_from(const char *path, const char *text, const char *const *sets, size_t nsets,
                     config **out, char *err, size_t errlen);
void config_free(config *c);

#endif
