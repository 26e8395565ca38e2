/* sim/core/rng_avx2.c — the generator's kernels for AVX2 (this file is compiled with -mavx2; rng.c
 * calls it only where the CPU has AVX2): Philox rounds on 8 blocks per register, 16 in flight;
 * Box-Muller from the shared source (normal_math.h), which GCC vectorizes 4 wide. */
#include "normal_math.h"
#include "philox_round.h"

#ifdef __AVX2__
#include <immintrin.h>

/* hi and lo 32 bits of a * m in each 32-bit lane: even lanes from one vpmuludq, odd lanes from one
 * on a >> 32, recombined by blends. */
static inline void mulhilo8(__m256i a, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(a, m), po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}

/* One group of 8 blocks, words in x[0..3]: ten rounds. */
#define ROUND8(x, k0v, k1v) do { \
        __m256i h0, l0, h1, l1; \
        mulhilo8(x[0], m0, &h0, &l0); \
        mulhilo8(x[2], m1, &h1, &l1); \
        x[0] = _mm256_xor_si256(_mm256_xor_si256(h1, x[1]), k0v); \
        x[1] = l1; \
        x[2] = _mm256_xor_si256(_mm256_xor_si256(h0, x[3]), k1v); \
        x[3] = l0; \
    } while (0)

static void avx2_philox(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                        uint32_t *w3)
{
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M0), m1 = _mm256_set1_epi32((int)PHILOX_M1);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    uint32_t *const out[4] = { w0, w1, w2, w3 };
    for (size_t i = 0; i < n; i += 16) {
        __m256i a[4], b[4];
        a[0] = b[0] = _mm256_set1_epi32((int)c->c0);
        a[1] = b[1] = _mm256_set1_epi32((int)c->c1);
        a[2] = _mm256_add_epi32(_mm256_set1_epi32((int)(c->j0 + (uint32_t)i)), lane);
        b[2] = _mm256_add_epi32(a[2], _mm256_set1_epi32(8));
        a[3] = b[3] = _mm256_set1_epi32((int)c->c3);
        uint32_t k0 = c->k0, k1 = c->k1;
        for (int r = 0; r < 10; r++) {
            __m256i k0v = _mm256_set1_epi32((int)k0), k1v = _mm256_set1_epi32((int)k1);
            ROUND8(a, k0v, k1v);
            ROUND8(b, k0v, k1v);
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        for (int q = 0; q < 4; q++) {    /* the arrays hold RNG_LANES words: i + 16 <= RNG_LANES */
            _mm256_storeu_si256((__m256i *)(void *)(out[q] + i), a[q]);
            _mm256_storeu_si256((__m256i *)(void *)(out[q] + i + 8), b[q]);
        }
    }
}

static void avx2_normals(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                         const uint32_t *w3, size_t nb, double *out)
{
    rng_normals_batch(w0, w1, w2, w3, nb, out);
}

const rng_kernel rng_kernel_avx2 = { "avx2", avx2_philox, avx2_normals };
#else
/* A compiler that cannot target AVX2: no kernels (rng.c then never selects this table). */
const rng_kernel rng_kernel_avx2 = { "avx2", NULL, NULL };
#endif
