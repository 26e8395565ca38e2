/* plots/tools/cr_variance.c EXP.ini — the left panel of figure cr-linreg: E|g_B - g|^2 at x0 of uniform
 * and CR minibatches (measured over draws of the run loop's sampler, and the formulas) vs B, TSV. */
#include <stdio.h>
#include <string.h>

#include "../../sim/core/problem.h"
#include "../../sim/core/rng.h"
#include "../../sim/core/status.h"
#include "../../sim/input/config.h"
#include "../../sim/theory/batch_variance.h"

enum { DRAWS = 4000 };

int main(int argc, char **argv)
{
    const char *sets[2] = { "problem.sampling=uniform", "problem.sampling=cr" };
    batch_variance v[2][16];
    double B[16];
    size_t nb = 0;
    for (int s = 0; s < 2; s++) {
        config *c;
        char err[1024];
        int status;
        if (argc != 2 || config_load(argv[1], &sets[s], 1, &c, err, sizeof err) != OD_OK) {
            fprintf(stderr, "usage: cr_variance EXP.ini (%s)\n", argc == 2 ? err : "no file");
            return 2;
        }
        rng_set_generator((rng_gen)c->exp.rng);
        problem *pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status);
        if (!pb)
            return 1;
        nb = 0;
        for (double b = 1; b < (double)pb->examples && nb < 16; b *= 2, nb++) {
            B[nb] = b;
            if (batch_variance_at(pb, pb->x0, b, DRAWS, (uint64_t)c->exp.seed, &v[s][nb]) != OD_OK)
                return 1;
        }
        problem_free(pb);
        config_free(c);
    }
    printf("batch\tuniform_measured\tuniform_se\tuniform_formula\tcr_measured\tcr_se\tcr_formula\t"
           "grad_sq\tB_simple_uniform\tB_simple_cr\n");
    for (size_t i = 0; i < nb; i++)
        printf("%g\t%.8g\t%.4g\t%.8g\t%.8g\t%.4g\t%.8g\t%.8g\t%.6g\t%.6g\n", B[i], v[0][i].measured,
               v[0][i].measured_se, v[0][i].formula, v[1][i].measured, v[1][i].measured_se,
               v[1][i].formula, v[0][i].grad_sq, v[0][i].tr_uniform / v[0][i].grad_sq,
               v[1][i].tr_cr / v[1][i].grad_sq);
    return 0;
}
