/* tests/test_rng.c — the counter-based generators: every kernel path's Philox-4x32-10 equals
 * Random123's reference philox4x32 and SplitMix64 the published splitmix64 word for word, and the
 * paths give the same normals bit for bit; normals of both generators (Box-Muller, ziggurat) have
 * the moments, tails and histogram of N(0, 1); streams with different seeds, purposes, cells or
 * counters are different and uncorrelated; permutations are permutations. */
#include "testutil.h"
#include "../sim/core/rng.h"
#include "../sim/core/normal_math.h"
#include "../sim/core/splitmix.h"
#include "../sim/core/ziggurat.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The paths this CPU and build can run; each test below runs on all of them. */
static const rng_path paths[] = { RNG_PATH_GENERIC, RNG_PATH_AVX2 };
enum { NPATHS = sizeof paths / sizeof paths[0] };
/* The generators ([experiment] rng); the statistical tests below run on each. */
static const rng_gen gens[] = { RNG_GEN_PHILOX, RNG_GEN_SPLITMIX };
enum { NGENS = sizeof gens / sizeof gens[0] };

/* Run f with each generator as the process's (then Philox again, the default). */
static void each_gen(void (*f)(rng_gen))
{
    for (int g = 0; g < NGENS; g++) {
        rng_set_generator(gens[g]);
        f(gens[g]);
    }
    rng_set_generator(RNG_GEN_PHILOX);
}

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

/* Normals of generator g bit for bit the same on every path, and any tile (rng_normals_at, odd
 * starts included) equal to the same coordinates of the whole draw. */
static void paths_and_tiles_agree_for(rng_gen g)
{
    const size_t n = 1001, dims[] = { 1, 2, 3, 4, 5, 7, 31, 128, 129, 1001 };
    double *ref = malloc(n * sizeof *ref), *z = malloc(n * sizeof *z);
    rng_set_generator(g);
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
    rng_set_generator(RNG_GEN_PHILOX);
    rng_set_path(RNG_PATH_AUTO);
    free(ref);
    free(z);
}

static void paths_and_tiles_agree(void **unused)
{
    (void)unused;
    each_gen(paths_and_tiles_agree_for);
}

/* SplitMix64's mix against the published outputs of Vigna's splitmix64.c (seeds 0 and 1234567),
 * and rng = splitmix's uniforms (every path) against words 2j, 2j + 1 of block `counter`, i.e.
 * mix(base + (counter 2^32 + e) gamma), computed here from the definition in splitmix.h. */
static void splitmix_matches_reference(void **unused)
{
    (void)unused;
    const uint64_t ref0[] = { 0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL, 0x06C45D188009454FULL },
                   ref1[] = { 0x599ED017FB08FC85ULL, 0x2C73F08458540FA5ULL, 0x883EBCE5A3F27C77ULL };
    for (uint64_t k = 1; k <= 3; k++) {
        assert_true(splitmix_mix(k * SPLITMIX_GAMMA) == ref0[k - 1]);
        assert_true(splitmix_mix(1234567 + k * SPLITMIX_GAMMA) == ref1[k - 1]);
    }
    uint64_t x = 0x0123456789abcdefULL;
    double u[301];
    rng_set_generator(RNG_GEN_SPLITMIX);
    for (int pth = 0; pth < NPATHS; pth++) {
        if (!rng_set_path(paths[pth]))
            continue;
        for (int rep = 0; rep < 60; rep++) {
            uint64_t seed = x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t counter = (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 32;
            uint64_t cell = (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 40;
            size_t n = 1 + (size_t)(x >> 33) % 301;
            rng_stream s = rng_stream_make(seed, RNG_NOISE, cell);
            uint64_t base = splitmix_mix(splitmix_mix(seed + SPLITMIX_GAMMA) ^ (RNG_NOISE | cell << 8));
            rng_uniforms(&s, counter, n, u);
            for (uint64_t e = 0; e < n; e++) {
                uint64_t w = splitmix_mix(base + ((counter << 32) + e) * SPLITMIX_GAMMA) >> 11;
                assert_true(u[e] == ((double)w + 0.5) * 0x1.0p-53);
            }
        }
    }
    rng_set_generator(RNG_GEN_PHILOX);
    rng_set_path(RNG_PATH_AUTO);
}

/* The ziggurat's table: the solver's R for 256 layers as published (Marsaglia and Tsang 2000:
 * 3.6541528853610088) to 2 ulp, every layer of the table's (512) of area
 * V = R f(R) + sqrt(pi/2) erfc(R / sqrt 2) including the top one (which closes at x_N = 0, f = 1)
 * to 1e-12 relative, edges decreasing. */
static void ziggurat_table_closes(void **unused)
{
    (void)unused;
    assert_true(fabs(zig_solve_r(256) - 3.6541528853610088) <= 2 * 0x1p-51);
    const zig_table *t = zig_get();
    assert_true(t->r > 3.85 && t->r < 3.86);
    double v = t->r * exp(-0.5 * t->r * t->r) + sqrt(2 * atan(1.0)) * erfc(t->r / sqrt(2.0));
    assert_true(fabs(t->x[0] * t->f[0] - v) <= 1e-12 * v);
    for (int k = 1; k < ZIG_LAYERS; k++) {
        assert_true(t->x[k + 1] < t->x[k]);
        assert_true(t->f[k] == exp(-0.5 * t->x[k] * t->x[k]));
        assert_true(fabs(t->x[k] * (t->f[k + 1] - t->f[k]) - v) <= 1e-12 * v);
        assert_true(t->pair[k][0] == t->x[k] && t->pair[k][1] == t->x[k + 1]);
    }
    assert_true(t->x[ZIG_LAYERS] == 0 && t->f[ZIG_LAYERS] == 1);
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

/* Moments and lag-1 correlation of 200000 normals of generator g. */
static void normals_are_standard_for(rng_gen g)
{
    const size_t n = 200000;
    double *z = malloc(n * sizeof *z), m1 = 0, m2 = 0, m4 = 0, lag = 0;
    rng_set_generator(g);
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
    rng_set_generator(RNG_GEN_PHILOX);
    free(z);
}

static void normals_are_standard(void **unused)
{
    (void)unused;
    each_gen(normals_are_standard_for);
}

/* Wilson-Hilferty's 1 - 3e-7 quantile of chi^2(df) (5 standard deviations):
 * df (1 - a + 5 sqrt(a))^3, a = 2 / (9 df). */
static double chi2_bound(double df)
{
    double a = 2.0 / (9.0 * df);
    return df * pow(1 - a + 5 * sqrt(a), 3);
}

/* n normals of generator g: the fractions beyond 1, 2, 3, 4, 5 and the ziggurat's R within 5
 * binomial standard errors of 2 Phi(-t), and a chi-square over K bins equiprobable under N(0, 1)
 * below chi2_bound(K - 1). */
static void tails_and_histogram_for(rng_gen g, size_t n, size_t K)
{
    const double t_of[6] = { 1, 2, 3, 4, 5, zig_get()->r };
    double *z = malloc(n * sizeof *z), beyond[6] = { 0 }, *count = calloc(K, sizeof *count), chi2 = 0;
    rng_set_generator(g);
    rng_stream s = rng_stream_make(2026, RNG_NOISE, 1);
    rng_normals(&s, 3, n, z);
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < 6; t++)
            beyond[t] += fabs(z[i]) > t_of[t];
        size_t bin = (size_t)(0.5 * erfc(-z[i] / sqrt(2.0)) * (double)K);
        count[bin < K ? bin : K - 1]++;
    }
    for (int t = 0; t < 6; t++) {
        double p = erfc(t_of[t] / sqrt(2.0));
        assert_true(fabs(beyond[t] - (double)n * p) <= 5 * sqrt((double)n * p * (1 - p)));
    }
    for (size_t k = 0; k < K; k++) {
        double e = (double)n / (double)K;
        chi2 += (count[k] - e) * (count[k] - e) / e;
    }
    assert_true(chi2 < chi2_bound((double)(K - 1)));
    rng_set_generator(RNG_GEN_PHILOX);
    free(z);
    free(count);
}

/* 2 * 10^6 normals of each generator, 100 bins; and 10^7 of the ziggurat over 2000 bins, fine
 * enough to see a wrong layer edge or wedge (its 512 layers have edges ~ 1/500 apart in probability). */
static void normals_tails_and_histogram(void **unused)
{
    (void)unused;
    for (int g = 0; g < NGENS; g++)
        tails_and_histogram_for(gens[g], 2000000, 100);
    tails_and_histogram_for(RNG_GEN_SPLITMIX, 10000000, 2000);
}

/* Conditional law of the tail and of the top layer (the ziggurat's slow paths): among |z| > R,
 * |z| - R has P(> y) = erfc((R + y)/sqrt 2) / erfc(R/sqrt 2); among |z| < x_{N-1} (the top layer,
 * all wedge), |z| is Phi-distributed on [0, x_{N-1}]: 20 equiprobable bins each, chi-square below
 * chi2_bound(19). 8 * 10^7 normals: ~9400 in the tail, ~10^7 in the top layer. */
static void ziggurat_tail_and_top(void **unused)
{
    (void)unused;
    const size_t n = 1000000, rounds = 80, K = 20;
    const zig_table *t = zig_get();
    const double r = t->r, top = t->x[ZIG_LAYERS - 1], s2 = sqrt(2.0);
    double *z = malloc(n * sizeof *z), ct[20] = { 0 }, cu[20] = { 0 }, nt = 0, nu = 0;
    rng_set_generator(RNG_GEN_SPLITMIX);
    rng_stream s = rng_stream_make(5, RNG_NOISE, 2);
    for (size_t c = 0; c < rounds; c++) {
        rng_normals(&s, c, n, z);
        for (size_t i = 0; i < n; i++) {
            double a = fabs(z[i]);
            if (a > r) {
                size_t b = (size_t)((1 - erfc(a / s2) / erfc(r / s2)) * (double)K);
                ct[b < K ? b : K - 1]++, nt++;
            } else if (a < top) {
                size_t b = (size_t)(erf(a / s2) / erf(top / s2) * (double)K);
                cu[b < K ? b : K - 1]++, nu++;
            }
        }
    }
    double chi_t = 0, chi_u = 0;
    for (size_t k = 0; k < K; k++) {
        chi_t += (ct[k] - nt / K) * (ct[k] - nt / K) / (nt / K);
        chi_u += (cu[k] - nu / K) * (cu[k] - nu / K) / (nu / K);
    }
    assert_true(nt > 8000 && nu > 10000000);
    assert_true(chi_t < chi2_bound((double)(K - 1)));
    assert_true(chi_u < chi2_bound((double)(K - 1)));
    rng_set_generator(RNG_GEN_PHILOX);
    free(z);
}

static void streams_are_distinct_for(rng_gen g)
{
    double a[8], b[8];
    rng_set_generator(g);
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
    rng_set_generator(RNG_GEN_PHILOX);
}

static void streams_are_distinct(void **unused)
{
    (void)unused;
    each_gen(streams_are_distinct_for);
}

/* Independence across streams and counters: the sample correlation of 200000 normals of
 * (seed 1, NOISE, cell 0, counter 3) with those of the next counter, the next cell, the next
 * seed, another purpose, and of counter 3 shifted by one coordinate (for SplitMix64, whose
 * consecutive counters are 2^32 gamma apart) within 4 / sqrt(n); and the generators differ. */
static void streams_are_uncorrelated(void **unused)
{
    (void)unused;
    const size_t n = 200000;
    double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b), *p = malloc(n * sizeof *p);
    for (int g = 0; g < NGENS; g++) {
        rng_set_generator(gens[g]);
        rng_stream s = rng_stream_make(1, RNG_NOISE, 0);
        rng_stream other[] = { s, rng_stream_make(1, RNG_NOISE, 1), rng_stream_make(2, RNG_NOISE, 0),
                               rng_stream_make(1, RNG_PROBE, 0), s };
        const uint64_t counter[] = { 4, 3, 3, 3, 3 };
        rng_normals(&s, 3, n + 1, a);
        for (int k = 0; k < 5; k++) {
            rng_normals(&other[k], counter[k], n + 1, b);
            const double *y = k == 4 ? b + 1 : b;
            double c = 0;
            for (size_t i = 0; i < n; i++)
                c += a[i] * y[i];
            assert_true(fabs(c / (double)n) < 4 / sqrt((double)n));
        }
        if (g == 0)
            memcpy(p, a, n * sizeof *p);
    }
    double c = 0;                              /* philox vs splitmix, same stream and counter */
    for (size_t i = 0; i < n; i++)
        c += a[i] * p[i];
    assert_true(fabs(c / (double)n) < 4 / sqrt((double)n));
    rng_set_generator(RNG_GEN_PHILOX);
    free(a);
    free(b);
    free(p);
}

static void permutations_are_permutations_for(rng_gen g)
{
    size_t n = 1000, *p = malloc(n * sizeof *p), first_counts[4] = { 0 };
    unsigned char *seen = malloc(n);
    rng_set_generator(g);
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
    rng_set_generator(RNG_GEN_PHILOX);
    free(p);
    free(seen);
}

static void permutations_are_permutations(void **unused)
{
    (void)unused;
    each_gen(permutations_are_permutations_for);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philox_matches_random123),
        cmocka_unit_test(splitmix_matches_reference),
        cmocka_unit_test(ziggurat_table_closes),
        cmocka_unit_test(paths_and_tiles_agree),
        cmocka_unit_test(log_is_accurate),
        cmocka_unit_test(normals_are_standard),
        cmocka_unit_test(normals_tails_and_histogram),
        cmocka_unit_test(ziggurat_tail_and_top),
        cmocka_unit_test(streams_are_distinct),
        cmocka_unit_test(streams_are_uncorrelated),
        cmocka_unit_test(permutations_are_permutations),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
