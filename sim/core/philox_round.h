/* sim/core/philox_round.h — Philox-4x32-10 (Salmon et al. 2011, as Random123's philox4x32) over arrays
 * of blocks in portable C, structure of arrays so that compilers vectorize the rounds. */
#ifndef OPTDYN_PHILOX_ROUND_H
#define OPTDYN_PHILOX_ROUND_H

#include "rng_kernel.h"

/* Round multipliers and Weyl key increments of Philox-4x32. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* Blocks 0..n-1 of c into w0..w3: ten rounds of (w0, w1, w2, w3) <- (hi(M1 w2) ^ w1 ^ k0,
 * lo(M1 w2), hi(M0 w0) ^ w3 ^ k1, lo(M0 w0)), the key bumped by (W0, W1) after each. */
static inline void philox_rounds(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1,
                                 uint32_t *w2, uint32_t *w3)
{
    for (size_t i = 0; i < n; i++) {
        w0[i] = c->c0;
        w1[i] = c->c1;
        w2[i] = c->j0 + (uint32_t)i;
        w3[i] = c->c3;
    }
    uint32_t k0 = c->k0, k1 = c->k1;
    for (int r = 0; r < 10; r++) {
        for (size_t i = 0; i < n; i++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * w0[i], p1 = (uint64_t)PHILOX_M1 * w2[i];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ w1[i] ^ k0, n1 = (uint32_t)p1;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ w3[i] ^ k1, n3 = (uint32_t)p0;
            w0[i] = n0;
            w1[i] = n1;
            w2[i] = n2;
            w3[i] = n3;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
}

#endif
