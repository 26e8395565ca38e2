/* sim/core/rng.h — counter-based random streams (Random123's Philox-4x32-10, or SplitMix64 indexed by
 * counter). A draw is a pure function of (generator, seed, stream, cell, counter, index): no state,
 * so results never depend on thread count, rank count, order of evaluation or resumption. */
#ifndef OPTDYN_RNG_H
#define OPTDYN_RNG_H

#include <stddef.h>
#include <stdint.h>

/* What a stream is for; distinct purposes never share draws. */
typedef enum {
    RNG_NOISE = 1,     /* per-step gradient noise (counter = step) */
    RNG_BATCH = 2,     /* per-epoch minibatch permutation (counter = epoch) */
    RNG_INIT = 3,      /* initial point x0 */
    RNG_DATA = 4,      /* synthetic dataset, random rotations (counter = purpose index) */
    RNG_SDE = 5,       /* Brownian increments of an SDE path (cell = path, counter = step) */
    RNG_PROBE = 6,     /* extra batches of the noise-scale probe (sim/noise_scale.h; counter = step) */
    RNG_SKETCH = 7     /* random sketches of an update rule (key: the rule's sketch_seed; cell =
                          block, counter = refresh) */
} rng_purpose;

/* The counter-based generator behind every stream ([experiment] rng, docs/config.md). */
typedef enum {
    RNG_GEN_PHILOX = 0,    /* Philox-4x32-10 (the default) */
    RNG_GEN_SPLITMIX = 1   /* SplitMix64 at index counter 2^32 + word (sim/core/splitmix.h) */
} rng_gen;

typedef struct rng_stream {
    uint64_t key[2];   /* (seed, purpose | cell << 8) */
    rng_gen gen;       /* the generator of rng_generator() when made */
    uint64_t base;     /* RNG_GEN_SPLITMIX: the stream's SplitMix64 offset (splitmix_base of key) */
} rng_stream;

/* The generator of the streams made from now on, for the whole process (RNG_GEN_PHILOX unless
 * set): a run sets it from its experiment before it draws anything or starts a thread. */
void rng_set_generator(rng_gen g);
rng_gen rng_generator(void);
extern const char *const rng_generator_names[];   /* "philox", "splitmix", NULL: the key's words */

rng_stream rng_stream_make(uint64_t seed, rng_purpose purpose, uint64_t cell);

/* out[i] = i-th standard normal of block `counter` (Box-Muller on the generator's words), i < n. */
void rng_normals(const rng_stream *s, uint64_t counter, size_t n, double *out);
/* The same normals first .. first + n - 1 (a tile of a longer draw, bit for bit). */
void rng_normals_at(const rng_stream *s, uint64_t counter, size_t first, size_t n, double *out);

/* out[i] = i-th uniform in the open interval (0, 1) of block `counter`. */
void rng_uniforms(const rng_stream *s, uint64_t counter, size_t n, double *out);

/* A uniformly random permutation of 0..n-1 (Fisher-Yates driven by block `counter`). */
void rng_permutation(const rng_stream *s, uint64_t counter, size_t n, size_t *perm);

/* Which kernels draw (sim/core/rng_kernel.h): the best the CPU has (AUTO, the default) or one
 * forced, for tests; every path gives the same bits. rng_set_path returns 0 (and changes nothing)
 * when this CPU or build lacks the path; call it before any thread draws. */
typedef enum { RNG_PATH_AUTO, RNG_PATH_GENERIC, RNG_PATH_AVX2 } rng_path;
int rng_set_path(rng_path p);
const char *rng_path_name(void);     /* "generic" or "avx2": the kernels now in use */

#endif
