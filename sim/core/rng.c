/* sim/core/rng.c — Philox-4x32-10 counter-based draws (Salmon et al. 2011; the Random123 algorithm,
 * checked against Random123's philox4x32 in tests): block (counter, j) of stream (seed, purpose,
 * cell) is philox4x32 of ctr = [counter lo, counter hi, j, purpose | cell << 8] under
 * key = [seed lo, seed hi]. The rounds run over arrays of blocks (structure of arrays) so the
 * compiler vectorizes them; Box-Muller turns two 53-bit uniforms into two normals. */
#include "rng.h"

#include <math.h>
#include <string.h>

enum { LANES = 64 };     /* blocks per vectorized batch */

rng_stream rng_stream_make(uint64_t seed, rng_purpose purpose, uint64_t cell)
{
    rng_stream s = { { seed, (uint64_t)purpose | (cell << 8) } };
    return s;
}

/* Philox-4x32-10 of blocks j0 .. j0+n-1 (n <= LANES) into w0..w3. */
static void philox_batch(const rng_stream *s, uint64_t counter, uint32_t j0, size_t n,
                         uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    const uint32_t c0 = (uint32_t)counter, c1 = (uint32_t)(counter >> 32),
                   c3 = (uint32_t)s->key[1];
    for (size_t i = 0; i < n; i++) {
        w0[i] = c0;
        w1[i] = c1;
        w2[i] = j0 + (uint32_t)i;
        w3[i] = c3;
    }
    uint32_t k0 = (uint32_t)s->key[0], k1 = (uint32_t)(s->key[0] >> 32);
    for (int r = 0; r < 10; r++) {
#pragma omp simd
        for (size_t i = 0; i < n; i++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * w0[i], p1 = (uint64_t)0xCD9E8D57u * w2[i];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ w1[i] ^ k0, n1 = (uint32_t)p1;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ w3[i] ^ k1, n3 = (uint32_t)p0;
            w0[i] = n0;
            w1[i] = n1;
            w2[i] = n2;
            w3[i] = n3;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

/* 53 random bits (from two words) mapped to the open interval (0, 1): (k + 1/2) / 2^53. */
static inline double u01(uint32_t hi, uint32_t lo)
{
    int64_t w = (int64_t)(((uint64_t)hi << 32 | lo) >> 11);     /* signed: vector conversion */
    return ((double)w + 0.5) * 0x1.0p-53;
}

void rng_uniforms(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    uint32_t w[4][LANES];
    for (size_t i = 0; i < n; i += 2 * LANES) {         /* two uniforms per block */
        size_t nb = (n - i + 1) / 2 < LANES ? (n - i + 1) / 2 : LANES;
        philox_batch(s, counter, (uint32_t)(i / 2), nb, w[0], w[1], w[2], w[3]);
        for (size_t b = 0; b < nb; b++) {
            out[i + 2 * b] = u01(w[0][b], w[1][b]);
            if (i + 2 * b + 1 < n)
                out[i + 2 * b + 1] = u01(w[2][b], w[3][b]);
        }
    }
}

/* Box-Muller: (u1, u2) -> sqrt(-2 ln u1) * (cos 2 pi u2, sin 2 pi u2); one block, two normals. */
void rng_normals(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    const double two_pi = 6.283185307179586476925286766559;
    uint32_t w[4][LANES];
    double u1[LANES], u2[LANES], rad[LANES], c[LANES], sn[LANES];
    for (size_t i = 0; i < n; i += 2 * LANES) {
        size_t nb = (n - i + 1) / 2 < LANES ? (n - i + 1) / 2 : LANES;
        philox_batch(s, counter, (uint32_t)(i / 2), LANES, w[0], w[1], w[2], w[3]);
        for (size_t b = 0; b < LANES; b++) {
            u1[b] = u01(w[0][b], w[1][b]);
            u2[b] = two_pi * u01(w[2][b], w[3][b]);
        }
        for (size_t b = 0; b < LANES; b++)
            rad[b] = sqrt(-2.0 * log(u1[b]));
        for (size_t b = 0; b < LANES; b++)
            c[b] = cos(u2[b]);
        for (size_t b = 0; b < LANES; b++)
            sn[b] = sin(u2[b]);
        if (nb == LANES && i + 2 * LANES <= n) {
#pragma omp simd
            for (size_t b = 0; b < LANES; b++) {
                out[i + 2 * b] = rad[b] * c[b];
                out[i + 2 * b + 1] = rad[b] * sn[b];
            }
        } else {
            for (size_t b = 0; b < nb; b++) {
                out[i + 2 * b] = rad[b] * c[b];
                if (i + 2 * b + 1 < n)
                    out[i + 2 * b + 1] = rad[b] * sn[b];
            }
        }
    }
}

/* Fisher-Yates; the bounded integer in [0, i] is floor(w * (i+1) / 2^64) for a 64-bit w
 * (Lemire's multiply-shift without rejection: bias below (i+1)/2^64). */
void rng_permutation(const rng_stream *s, uint64_t counter, size_t n, size_t *perm)
{
    uint32_t w[4][LANES];
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    size_t used = 2 * LANES;                 /* words consumed of the current batch */
    uint32_t batch = 0;
    for (size_t i = n; i-- > 1;) {
        if (used == 2 * LANES) {
            philox_batch(s, counter, batch * LANES, LANES, w[0], w[1], w[2], w[3]);
            batch++;
            used = 0;
        }
        size_t b = used / 2, half = used % 2;
        uint64_t r = half ? ((uint64_t)w[2][b] << 32 | w[3][b]) : ((uint64_t)w[0][b] << 32 | w[1][b]);
        used++;
        size_t j = (size_t)(((unsigned __int128)r * (i + 1)) >> 64);
        size_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
}
