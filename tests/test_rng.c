/* tests/test_rng.c — the counter-based generator: our vectorized Philox-4x32-10 equals
 * Random123's reference philox4x32 word for word; normals have the moments of N(0, 1); streams
 * with different seeds, purposes, cells or counters are different; permutations are permutations. */
#include "testutil.h"
#include "../sim/core/rng.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void philox_matches_random123(void **unused)
{
    (void)unused;
    const uint64_t seeds[] = { 0, 1, 0x0123456789abcdefULL }, counters[] = { 0, 7, 1ULL << 40 };
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            rng_stream s = rng_stream_make(seeds[a], RNG_NOISE, 3);
            double u[300];
            rng_uniforms(&s, counters[b], 300, u);
            for (uint32_t j = 0; j < 150; j++) {
                philox4x32_ctr_t c = { { (uint32_t)counters[b], (uint32_t)(counters[b] >> 32), j,
                                         (uint32_t)s.key[1] } };
                philox4x32_key_t k = { { (uint32_t)seeds[a], (uint32_t)(seeds[a] >> 32) } };
                philox4x32_ctr_t r = philox4x32(c, k);
                for (int h = 0; h < 2; h++) {
                    uint64_t w = ((uint64_t)r.v[2 * h] << 32 | r.v[2 * h + 1]) >> 11;
                    assert_true(u[2 * j + h] == ((double)w + 0.5) * 0x1.0p-53);
                }
            }
        }
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
        cmocka_unit_test(normals_are_standard),
        cmocka_unit_test(streams_are_distinct),
        cmocka_unit_test(permutations_are_permutations),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
