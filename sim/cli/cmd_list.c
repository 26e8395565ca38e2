/* sim/cli/cmd_list.c — `optdyn list`: optimizers, problems and experiment kinds with every key,
 * its default and its accepted values, straight from the registries' param_spec tables. */
#include "../input/config.h"
#include "cli.h"

#include <getopt.h>

#include <stdio.h>
#include <string.h>

static const char usage[] = "optdyn list [optimizers|problems|kinds|keys]";
static const char help[] =
    "Usage: optdyn list [optimizers|problems|kinds|keys]\n"
    "List what experiment files may name: optimizer types (update rule and keys), problem\n"
    "types (keys), experiment kinds, and the keys of [experiment] and [run] (`keys`).\n"
    "Without an argument, everything.\n";

static void print_specs(const param_spec *specs)
{
    for (const param_spec *s = specs; s->key; s++) {
        char want[512];
        param_describe(s, want, sizeof want);
        printf("    %-16s %-12s %s; %s\n", s->key,
               s->def ? s->def : (s->flags & PARAM_OPTIONAL) ? "(optional)" : "(required)",
               s->doc, want);
    }
}

static void list_optimizers(void)
{
    printf("optimizers ([optimizer NAME] type = ...):\n");
    for (size_t i = 0; opt_types[i]; i++) {
        printf("  %-10s %s\n             %s\n", opt_types[i]->name, opt_types[i]->summary,
               opt_types[i]->rule);
        for (size_t k = 0; opt_types[i]->flows && opt_types[i]->flows[k]; k++)
            printf("             limit %s: %s (%s)\n", opt_types[i]->flows[k]->name,
                   opt_types[i]->flows[k]->equation, opt_types[i]->flows[k]->time_map);
        print_specs(opt_types[i]->params);
    }
}

static void list_problems(void)
{
    printf("problems ([problem] type = ...):\n");
    for (size_t i = 0; problem_types[i]; i++) {
        printf("  %-10s %s\n", problem_types[i]->name, problem_types[i]->summary);
        print_specs(problem_types[i]->params);
    }
}

static void list_kinds(void)
{
    printf("experiment kinds ([experiment] kind = ...):\n"
           "  trajectory  every optimizer from the same x0 with the same noise, recorded ([run])\n"
           "  sweep       batch x lr x seeds x optimizers to target losses ([sweep])\n"
           "  flow        iterates vs continuous-time limits, errors and orders ([flow])\n"
           "  onestep     reserved for a later version (rejected with exit 2)\n");
}

static void list_keys(void)
{
    printf("[experiment] keys:\n");
    print_specs(experiment_specs);
    printf("[run] keys:\n");
    print_specs(run_specs);
    printf("[sweep] keys:\n");
    print_specs(sweep_specs);
    printf("[flow] keys:\n");
    print_specs(flow_specs);
}

int cmd_list(int argc, char **argv)
{
    int code;
    if (!cli_simple_args(argc, argv, "list", usage, help, 0, 1, &code))
        return code;
    const char *what = optind < argc ? argv[optind] : "all";
    int all = !strcmp(what, "all");
    if (!all && strcmp(what, "optimizers") && strcmp(what, "problems") && strcmp(what, "kinds") &&
        strcmp(what, "keys")) {
        cli_error(EXIT_USAGE, "list", "unknown topic '%s' (expected optimizers, problems, kinds "
                  "or keys)", what);
        return EXIT_USAGE;
    }
    if (all || !strcmp(what, "optimizers"))
        list_optimizers();
    if (all || !strcmp(what, "problems"))
        list_problems();
    if (all || !strcmp(what, "kinds"))
        list_kinds();
    if (all || !strcmp(what, "keys"))
        list_keys();
    return EXIT_OK;
}
