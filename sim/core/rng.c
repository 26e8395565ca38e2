/* sim/core/rng.c — counter-based draws: Philox-4x32-10 (Salmon et al. 2011; the Random123 algorithm,
 * checked against Random123's philox4x32 in tests): block (counter, j) of stream (seed, purpose,
 * cell) is philox4x32 of ctr = [counter lo, counter hi, j, purpose | cell << 8] under
 * key = [seed lo, seed hi]; or SplitMix64 words 2j, 2j + 1 of the counter (splitmix.h). The
 * kernels (rng_kernel.h) are chosen at run time, AVX2 where the CPU has it, and give the same bits
 * on every path; Box-Muller turns a Philox block into two normals, the ziggurat (ziggurat.h) a
 * SplitMix64 word into one. */
#include "rng.h"
#include "rng_kernel.h"
#include "normal_math.h"
#include "splitmix.h"
#include "ziggurat.h"

#include <string.h>

static rng_path forced = RNG_PATH_AUTO;
static rng_gen generator = RNG_GEN_PHILOX;

const char *const rng_generator_names[] = { "philox", "splitmix", NULL };

void rng_set_generator(rng_gen g)
{
    generator = g;
}

rng_gen rng_generator(void)
{
    return generator;
}

static int has_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return rng_kernel_avx2.philox && __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

int rng_set_path(rng_path p)
{
    if (p == RNG_PATH_AVX2 && !has_avx2())
        return 0;
    forced = p;
    return 1;
}

static const rng_kernel *kernel(void)
{
    return forced != RNG_PATH_GENERIC && has_avx2() ? &rng_kernel_avx2 : &rng_kernel_generic;
}

const char *rng_path_name(void)
{
    return kernel()->name;
}

rng_stream rng_stream_make(uint64_t seed, rng_purpose purpose, uint64_t cell)
{
    uint64_t key1 = (uint64_t)purpose | (cell << 8);
    rng_stream s = { { seed, key1 }, generator,
                     generator == RNG_GEN_SPLITMIX ? splitmix_base(seed, key1) : 0 };
    return s;
}

/* The fixed words of blocks j0, j0 + 1, ... of block `counter` of s. */
static rng_ctr ctr_of(const rng_stream *s, uint64_t counter, size_t j0)
{
    rng_ctr c = { (uint32_t)counter, (uint32_t)(counter >> 32), (uint32_t)j0, (uint32_t)s->key[1],
                  (uint32_t)s->key[0], (uint32_t)(s->key[0] >> 32), splitmix_at(s->base, counter) };
    return c;
}

/* The words of blocks 0..n-1 of c from s's generator. */
static void blocks(const rng_kernel *k, const rng_stream *s, const rng_ctr *c, size_t n,
                   uint32_t w[4][RNG_LANES])
{
    (s->gen == RNG_GEN_SPLITMIX ? k->splitmix : k->philox)(c, n, w[0], w[1], w[2], w[3]);
}

void rng_uniforms(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    const rng_kernel *k = kernel();
    uint32_t w[4][RNG_LANES];
    for (size_t i = 0; i < n; i += 2 * RNG_LANES) {         /* two uniforms per block */
        size_t nb = (n - i + 1) / 2 < RNG_LANES ? (n - i + 1) / 2 : RNG_LANES;
        rng_ctr c = ctr_of(s, counter, i / 2);
        blocks(k, s, &c, nb, w);
        for (size_t b = 0; b < nb; b++) {
            out[i + 2 * b] = rng_u01(w[0][b], w[1][b]);
            if (i + 2 * b + 1 < n)
                out[i + 2 * b + 1] = rng_u01(w[2][b], w[3][b]);
        }
    }
}

void rng_normals_at(const rng_stream *s, uint64_t counter, size_t first, size_t n, double *out)
{
    const rng_kernel *k = kernel();
    if (s->gen == RNG_GEN_SPLITMIX) {      /* normal i: the ziggurat of word i of the counter */
        k->zig(splitmix_at(s->base, counter) + (uint64_t)first * SPLITMIX_GAMMA, zig_get(), n, out);
        return;
    }
    uint32_t w[4][RNG_LANES];
    double tmp[2 * RNG_LANES];
    for (size_t i = first, end = first + n; i < end;) {
        size_t b0 = i / 2, nb = (end + 1) / 2 - b0, lo = i - 2 * b0;
        nb = nb < RNG_LANES ? nb : RNG_LANES;
        size_t cnt = 2 * nb - lo < end - i ? 2 * nb - lo : end - i;
        rng_ctr c = ctr_of(s, counter, b0);
        blocks(k, s, &c, nb, w);
        if (lo == 0 && cnt == 2 * nb) {
            k->normals(w[0], w[1], w[2], w[3], nb, out + (i - first));
        } else {
            k->normals(w[0], w[1], w[2], w[3], nb, tmp);
            memcpy(out + (i - first), tmp + lo, cnt * sizeof *out);
        }
        i += cnt;
    }
}

void rng_normals(const rng_stream *s, uint64_t counter, size_t n, double *out)
{
    rng_normals_at(s, counter, 0, n, out);
}

/* Fisher-Yates; the bounded integer in [0, i] is floor(w * (i+1) / 2^64) for a 64-bit w
 * (Lemire's multiply-shift without rejection: bias below (i+1)/2^64). */
void rng_permutation(const rng_stream *s, uint64_t counter, size_t n, size_t *perm)
{
    const rng_kernel *k = kernel();
    uint32_t w[4][RNG_LANES];
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    size_t used = 2 * RNG_LANES;                 /* words consumed of the current batch */
    uint32_t batch = 0;
    for (size_t i = n; i-- > 1;) {
        if (used == 2 * RNG_LANES) {
            rng_ctr c = ctr_of(s, counter, (size_t)batch * RNG_LANES);
            blocks(k, s, &c, RNG_LANES, w);
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
