/* sim/rng.c — Philox-4x64 counter-based draws: uniforms, Gaussians, permutations.
 * Counter words: [counter, block index, 0, 0]; key words: [seed, purpose | cell << 8]. */
#include "rng.h"

#include <math.h>
#include <Random123/philox.h>

rng_stream rng_stream_make(uint64_t seed, rng_purpose purpose, uint64_t cell)
{
    rng_stream s = { { seed, (uint64_t)purpose | (cell << 8) } };
    return s;
}

static philox4x64_ctr_t block(const rng_stream *s, uint64_t counter, uint64_t j)
{
    philox4x64_ctr_t c = { { counter, j, 0, 0 } };
    philox4x64_key_t k = { { s->key[0], s->key[1] } };
    return philox4x64(c, k);
}

/* 53 random bits mapped to the open interval (0, 1): (k + 1/2) / 2^53. */
static double u01(uint64_t w)
{
    return ((double)(w >> 11) + 0.5) * 0x1.0p-53;
}

void rng_uniforms(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    for (size_t i = 0; i < n; i += 4) {
        philox4x64_ctr_t r = block(s, counter, i / 4);
        for (size_t k = 0; k < 4 && i + k < n; k++)
            out[i + k] = u01(r.v[k]);
    }
}

/* Box-Muller: (u1, u2) -> sqrt(-2 ln u1) * (cos 2 pi u2, sin 2 pi u2); one Philox block of
 * four words gives four normals. */
void rng_normals(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    const double two_pi = 6.283185307179586476925286766559;
    for (size_t i = 0; i < n; i += 4) {
        philox4x64_ctr_t r = block(s, counter, i / 4);
        double z[4];
        for (int k = 0; k < 4; k += 2) {
            double rad = sqrt(-2.0 * log(u01(r.v[k])));
            double th = two_pi * u01(r.v[k + 1]);
            z[k] = rad * cos(th);
            z[k + 1] = rad * sin(th);
        }
        for (size_t k = 0; k < 4 && i + k < n; k++)
            out[i + k] = z[k];
    }
}

/* Fisher-Yates; the bounded integer in [0, i] is floor(w * (i+1) / 2^64) (Lemire's
 * multiply-shift without rejection: bias below (i+1)/2^64, far under any test's resolution). */
void rng_permutation(const rng_stream *s, uint64_t counter, size_t n, size_t *perm)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    philox4x64_ctr_t r = { { 0, 0, 0, 0 } };
    for (size_t i = n; i-- > 1;) {
        size_t k = (n - 1 - i) % 4;
        if (k == 0)
            r = block(s, counter, (n - 1 - i) / 4);
        size_t j = (size_t)(((unsigned __int128)r.v[k] * (i + 1)) >> 64);
        size_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
}
