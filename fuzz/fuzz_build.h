/* fuzz/fuzz_build.h — shared by the experiment fuzz targets: from a validated experiment, build
 * what `optdyn run` builds before its first step (the problem, every optimizer's state). */
#ifndef OPTDYN_FUZZ_BUILD_H
#define OPTDYN_FUZZ_BUILD_H

#include "../sim/input/config.h"

/* Problems larger than dim FUZZ_BUILD_MAX_DIM or dim x max(examples, 1) FUZZ_BUILD_MAX_DOUBLES
 * are validated but not built: the harness's time budget per input (under the sanitizers a
 * quadratic's dense Hessian, O(dim^3), takes 10 s at dim 708, and a logistic regression on
 * 4000 x 20 examples 20 s, its minimizer being computed). Up-front memory checks of large sizes
 * are the limit tests' (issue 14 item 2). */
#define FUZZ_BUILD_MAX_DIM 64
#define FUZZ_BUILD_MAX_DOUBLES ((size_t)1 << 12)

/* Is the experiment's problem within those limits? */
int fuzz_buildable(const config *c);

/* Build the problem from the experiment's seed and each optimizer's state, then free them.
 * Returns 0, or aborts (a crash libFuzzer reports) when a validated experiment fails to build
 * with anything but "out of memory"-class statuses. */
int fuzz_build(const config *c);

/* What optdyn's main() sets up before any command: GSL reports through return codes. */
void fuzz_setup(void);

/* A NUL-terminated copy of n bytes of fuzz input (free()). */
char *fuzz_text(const unsigned char *data, size_t n);

#endif
