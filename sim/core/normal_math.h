/* sim/core/normal_math.h — Box-Muller from Philox words with a polynomial log and an exactly reduced
 * sincos, branch-free plain IEEE arithmetic, so every instruction set gives the same bits: block
 * (w0, w1, w2, w3) -> r (cos 2 pi u2, sin 2 pi u2), r = sqrt(-2 ln u1), u1 from (w0, w1) and u2 from
 * (w2, w3), 2 pi u2 reduced exactly by quarter turns (sincos_turns). */
#ifndef OPTDYN_NORMAL_MATH_H
#define OPTDYN_NORMAL_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rng_kernel.h"
#include "sincospi.h"

/* 53 random bits (from two words) mapped to the open interval (0, 1): (k + 1/2) / 2^53, with
 * k = a 2^32 + b (a < 2^21, b < 2^32) converted exactly through the bits of 2^52 + a and 2^52 + b
 * (no 64-bit integer conversion, which AVX2 lacks). */
static inline double rng_u01(uint32_t hi, uint32_t lo)
{
    uint64_t ab = 0x4330000000000000ULL | (hi >> 11),
             bb = 0x4330000000000000ULL | ((uint64_t)(hi & 0x7ffu) << 21 | lo >> 11);
    double a, b;
    memcpy(&a, &ab, sizeof a);
    memcpy(&b, &bb, sizeof b);
    return ((a - 0x1p52) * 0x1p32 + (b - 0x1p52) + 0.5) * 0x1.0p-53;
}

/* ln u for a normal u > 0 (fdlibm's e_log.c kernel, < 1 ulp): u = 2^k m with m in
 * [sqrt(2)/2, sqrt(2)), f = m - 1, s = f/(2 + f), ln m = f - f^2/2 + s (f^2/2 + R(s^2)),
 * R a degree-7 polynomial in s^2; k and m by integer arithmetic on the bits (exact). */
static inline double rng_log(double u)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    uint64_t b, kb, mb, eb;
    memcpy(&b, &u, sizeof b);
    /* kb = k + 1024, k = floor((b - bits(sqrt(2)/2)) / 2^52); m = u / 2^k */
    kb = (b - 0x3fe6a09e667f3bcdULL + 0x4000000000000000ULL) >> 52;
    mb = b - (kb << 52) + 0x4000000000000000ULL;
    eb = 0x4330000000000000ULL | kb;
    double m, e;
    memcpy(&m, &mb, sizeof m);
    memcpy(&e, &eb, sizeof e);
    double k = e - (0x1p52 + 1024.0);                  /* exactly k */
    double f = m - 1.0, hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double R = t2 + t1;
    return k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
}

/* The body of every kernel table's `normals` (rng_kernel.h), compiled once per instruction set:
 * radii and angles in one vector loop, then interleaved. */
static inline void rng_normals_batch(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                                     const uint32_t *w3, size_t nb, double *out)
{
    double r[RNG_LANES], c[RNG_LANES], s[RNG_LANES];
    for (size_t b = 0; b < nb; b++) {
        r[b] = sqrt(-2.0 * rng_log(rng_u01(w0[b], w1[b])));
        sincos_turns(rng_u01(w2[b], w3[b]), &s[b], &c[b]);
    }
    for (size_t b = 0; b < nb; b++) {
        out[2 * b] = r[b] * c[b];
        out[2 * b + 1] = r[b] * s[b];
    }
}

#endif
