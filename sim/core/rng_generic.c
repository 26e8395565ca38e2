/* sim/core/rng_generic.c — the generator's kernels in portable C, compiled for the baseline instruction
 * set (x86-64: SSE2): the fallback of rng.c and the reference the AVX2 kernels must equal. */
#include "normal_math.h"
#include "philox_round.h"
#include "splitmix.h"
#include "ziggurat.h"

static void generic_philox(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                           uint32_t *w3)
{
    philox_rounds(c, n, w0, w1, w2, w3);
}

static void generic_splitmix(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                             uint32_t *w3)
{
    splitmix_blocks(c, n, w0, w1, w2, w3);
}

static void generic_normals(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                            const uint32_t *w3, size_t nb, double *out)
{
    rng_normals_batch(w0, w1, w2, w3, nb, out);
}

static void generic_zig(uint64_t s0, const zig_table *t, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = zig_normal(t, splitmix_mix(s0 + i * SPLITMIX_GAMMA));
}

const rng_kernel rng_kernel_generic = { "generic", generic_philox, generic_splitmix,
                                        generic_normals, generic_zig };
