/* sim/core/splitmix.h — SplitMix64 as a counter-based generator ([experiment] rng = splitmix): word e
 * of block `counter` of a stream is SplitMix64's mix of base + (counter 2^32 + e) gamma, in portable C. */
#ifndef OPTDYN_SPLITMIX_H
#define OPTDYN_SPLITMIX_H

#include <stdint.h>

#include "rng_kernel.h"

/* SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
 * 2014; the constants of Vigna's splitmix64.c): state s advances by the odd Weyl increment gamma
 * (2^64 / golden ratio) and each output is mix(s), mix = Stafford's "Mix13" variant of MurmurHash3's
 * 64-bit finalizer, a bijection of the 64-bit words. It passes TestU01's BigCrush (Steele et al.;
 * Vigna's splitmix64.c: "a very fast generator passing BigCrush"), and since output k depends on k
 * alone through s0 + k gamma it is counter-based by construction: any word is computed directly. */
#define SPLITMIX_GAMMA 0x9E3779B97F4A7C15ULL
#define SPLITMIX_M1 0xBF58476D1CE4E5B9ULL
#define SPLITMIX_M2 0x94D049BB133111EBULL

static inline uint64_t splitmix_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * SPLITMIX_M1;
    z = (z ^ (z >> 27)) * SPLITMIX_M2;
    return z ^ (z >> 31);
}

/* The stream's offset: base = mix(mix(seed + gamma) ^ key1) (key1 = purpose | cell << 8), so
 * different purposes or cells of one seed have different offsets (mix is a bijection). Within a
 * stream, index counter 2^32 + e (e < 2^32 words per block, counter < 2^32) is never reused, so
 * no word repeats; two streams' used ranges overlap only if their random offsets fall within
 * about (2 counters)(2 words) gamma of each other: probability ~ 4 T n / 2^64 per pair of streams
 * of T counters of n words (~2e-10 for T = 10^5, n = 10^4). */
static inline uint64_t splitmix_base(uint64_t seed, uint64_t key1)
{
    return splitmix_mix(splitmix_mix(seed + SPLITMIX_GAMMA) ^ key1);
}

/* SplitMix64 state of word 0 of block `counter`. */
static inline uint64_t splitmix_at(uint64_t base, uint64_t counter)
{
    return base + (counter << 32) * SPLITMIX_GAMMA;
}

/* Blocks 0..n-1 of c (two words per block: block j = j0 + i holds words 2j and 2j + 1 of the
 * counter, each 64-bit output split into high (w0, w2) and low (w1, w3) halves) — the same layout as
 * the Philox blocks, so uniforms, normals and permutations take either generator's words. */
static inline void splitmix_blocks(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1,
                                   uint32_t *w2, uint32_t *w3)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t e = 2 * ((uint64_t)c->j0 + i);
        uint64_t a = splitmix_mix(c->sm + e * SPLITMIX_GAMMA),
                 b = splitmix_mix(c->sm + (e + 1) * SPLITMIX_GAMMA);
        w0[i] = (uint32_t)(a >> 32);
        w1[i] = (uint32_t)a;
        w2[i] = (uint32_t)(b >> 32);
        w3[i] = (uint32_t)b;
    }
}

#endif
