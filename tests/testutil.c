/* tests/testutil.c — build configs and problems from inline INI text for the C tests.
 * Temporary files live in one mkdtemp directory per test binary. */
#include "testutil.h"
#include "../sim/core/draw.h"
#include "../sim/core/replicate.h"
#include "../sim/core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tu_tmpdir(void)
{
    static char dir[64];
    if (!dir[0]) {
        strcpy(dir, "/tmp/optdyn-test-XXXXXX");
        if (!mkdtemp(dir))
            fail_msg("mkdtemp failed");
    }
    return dir;
}

static void write_ini(const char *ini, char *path, size_t len)
{
    static int k;
    snprintf(path, len, "%s/case%d.ini", tu_tmpdir(), k++);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(ini, f);
    fclose(f);
}

int tu_config_status(const char *ini, char *err, size_t len)
{
    char path[256];
    config *c = NULL;
    write_ini(ini, path, sizeof path);
    int status = config_load(path, NULL, 0, &c, err, len);
    config_free(c);
    return status;
}

config *tu_config(const char *ini)
{
    char path[256], err[2048];
    config *c = NULL;
    write_ini(ini, path, sizeof path);
    if (config_load(path, NULL, 0, &c, err, sizeof err) != OD_OK)
        fail_msg("config: %s", err);
    return c;
}

problem *tu_problem(const config *c)
{
    int status;
    problem *pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status);
    if (!pb)
        fail_msg("problem_alloc: %s", od_strerror(status));
    return pb;
}

void tu_iterate(const config *c, const problem *pb, const cfg_optimizer *o, double B, long steps,
                double *x)
{
    replicate r;
    assert_int_equal(replicate_init(&r, pb, o->type, &o->p, B, (uint64_t)c->exp.seed, 0), OD_OK);
    while (r.t < steps)
        assert_int_equal(replicate_step(&r), OD_OK);
    memcpy(x, r.x, pb->n * sizeof *x);
    replicate_free(&r);
}

void tu_batch_moments(const problem *pb, double B, long draws, const double *x, double *mean,
                      double *var)
{
    size_t n = pb->n;
    double *g = malloc(n * sizeof *g);
    draw dr;
    assert_int_equal(draw_init(&dr, pb, B, 5, 0), OD_OK);
    memset(mean, 0, n * sizeof *mean);
    memset(var, 0, n * sizeof *var);
    for (long t = 1; t <= draws; t++) {       /* Welford */
        batch b;
        draw_step(&dr, t, &b);
        pb->type->grad(pb, x, &b, g);
        for (size_t i = 0; i < n; i++) {
            double d = g[i] - mean[i];
            mean[i] += d / (double)t;
            var[i] += d * (g[i] - mean[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        var[i] /= (double)(draws - 1);
    draw_free(&dr);
    free(g);
}

void tu_gradient_fd(const problem *pb, const double *x, size_t stride, const char *what)
{
    size_t n = pb->n;
    double *g = malloc(n * sizeof *g), *xp = malloc(n * sizeof *xp);
    assert_int_equal(pb->type->grad(pb, x, NULL, g), OD_OK);
    for (size_t i = 0; i < n; i += stride) {
        double h = 1e-5 * (1 + fabs(x[i]));
        memcpy(xp, x, n * sizeof *x);
        xp[i] = x[i] + h;
        double fp = pb->type->loss(pb, xp);
        xp[i] = x[i] - h;
        double fd = (fp - pb->type->loss(pb, xp)) / (2 * h);
        if (fabs(fd - g[i]) > 1e-6 * (1 + fabs(g[i])))
            fail_msg("%s: dL/dx%zu = %.12g, finite difference %.12g", what, i, g[i], fd);
    }
    free(g), free(xp);
}
