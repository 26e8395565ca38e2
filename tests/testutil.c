/* tests/testutil.c — build configs and problems from inline INI text for the C tests.
 * Temporary files live in one mkdtemp directory per test binary. */
#include "testutil.h"
#include "../sim/draw.h"
#include "../sim/status.h"

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
    size_t n = pb->n;
    double *dx = malloc(n * sizeof *dx), *st = opt_state_alloc(o->type, n, &o->p);
    draw dr;
    assert_int_equal(draw_init(&dr, pb, B, (uint64_t)c->exp.seed, 0), OD_OK);
    assert_non_null(dx);
    assert_non_null(st);
    memcpy(x, pb->x0, n * sizeof *x);
    for (long t = 1; t <= steps; t++) {
        batch b;
        draw_step(&dr, t, &b);
        assert_int_equal(o->type->step(st, n, t, &o->p, x, pb, &b, dx), OD_OK);
        for (size_t i = 0; i < n; i++)
            x[i] += dx[i];
    }
    draw_free(&dr);
    free(dx);
    free(st);
}
