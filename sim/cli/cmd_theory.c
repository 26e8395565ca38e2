/* sim/cli/cmd_theory.c — `optdyn theory EXP.ini`: the closed forms of THEORY.md section 4 for a
 * kind = onestep experiment, without Monte Carlo: the moments at the frozen point as `# key =
 * value` lines, then TSV with B and lr*(B) of every optimizer, direction and form. */
#include "../input/config.h"
#include "../theory/grad_moments.h"
#include "../kinds/onestep.h"
#include "../core/problem.h"
#include "../theory/scaling_theory.h"
#include "../core/status.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "optdyn theory EXP.ini [--set section.key=value]...";
static const char help[] =
    "Usage: optdyn theory EXP.ini [--set section.key=value]...\n"
    "Closed-form one-step optimal learning rates (THEORY.md section 4) for a kind = onestep\n"
    "experiment, at its frozen point ([onestep] point) and batch sizes ([onestep] batch).\n"
    "Prints '# key = value' lines (lr_max, B_noise, B_simple, dL_max, A, C, the sign surge,\n"
    "Goh's optimal momentum for a quadratic spectrum), then a TSV table: column B, then\n"
    "OPTIMIZER.DIRECTION.FORM (first: first update; steady: stateful optimizers' steady state)\n"
    "with lr*(B). `optdyn run` on the same file adds the Monte Carlo estimates.\n";

/* The closed forms of one optimizer and direction over the batch sizes. */
typedef struct block {
    const cfg_optimizer *o;
    int dir;
    size_t nf;
    const char *forms[THEORY_FORMS_MAX];
    double *lr, *dL;
} block;

static void print_moments(const grad_moments *m, const problem *pb)
{
    printf("# lr_max = %.17g\n# dL_max = %.17g\n# B_noise = %.17g\n# B_simple = %.17g\n",
           m->lr_max, m->dL_max, m->B_noise, m->B_simple);
    printf("# A = %.17g\n# C = %.17g\n# sum_abs_g = %.17g\n", m->A, m->C, m->abs_g);
    double Bp, lp;
    if (sign_surge(m, &Bp, &lp))
        printf("# sign_surge_B_peak = %.17g\n# sign_surge_lr_peak = %.17g\n", Bp, lp);
    else
        printf("# sign_surge = none (C <= A)\n");
    if (pb->spectrum) {
        double lr, mu, rate;
        goh_optimum(pb->spectrum[0], pb->spectrum[pb->n - 1], &lr, &mu, &rate);
        printf("# goh_lr = %.17g\n# goh_momentum = %.17g\n# goh_rate = %.17g\n", lr, mu, rate);
    }
}

int cmd_theory(int argc, char **argv)
{
    static const struct option opts[] = {
        { "set", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char *sets[64];
    size_t nsets = 0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        }
        if (ch != 's' || nsets == 64)
            return cli_usage_error("theory", usage);
        sets[nsets++] = optarg;
    }
    if (argc - optind != 1)
        return cli_usage_error("theory", usage);
    char err[4096];
    config *c = NULL;
    int status = config_load(argv[optind], sets, nsets, &c, err, sizeof err);
    if (status != OD_OK)
        return cli_error(status == OD_EINPUT ? EXIT_USAGE : EXIT_FAILURE_OTHER, "theory", "%s", err);
    if (c->exp.kind != KIND_ONESTEP) {
        config_free(c);
        return cli_error(EXIT_USAGE, "theory", "%s: [experiment] kind: expected onestep, got %s",
                         argv[optind], experiment_kind_names[c->exp.kind]);
    }
    int code = EXIT_FAILURE_OTHER;
    problem *pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status);
    const double *x = pb ? onestep_point(c, pb) : NULL;
    grad_moments m = { 0 };
    if (!pb)
        cli_error(code, "theory", "building the problem: %s", od_strerror(status));
    else if (!x)
        cli_error(EXIT_USAGE, "theory", "[onestep] point = minimizer: no known minimizer");
    else if ((status = grad_moments_compute(pb, x, &m)) != OD_OK)
        cli_error(code, "theory", "gradient moments: %s", od_strerror(status));
    else {
        size_t nb = c->onestep.batch.n, nblk = 0;
        block *blk = calloc(2 * c->nopt, sizeof *blk);
        for (size_t i = 0; blk && i < c->nopt; i++)
            for (int dir = 0; dir < 1 + onestep_stateful(c->opt[i].type); dir++, nblk++) {
                block *k = &blk[nblk];
                k->o = &c->opt[i];
                k->dir = dir;
                k->lr = malloc(THEORY_FORMS_MAX * nb * sizeof *k->lr);
                k->dL = malloc(THEORY_FORMS_MAX * nb * sizeof *k->dL);
                if (k->lr && k->dL)
                    k->nf = scaling_theory_table(k->o, dir, &m, pb, x, nb, c->onestep.batch.v,
                                                 k->forms, k->lr, k->dL);
            }
        print_moments(&m, pb);
        printf("B");
        for (size_t k = 0; k < nblk; k++)
            for (size_t f = 0; f < blk[k].nf; f++)
                printf("\t%s.%s.%s", blk[k].o->name, blk[k].dir ? "steady" : "first",
                       blk[k].forms[f]);
        putchar('\n');
        for (size_t ib = 0; ib < nb; ib++) {
            printf("%.17g", c->onestep.batch.v[ib]);
            for (size_t k = 0; k < nblk; k++)
                for (size_t f = 0; f < blk[k].nf; f++)
                    printf("\t%.17g", blk[k].lr[f * nb + ib]);
            putchar('\n');
        }
        for (size_t k = 0; k < nblk; k++)
            free(blk[k].lr), free(blk[k].dL);
        free(blk);
        code = EXIT_OK;
    }
    grad_moments_free(&m);
    problem_free(pb);
    config_free(c);
    return code;
}
