/* sim/core/rng_avx2.c — the generator's kernels for AVX2 (this file is compiled with -mavx2; rng.c
 * calls it only where the CPU has AVX2): Philox rounds on 8 blocks per register, 16 in flight;
 * SplitMix64 on 4 words per register, 16 in flight; Box-Muller from the shared source
 * (normal_math.h), which GCC vectorizes 4 wide; the ziggurat's fast path 4 normals per register. */
#include "normal_math.h"
#include "philox_round.h"
#include "splitmix.h"
#include "ziggurat.h"

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

/* a * m mod 2^64 in each 64-bit lane (AVX2 has no 64-bit multiply): lo(a) lo(m) + ((hi(a) lo(m) +
 * lo(a) hi(m)) << 32), mlo and mhi holding the halves of m in the low 32 bits of each lane. */
static inline __m256i mul64(__m256i a, __m256i mlo, __m256i mhi)
{
    __m256i ll = _mm256_mul_epu32(a, mlo), hl = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), mlo),
            lh = _mm256_mul_epu32(a, mhi);
    return _mm256_add_epi64(ll, _mm256_slli_epi64(_mm256_add_epi64(hl, lh), 32));
}

/* splitmix_mix of each 64-bit lane */
static inline __m256i mix4(__m256i z, __m256i m1l, __m256i m1h, __m256i m2l, __m256i m2h)
{
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1l, m1h);
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2l, m2h);
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

/* Two vectors of 4 words each (blocks 0-3 and 4-7) into the high and low halves of 8 blocks. */
static inline void split8(__m256i a, __m256i b, uint32_t *hi, uint32_t *lo)
{
    const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);   /* lows, then highs */
    a = _mm256_permutevar8x32_epi32(a, idx);
    b = _mm256_permutevar8x32_epi32(b, idx);
    _mm256_storeu_si256((__m256i *)(void *)lo, _mm256_permute2x128_si256(a, b, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)hi, _mm256_permute2x128_si256(a, b, 0x31));
}

/* Groups of 8 blocks: words 2j (even) and 2j + 1 (odd) of blocks j = j0 + i .. j0 + i + 7, the states
 * sm + (2 j0 + 2 i + k) gamma stepped by 16 gamma per group. */
static void avx2_splitmix(const rng_ctr *c, size_t n, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                          uint32_t *w3)
{
    const __m256i m1l = _mm256_set1_epi64x((long long)(SPLITMIX_M1 & 0xffffffffu)),
                  m1h = _mm256_set1_epi64x((long long)(SPLITMIX_M1 >> 32)),
                  m2l = _mm256_set1_epi64x((long long)(SPLITMIX_M2 & 0xffffffffu)),
                  m2h = _mm256_set1_epi64x((long long)(SPLITMIX_M2 >> 32));
    const uint64_t g = SPLITMIX_GAMMA, s0 = c->sm + 2 * (uint64_t)c->j0 * g;
    __m256i ev = _mm256_setr_epi64x((long long)s0, (long long)(s0 + 2 * g), (long long)(s0 + 4 * g),
                                    (long long)(s0 + 6 * g));
    const __m256i g1 = _mm256_set1_epi64x((long long)g), g8 = _mm256_set1_epi64x((long long)(8 * g)),
                  g16 = _mm256_set1_epi64x((long long)(16 * g));
    for (size_t i = 0; i < n; i += 8) {   /* the arrays hold RNG_LANES words: i + 8 <= RNG_LANES */
        __m256i ev2 = _mm256_add_epi64(ev, g8), od = _mm256_add_epi64(ev, g1),
                od2 = _mm256_add_epi64(ev2, g1);
        __m256i a = mix4(ev, m1l, m1h, m2l, m2h), b = mix4(ev2, m1l, m1h, m2l, m2h),
                p = mix4(od, m1l, m1h, m2l, m2h), q = mix4(od2, m1l, m1h, m2l, m2h);
        split8(a, b, w0 + i, w1 + i);
        split8(p, q, w2 + i, w3 + i);
        ev = _mm256_add_epi64(ev, g16);
    }
}

/* The ziggurat (ziggurat.h) on 4 words per register: u from the top 52 bits, the layer's x_k and
 * x_{k+1} loaded as a pair per lane (faster than two gathers on this AMD core), x = u x_k kept where x < x_{k+1}, the sign bit xored in; lanes that fail go to
 * zig_slow, and the last n mod 4 normals to zig_normal: the same operations as the scalar path. */
static void avx2_zig(uint64_t s0, const zig_table *t, size_t n, double *out)
{
    const __m256i m1l = _mm256_set1_epi64x((long long)(SPLITMIX_M1 & 0xffffffffu)),
                  m1h = _mm256_set1_epi64x((long long)(SPLITMIX_M1 >> 32)),
                  m2l = _mm256_set1_epi64x((long long)(SPLITMIX_M2 & 0xffffffffu)),
                  m2h = _mm256_set1_epi64x((long long)(SPLITMIX_M2 >> 32));
    const uint64_t g = SPLITMIX_GAMMA;
    const __m256i g4 = _mm256_set1_epi64x((long long)(4 * g)), one = _mm256_set1_epi64x(0x3ff0000000000000LL),
                  layer = _mm256_set1_epi64x(ZIG_LAYERS - 1),
                  sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    const __m256d oned = _mm256_set1_pd(1.0);
    __m256i st = _mm256_setr_epi64x((long long)s0, (long long)(s0 + g), (long long)(s0 + 2 * g),
                                    (long long)(s0 + 3 * g));
    size_t n4 = n & ~(size_t)3;
    for (size_t i = 0; i < n4; i += 4) {   /* the words, into out (independent chains) */
        _mm256_storeu_si256((__m256i *)(void *)(out + i), mix4(st, m1l, m1h, m2l, m2h));
        st = _mm256_add_epi64(st, g4);
    }
    for (size_t i = 0; i < n4; i += 4) {   /* the normals of the words, in place */
        __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(out + i));
        __m256i k = _mm256_and_si256(w, layer);
        __m256d u = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(w, 12), one)), oned);
        uint64_t kl[4];
        _mm256_storeu_si256((__m256i *)(void *)kl, k);
        __m256d a = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(t->pair[kl[0]])),
                                         _mm_load_pd(t->pair[kl[2]]), 1),
                b = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(t->pair[kl[1]])),
                                         _mm_load_pd(t->pair[kl[3]]), 1);
        __m256d xk = _mm256_unpacklo_pd(a, b), xk1 = _mm256_unpackhi_pd(a, b);
        __m256d x = _mm256_mul_pd(u, xk);
        int ok = _mm256_movemask_pd(_mm256_cmp_pd(x, xk1, _CMP_LT_OQ));
        x = _mm256_xor_pd(x, _mm256_castsi256_pd(_mm256_and_si256(_mm256_slli_epi64(w, 63 - ZIG_SIGN_BIT), sign)));
        _mm256_storeu_pd(out + i, x);
        if (ok != 0xf) {
            uint64_t wl[4];
            _mm256_storeu_si256((__m256i *)(void *)wl, w);
            for (int l = 0; l < 4; l++)
                if (!(ok >> l & 1))
                    out[i + (size_t)l] = zig_slow(t, wl[l]);
        }
    }
    for (size_t i = n4; i < n; i++)
        out[i] = zig_normal(t, splitmix_mix(s0 + i * g));
}

static void avx2_normals(const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
                         const uint32_t *w3, size_t nb, double *out)
{
    rng_normals_batch(w0, w1, w2, w3, nb, out);
}

const rng_kernel rng_kernel_avx2 = { "avx2", avx2_philox, avx2_splitmix, avx2_normals, avx2_zig };
#else
/* A compiler that cannot target AVX2: no kernels (rng.c then never selects this table). */
const rng_kernel rng_kernel_avx2 = { "avx2", NULL, NULL, NULL, NULL };
#endif
