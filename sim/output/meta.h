/* sim/output/meta.h — what makes an output file self-describing: the experiment verbatim, program and
 * library versions, conventions, and every resolved parameter, written as HDF5 attributes. */
#ifndef OPTDYN_META_H
#define OPTDYN_META_H

#include "../input/config.h"
#include "../input/param.h"
#include "../core/problem.h"
#include "rec.h"

/* Root attributes: experiment text, file, overrides, version, seed, kind, build, conventions. */
int meta_write_root(rec *r, const config *c, const char *const *sets, size_t nsets);
/* One attribute per key of specs but `skip` (NULL: none), read from base (choices as words). */
int meta_write_params(rec *r, const char *obj, const param_spec *specs, const void *base,
                      const char *skip);
/* The training-practice keys of an optimizer (schedule, decay, clipping; opt_train_specs) and
 * its resolved schedule length `schedule_length`, only when one of them is set. */
int meta_write_train(rec *r, const char *obj, const opt_params *p);
/* /problem: type, parameters, x0, and the known facts (xstar, fstar, spectrum). */
int meta_write_problem(rec *r, const config *c, const problem *pb);

#endif
