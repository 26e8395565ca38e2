/* sim/core/ziggurat.h — exact N(0, 1) normals from 64-bit words by the ziggurat method, the normal
 * transform of [experiment] rng = splitmix: a table-lookup fast path shared by every kernel, and one
 * scalar slow path (wedges, tail, rejections) compiled once, so every instruction set gives the same bits. */
#ifndef OPTDYN_ZIGGURAT_H
#define OPTDYN_ZIGGURAT_H

#include <stdint.h>
#include <string.h>

/* Marsaglia and Tsang, "The ziggurat method for generating random variables", J. Stat. Softw. 5(8),
 * 2000, with Doornik's correction ("An improved ziggurat method to generate normal random samples",
 * 2005): the layer, the sign and the uniform come from disjoint bits of the word. The density
 * f(x) = exp(-x^2/2), x >= 0, is covered by ZIG_LAYERS layers of equal area V: layer k >= 1 is the
 * box [0, x_k] x [f(x_k), f(x_{k+1})] (x_1 = R > x_2 > ... > x_N = 0), layer 0 the box
 * [0, R] x [0, f(R)] plus the tail x > R, drawn as x = u x_0 with x_0 = V / f(R). R is solved at
 * set-up so that the top layer closes exactly (x_N = 0), so nothing is approximated: a point
 * uniform in the layers and under f is accepted, everything else is drawn again. Word w: bits
 * 0-8 the layer k, bit 9 the sign, bits 12-63 the uniform u in [0, 1) (52 bits). 512 layers rather
 * than the paper's 256: the slow path falls from 1.5 % to 0.8 % of the words (measured: the AVX2
 * kernel ~12 % faster) for an 8 KiB table of layer edges. */
enum { ZIG_LAYERS = 512, ZIG_SIGN_BIT = 9 };

typedef struct zig_table {
    double x[ZIG_LAYERS + 1];   /* x_0 = V / f(R), x_1 = R, ..., x_N = 0 */
    double f[ZIG_LAYERS + 1];   /* f(x_k); f[0] = f(R) */
    double r;                   /* R = x_1 (3.8520461503683912 for 512 layers) */
    _Alignas(16) double pair[ZIG_LAYERS][2];   /* (x_k, x_{k+1}): one 16-byte load per layer */
} zig_table;

/* The table, computed once (thread-safe) on first use. */
const zig_table *zig_get(void);
/* R of a ziggurat of `layers` <= ZIG_LAYERS layers (bisection to the last bit: the top layer closes). */
double zig_solve_r(int layers);

/* The normal of a word whose fast test failed: the wedge test, the tail (Marsaglia 1964), and on a
 * rejection a fresh layer and uniform from the words mix(w + i gamma), i = 1, 2, ... */
double zig_slow(const zig_table *t, uint64_t w);

/* The uniform in [0, 1) of word w: its top 52 bits as the mantissa of a number in [1, 2), minus 1
 * (exact, and vectorizable without 64-bit integer conversions). */
static inline double zig_u(uint64_t w)
{
    uint64_t b = 0x3ff0000000000000ULL | (w >> 12);
    double d;
    memcpy(&d, &b, sizeof d);
    return d - 1.0;
}

/* +-x by bit 8 of w, as a sign-bit xor (what the vector kernels do). */
static inline double zig_signed(double x, uint64_t w)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b ^= (w << (63 - ZIG_SIGN_BIT)) & 0x8000000000000000ULL;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The normal of word w: x = u x_k, accepted at once when x < x_{k+1} (inside the curve: about 99 %
 * of words), else the slow path. */
static inline double zig_normal(const zig_table *t, uint64_t w)
{
    unsigned k = (unsigned)(w & (ZIG_LAYERS - 1));
    double x = zig_u(w) * t->x[k];
    return x < t->x[k + 1] ? zig_signed(x, w) : zig_slow(t, w);
}

#endif
