/* bench/fmnist_bench.c — optdyn's side of bench/fmnist_run.sh: one full-batch gradient of fmnist_mlp
 * (examples, hidden from the command line, tanh, biases) timed REPS times on THREADS threads
 * (default 1); prints the median, the loss and |g|, and writes x and the training indices for the
 * NumPy/PyTorch peer to check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/core/problems/fmnist.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"
#include "../sim/input/config.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: fmnist_bench EXAMPLES HIDDEN REPS DUMP [THREADS]\n");
        return 2;
    }
    long N = atol(argv[1]), h = atol(argv[2]), reps = atol(argv[3]);
    char path[] = "/tmp/optdyn-bench-XXXXXX", err[1024];
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return 1;
    fprintf(f, "[experiment]\nseed = 1\n[problem]\ntype = fmnist_mlp\nexamples = %ld\nhidden = %ld\n"
            "test_examples = 0\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n", N, h);
    fclose(f);
    config *c = NULL;
    int status = config_load(path, NULL, 0, &c, err, sizeof err);
    remove(path);
    problem *pb = status == OD_OK ? problem_alloc(&c->problem, 1, &status) : NULL;
    if (!pb) {
        fprintf(stderr, "fmnist_bench: %s\n", status == OD_OK ? "cannot build" : err);
        return 1;
    }
    pb->threads = argc == 6 ? atoi(argv[5]) : 1;
    size_t n = pb->n, cnt;
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *t = malloc(reps * sizeof *t);
    rng_stream s = rng_stream_make(5, RNG_INIT, 0);      /* a point off the start: x0 + noise */
    rng_normals(&s, 0, n, x);
    for (size_t i = 0; i < n; i++)
        x[i] = pb->x0[i] + 0.01 * x[i];
    for (long r = 0; r < reps; r++) {
        double t0 = now();
        pb->type->grad(pb, x, NULL, g);
        t[r] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, cmp);
    const size_t *idx = fmnist_subset(pb, 0, &cnt);
    FILE *d = fopen(argv[4], "wb");
    if (!d)
        return 1;
    for (size_t j = 0; j < cnt; j++) {
        double v = (double)idx[j];
        fwrite(&v, sizeof v, 1, d);
    }
    fwrite(x, sizeof *x, n, d);
    fwrite(g, sizeof *g, n, d);
    fclose(d);
    printf("optdyn seconds %.6g loss %.17g gnorm %.17g\n", t[(reps - 1) / 2],
           pb->type->loss(pb, x), sqrt(problem_dot(n, g, g)));
    free(x), free(g), free(t);
    problem_free(pb);
    config_free(c);
    return 0;
}
