/* tests/test_rng.c — the counter-based generator: every kernel path's Philox-4x32-10 equals
 * Random123's reference philox4x32 word for word and the paths give the same normals bit for bit;
 * normals have the moments, tails and histogram of N(0, 1); streams with different seeds,
 * purposes, cells or counters are different; permutations are permutations. */
#include "testutil.h"
#include "../sim/core/rng.h"
#include "../sim/core/normal_math.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The paths this CPU and build can run; each test below runs on all of them. */
static const rng_path paths[] = { RNG_PATH_GENERIC, RNG_PATH_AVX2 };
enum { NPATHS = sizeof paths / sizeof paths[0] };

/* Uniforms of block `counter` against philox4x32 word for word: seeds, counters and cells from a
 * fixed LCG (full 64-bit range), lengths that end inside a kernel's 16-block group and a batch. */
static void philox_matches_random123(void **unused)
{
    (void)unused;
    uint64_t x = 0x0123456789abcdefULL;
    double u[301];
    for (int pth = 0; pth < NPATHS; pth++) {
        if (!rng_set_path(paths[pth]))
            continue;
        for (int rep = 0; rep < 60; rep++) {
            uint64_t seed = x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t counter = x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t cell = (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 40;
            if (rep < 3)
                seed = (uint64_t)rep, counter = (uint64_t)rep << 40;
            size_t n = 1 + (size_t)(x >> 33) % 301;
            rng_stream s = rng_stream_make(seed, RNG_NOISE, cell);
            rng_uniforms(&s, counter, n, u);
            for (uint32_t j = 0; 2 * j < n; j++) {
                philox4x32_ctr_t c = { { (uint32_t)counter, (uint32_t)(counter >> 32), j,
                                         (uint32_t)s.key[1] } };
                philox4x32_key_t k = { { (uint32_t)seed, (uint32_t)(seed >> 32) } };
                philox4x32_ctr_t r = philox4x32(c, k);
                for (uint32_t h = 0; h < 2 && 2 * j + h < n; h++) {
                    uint64_t w = ((uint64_t)r.v[2 * h] << 32 | r.v[2 * h + 1]) >> 11;
                    assert_true(u[2 * j + h] == ((double)w + 0.5) * 0x1.0p-53);
                }
            }
        }
    }
    rng_set_path(RNG_PATH_AUTO);
}

/* Normals bit for bit the same on every path, and any tile (rng_normals_at, odd starts
 * included) equal to the same coordinates of the whole draw. */
static void paths_and_tiles_agree(void **unused)
{
    (void)unused;
    const size_t n = 1001, dims[] = { 1, 2, 7, 31, 128, 129, 1001 };
    double *ref = malloc(n * sizeof *ref), *z = malloc(n * sizeof *z);
    rng_stream s = rng_stream_make(77, RNG_NOISE, 5);
    rng_set_path(RNG_PATH_GENERIC);
    rng_normals(&s, 12, n, ref);
    for (int pth = 0; pth < NPATHS; pth++) {
        if (!rng_set_path(paths[pth]))
            continue;
        for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
            rng_normals(&s, 12, dims[d], z);
            assert_memory_equal(z, ref, dims[d] * sizeof *z);
        }
        for (size_t first = 0; first < n; first += 97)
            for (size_t len = 1; first + len <= n; len += 211) {
                rng_normals_at(&s, 12, first, len, z);
                assert_memory_equal(z, ref + first, len * sizeof *z);
            }
    }
    rng_set_path(RNG_PATH_AUTO);
    free(ref);
    free(z);
}

/* The polynomial log against libm's within 1 ulp over (0, 1), its whole domain here (u01 >= 2^-54). */
static void log_is_accurate(void **unused)
{
    (void)unused;
    double worst = 0;
    uint64_t x = 42;
    for (int i = 0; i < 1000000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = i < 3 ? (double[]){ 0x1p-54, 0.5, 1 - 0x1p-53 }[i]
                         : rng_u01((uint32_t)(x >> 32), (uint32_t)x) * ldexp(1.0, -(int)(x % 54));
        double l = rng_log(u), r = log(u);
        double e = fabs(l - r) / (nextafter(fabs(r), INFINITY) - fabs(r));
        worst = e > worst ? e : worst;
    }
    assert_true(worst <= 1.0);
}

static void normals_are_standard(void **unused)
{
    (void)unused;
    const size_t n = 200000;
    double *z = malloc(n * sizeof *z), m1 = 0, m2 = 0, m4 = 0, lag = 0;
    rng_stream s = rng_stream_make(42, RNG_NOISE, 0);
    rng_normals(&s, 5, n, z);
    for (size_t i = 0; i < n; i++) {
        m1 += z[i];
        m2 += z[i] * z[i];
        m4 += z[i] * z[i] * z[i] * z[i];
        if (i)
            lag += z[i] * z[i - 1];
    }
    m1 /= n, m2 /= n, m4 /= n, lag /= n - 1;
    /* standard errors: 1/sqrt(n), sqrt(2/n), sqrt(96/n), 1/sqrt(n) */
    assert_true(fabs(m1) < 4 / sqrt((double)n));
    assert_true(fabs(m2 - 1) < 4 * sqrt(2.0 / n));
    assert_true(fabs(m4 - 3) < 4 * sqrt(96.0 / n));
    assert_true(fabs(lag) < 4 / sqrt((double)n));
    /* a prefix of a longer draw equals a shorter draw (tails of batches are handled) */
    double short_[7];
    rng_normals(&s, 5, 7, short_);
    assert_memory_equal(short_, z, sizeof short_);
    free(z);
}

/* 2 * 10^6 normals: the fractions beyond 1, 2, 3, 4 and 5 within 5 binomial standard errors of
 * 2 Phi(-t), and a chi-square over 100 bins equiprobable under N(0, 1) below the 1 - 3e-7 quantile of
 * chi^2(99) (Wilson-Hilferty with 5 standard deviations: 99 (1 - 2/891 + 5 sqrt(2/891))^3). */
static void normals_tails_and_histogram(void **unused)
{
    (void)unused;
    const size_t n = 2000000, K = 100;
    double *z = malloc(n * sizeof *z), beyond[5] = { 0 }, count[100] = { 0 }, chi2 = 0;
    rng_stream s = rng_stream_make(2026, RNG_NOISE, 1);
    rng_normals(&s, 3, n, z);
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < 5; t++)
            beyond[t] += fabs(z[i]) > t + 1;
        size_t bin = (size_t)(0.5 * erfc(-z[i] / sqrt(2.0)) * (double)K);
        count[bin < K ? bin : K - 1]++;
    }
    for (int t = 0; t < 5; t++) {
        double p = erfc((t + 1) / sqrt(2.0));
        assert_true(fabs(beyond[t] - (double)n * p) <= 5 * sqrt((double)n * p * (1 - p)));
    }
    for (size_t k = 0; k < K; k++) {
        double e = (double)n / (double)K;
        chi2 += (count[k] - e) * (count[k] - e) / e;
    }
    double a = 2.0 / (9.0 * 99.0), q = 99.0 * pow(1 - a + 5 * sqrt(a), 3);
    assert_true(chi2 < q);
    free(z);
}

static void streams_are_distinct(void **unused)
{
    (void)unused;
    double a[8], b[8];
    rng_stream s = rng_stream_make(1, RNG_NOISE, 0);
    rng_stream variants[] = { rng_stream_make(2, RNG_NOISE, 0), rng_stream_make(1, RNG_BATCH, 0),
                              rng_stream_make(1, RNG_NOISE, 1) };
    rng_normals(&s, 3, 8, a);
    for (int k = 0; k < 3; k++) {
        rng_normals(&variants[k], 3, 8, b);
        assert_true(memcmp(a, b, sizeof a) != 0);
    }
    rng_normals(&s, 4, 8, b);
    assert_true(memcmp(a, b, sizeof a) != 0);
    rng_normals(&s, 3, 8, b);
    assert_memory_equal(a, b, sizeof a);
}

static void permutations_are_permutations(void **unused)
{
    (void)unused;
    size_t n = 1000, *p = malloc(n * sizeof *p), first_counts[4] = { 0 };
    unsigned char *seen = malloc(n);
    rng_stream s = rng_stream_make(9, RNG_BATCH, 0);
    for (uint64_t e = 0; e < 400; e++) {
        rng_permutation(&s, e, n, p);
        memset(seen, 0, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(p[i] < n && !seen[p[i]]);
            seen[p[i]] = 1;
        }
        first_counts[p[0] % 4]++;
    }
    for (int k = 0; k < 4; k++)      /* p[0] uniform: 100 each, SE ~ 8.7 */
        assert_true(first_counts[k] > 60 && first_counts[k] < 140);
    free(p);
    free(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philox_matches_random123),
        cmocka_unit_test(paths_and_tiles_agree),
        cmocka_unit_test(log_is_accurate),
        cmocka_unit_test(normals_are_standard),
        cmocka_unit_test(normals_tails_and_histogram),
        cmocka_unit_test(streams_are_distinct),
        cmocka_unit_test(permutations_are_permutations),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
