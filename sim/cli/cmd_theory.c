/* sim/cli/cmd_theory.c — `optdyn theory EXP.ini`: the closed forms of docs/theory.md
 * ("One-step scaling") for a kind = onestep experiment, without Monte Carlo: the moments at the frozen point as `# key =
 * value` lines, then TSV with B and lr*(B) of every optimizer, direction and form. */
#include "../input/config.h"
#include "../kinds/kind.h"
#include "../core/rng.h"
#include "../core/problem.h"
#include "../core/status.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "optdyn theory EXP.ini [--set section.key=value]...";
static const char help[] =
    "Usage: optdyn theory EXP.ini [--set section.key=value]...\n"
    "Closed-form one-step optimal learning rates (docs/theory.md, 'One-step scaling') for a\n"
    "kind = onestep experiment, at its frozen point ([onestep] point) and batch sizes\n"
    "([onestep] batch).\n"
    "Prints '# key = value' lines (lr_max, B_noise, B_simple, dL_max, A, C, the sign surge,\n"
    "Goh's optimal momentum for a quadratic spectrum), then a TSV table: column B, then\n"
    "OPTIMIZER.DIRECTION.FORM (first: first update; steady: stateful optimizers' steady state)\n"
    "with lr*(B). `optdyn run` on the same file adds the Monte Carlo estimates.\n"
    "\n"
    "  -s, --set S.K=V        override key K of section S (repeatable), as `optdyn run` does\n"
    "  -h, --help             this help\n";

int cmd_theory(int argc, char **argv)
{
    static const struct option opts[] = {
        { "set", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int ch, code = EXIT_USAGE;
    if (!sets)
        return cli_error(EXIT_FAILURE_OTHER, "theory", "out of memory");
    optind = 1;
    while ((ch = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            free(sets);
            return EXIT_OK;
        }
        if (ch != 's') {
            free(sets);
            return cli_usage_error("theory", usage);
        }
        sets[nsets++] = optarg;
    }
    char err[4096];
    config *c = NULL;
    problem *pb = NULL;
    int status = OD_OK;
    if (argc - optind != 1)
        code = cli_usage_error("theory", usage);
    else if ((status = config_load(argv[optind], sets, nsets, &c, err, sizeof err)) != OD_OK)
        code = cli_status_error(status, "theory", "%s", err);
    else if (!c->kind->theory) {
        char with[256] = "";
        for (size_t k = 0; kind_types[k]; k++)
            if (kind_types[k]->theory)
                snprintf(with + strlen(with), sizeof with - strlen(with), "%s%s",
                         with[0] ? ", " : "", kind_types[k]->name);
        code = cli_status_error(OD_EINPUT, "theory", "%s: [experiment] kind: expected one with "
                                "closed forms (%s), got %s", argv[optind], with,
                                config_kind_name(c));
    } else if (rng_set_generator((rng_gen)c->exp.rng),
               !(pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status))) {
        code = cli_status_error(status, "theory", "building the problem: %s", od_strerror(status));
    } else {
        sim_ctx x = { .c = c, .pb = pb, .threads = 1, .nshards = 1, .err = err,
                      .errlen = sizeof err };
        status = c->kind->theory(&x, stdout);
        code = status == OD_OK ? EXIT_OK : cli_status_error(status, "theory", "%s", err);
    }
    problem_free(pb);
    config_free(c);
    free(sets);
    return code;
}
