/* fuzz/fuzz_build.c — build the problem and optimizer states of a validated experiment (no run),
 * for the fuzz targets; a validated experiment that cannot be built is a defect and aborts. */
#include "fuzz_build.h"

#include "../sim/core/status.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_setup(void)
{
    gsl_set_error_handler_off();
}

char *fuzz_text(const unsigned char *data, size_t n)
{
    char *t = malloc(n + 1);
    if (t) {
        memcpy(t, data, n);
        t[n] = '\0';
    }
    return t;
}

int fuzz_buildable(const config *c)
{
    size_t dim = (size_t)c->problem.dim;
    size_t ex = c->problem.examples > 1 ? (size_t)c->problem.examples : 1;
    return dim >= 1 && dim <= FUZZ_BUILD_MAX_DIM && ex <= FUZZ_BUILD_MAX_DOUBLES / dim;
}

int fuzz_build(const config *c)
{
    if (!fuzz_buildable(c))
        return 0;
    int status = OD_OK;
    problem *pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status);
    if (!pb) {
        if (status == OD_ENOMEM)
            return 0;
        fprintf(stderr, "fuzz_build: a validated experiment's problem failed: %s\n",
                od_strerror(status));
        abort();
    }
    for (size_t i = 0; i < c->nopt; i++) {
        double *st = opt_state_alloc_on(c->opt[i].type, pb, &c->opt[i].p);
        free(st);
    }
    problem_free(pb);
    return 0;
}
