/* sim/core/vecmath.h — lets GCC vectorize loops that call exp and expm1 by declaring
 * glibc's SIMD variants (libmvec, linked through -lm, a few ulps), which <math.h> only declares
 * under -ffast-math. Used by files compiled with -fno-math-errno (nqm_sum.c also with
 * -funsafe-math-optimizations) but without -ffinite-math-only, so infinities (batch = inf,
 * log 0 = -inf) keep their meaning. */
#ifndef OPTDYN_VECMATH_H
#define OPTDYN_VECMATH_H

#include <math.h>

#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__FAST_MATH__) && \
    !defined(__clang__)
__attribute__((simd("notinbranch"))) double exp(double);
__attribute__((simd("notinbranch"))) double expm1(double);
#endif

#endif
