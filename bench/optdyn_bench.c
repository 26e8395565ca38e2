/* bench/optdyn_bench.c — optdyn's side of `make bench`: times the library's hot paths and prints
 * one line per case, "case <name> ns_per_coord_step <t> stat <mean> se <se>", for bench/run.sh
 * to set against the peers (bench/peers/) run in the same session. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/input/config.h"
#include "../sim/theory/exact.h"
#include "../sim/theory/nqm_exact.h"
#include "../sim/core/replicate.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"
#include "../sim/kinds/sweep.h"

/* CPU time of this process (BENCH_CLOCK=wall: elapsed time): on a shared, loaded machine the
 * time waiting for a core is not the program's cost. */
static double now(void)
{
    struct timespec ts;
    const char *clk = getenv("BENCH_CLOCK");
    clock_gettime(clk && !strcmp(clk, "wall") ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* An NQM experiment of dimension d with one optimizer (its keys in opt) and generator rng, which
 * becomes the process's generator. */
static config *nqm_config(long d, const char *opt, const char *rng)
{
    char path[] = "/tmp/optdyn-bench-XXXXXX", err[1024];
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        exit(1);
    fprintf(f, "[experiment]\nrng = %s\n[problem]\ntype = nqm\ndim = %ld\n[run]\nsteps = 1\n"
            "[optimizer o]\n%s\n", rng, d, opt);
    fclose(f);
    config *c = NULL;
    if (config_load(path, NULL, 0, &c, err, sizeof err) != OD_OK) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    remove(path);
    rng_set_generator((rng_gen)c->exp.rng);
    return c;
}

/* Monte Carlo NQM runs: R replicates of `steps` steps; time per coordinate-step of the loop
 * (noise draw + update), and mean +- SE of the final loss. */
static void nqm_mc(const char *name, const char *opt, long d, long steps, double B, long R,
                   const char *rng)
{
    config *c = nqm_config(d, opt, rng);
    int status;
    problem *pb = problem_alloc(&c->problem, 1, &status);
    double sum = 0, sum2 = 0, elapsed = 0;
    for (long r = 0; r < R; r++) {
        replicate rep;
        replicate_init(&rep, pb, c->opt[0].type, &c->opt[0].p, B, 1, (uint64_t)r);
        double t0 = now();
        while (rep.t < steps)
            replicate_step(&rep);
        elapsed += now() - t0;
        double L = replicate_loss(&rep);
        sum += L;
        sum2 += L * L;
        replicate_free(&rep);
    }
    double mean = sum / (double)R, se = sqrt((sum2 / (double)R - mean * mean) / (double)(R - 1));
    printf("case %s ns_per_coord_step %.4f stat %.10g se %.3g\n", name,
           1e9 * elapsed / ((double)R * (double)steps * (double)d), mean, se);
    problem_free(pb);
    config_free(c);
}

/* The floor: generating the Gaussians alone (the same counter-based stream). */
static void normals(long d, long steps, const char *rng)
{
    config_free(nqm_config(d, "type = sgd\nlr = 1", rng));    /* sets the generator */
    double *z = malloc((size_t)d * sizeof *z), s = 0;
    rng_stream st = rng_stream_make(1, RNG_NOISE, 0);
    double t0 = now();
    for (long t = 1; t <= steps; t++) {
        rng_normals(&st, (uint64_t)t, (size_t)d, z);
        s += z[t % d];
    }
    double el = now() - t0;
    printf("case normals ns_per_coord_step %.4f stat %.6g se 0\n", 1e9 * el / ((double)steps * d), s);
    free(z);
}

/* Exact NQM steps-to-target for SGD over a (B, lr) grid: the Zhang protocol's cells. */
static void zhang_exact(long d, int nb, int nl, double target)
{
    config *c = nqm_config(d, "type = sgd\nlr = 1", "philox");
    int status;
    problem *pb = problem_alloc(&c->problem, 1, &status);
    double *s0 = exact_start_moments(pb), total = 0;
    double t0 = now();
    for (int b = 0; b < nb; b++)
        for (int l = 0; l < nl; l++) {
            opt_params p = c->opt[0].p;
            p.lr = pow(10.0, -5.0 + 5.5 * l / (nl - 1));
            double B = ldexp(1.0, b), frac;
            nqm_exact e;
            nqm_exact_init(&e, pb, c->opt[0].type, &p, B, s0);
            long k = e.stable ? nqm_exact_steps(&e, target, 1000000000L, &frac) : -1;
            total += k > 0 ? log((double)k) : 0;
            nqm_exact_free(&e);
        }
    printf("case zhang_exact seconds %.4f stat %.10g se 0\n", now() - t0, total);
    free(s0);
    problem_free(pb);
    config_free(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: optdyn_bench mc NAME OPT D STEPS B R [RNG] | normals D STEPS [RNG] | "
                "zhang D NB NL\n(RNG: [experiment] rng, default philox)\n");
        return 2;
    }
    if (!strcmp(argv[1], "mc") && (argc == 8 || argc == 9))
        nqm_mc(argv[2], argv[3], atol(argv[4]), atol(argv[5]), atof(argv[6]), atol(argv[7]),
               argc == 9 ? argv[8] : "philox");
    else if (!strcmp(argv[1], "normals") && (argc == 4 || argc == 5))
        normals(atol(argv[2]), atol(argv[3]), argc == 5 ? argv[4] : "philox");
    else if (!strcmp(argv[1], "zhang") && argc == 5)
        zhang_exact(atol(argv[2]), atoi(argv[3]), atoi(argv[4]), 0.01);
    else
        return 2;
    return 0;
}
