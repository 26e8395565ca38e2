/* sim/core/rng_kernel.h — the generator's inner loops, one table per instruction set (Philox-4x32-10
 * rounds or SplitMix64 over arrays of blocks, Box-Muller of a batch); rng.c picks one at run time. */
#ifndef OPTDYN_RNG_KERNEL_H
#define OPTDYN_RNG_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct zig_table;

enum { RNG_LANES = 64 };   /* blocks per batch; the kernels' arrays hold RNG_LANES words */

/* The fixed words of a batch: block i has counter [c0, c1, j0 + i, c3] and key [k0, k1] (Philox),
 * or SplitMix64 words 2 (j0 + i) and 2 (j0 + i) + 1 after state sm (splitmix.h). */
typedef struct rng_ctr {
    uint32_t c0, c1, j0, c3, k0, k1;
    uint64_t sm;
} rng_ctr;

typedef struct rng_kernel {
    const char *name;
    /* Philox-4x32-10 of blocks 0..n-1 (n <= RNG_LANES) of c into w0..w3 (words past n, up to the
     * next multiple of 16, may be written too). */
    void (*philox)(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                   uint32_t *w3);
    /* SplitMix64 words of blocks 0..n-1 (n <= RNG_LANES) of c, the same layout and contract. */
    void (*splitmix)(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                     uint32_t *w3);
    /* Box-Muller of blocks 0..nb-1 (nb <= RNG_LANES): out[2b], out[2b+1] = the cosine and sine
     * normal of block b (sim/core/normal_math.h). */
    void (*normals)(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2, const uint32_t *w3,
                    size_t nb, double *out);
    /* SplitMix64 normals: out[i] = zig_normal(t, mix(s0 + i gamma)), i < n (sim/core/ziggurat.h). */
    void (*zig)(uint64_t s0, const struct zig_table *t, size_t n, double *out);
} rng_kernel;

extern const rng_kernel rng_kernel_generic;   /* portable C (rng_generic.c) */
extern const rng_kernel rng_kernel_avx2;      /* AVX2 (rng_avx2.c); NULL slots when not built */

#endif
