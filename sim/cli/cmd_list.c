/* sim/cli/cmd_list.c — `optdyn list`: optimizers, problems and experiment kinds with every key,
 * its default and its accepted values, straight from the registries' param_spec tables. */
#include "../input/config.h"
#include "../kinds/kind.h"
#include "cli.h"

#include <getopt.h>

#include <stdio.h>
#include <string.h>

static const char usage[] = "optdyn list [optimizers|problems|kinds|keys]";
static const char help[] =
    "Usage: optdyn list [optimizers|problems|kinds|keys]\n"
    "List what experiment files may name: optimizer types (update rule and keys), problem\n"
    "types (keys), experiment kinds, and the keys of [experiment] and of each kind's section\n"
    "(`keys`).\n"
    "Without an argument, everything.\n";

/* Widths of the key and default columns: the longest of any table, so every row aligns. */
static int key_width, def_width;

static void widen(const param_spec *specs)
{
    for (const param_spec *s = specs; s && s->key; s++)
    {
        if ((int)strlen(s->key) > key_width)
            key_width = (int)strlen(s->key);
        if (s->def && (int)strlen(s->def) > def_width)
            def_width = (int)strlen(s->def);
    }
}

static void measure_keys(void)
{
    key_width = (int)strlen("kind");
    def_width = (int)strlen("(required)");
    for (size_t i = 0; opt_types[i]; i++)
        widen(opt_types[i]->params);
    widen(opt_train_specs);
    for (size_t i = 0; problem_types[i]; i++)
        widen(problem_types[i]->params);
    widen(experiment_specs);
    for (size_t i = 0; kind_types[i]; i++)
        widen(kind_types[i]->specs);
}

static void print_specs(const param_spec *specs)
{
    for (const param_spec *s = specs; s->key; s++) {
        char want[512];
        param_describe(s, want, sizeof want);
        printf("    %-*s %-*s %s; %s\n", key_width, s->key, def_width,
               s->def && *s->def ? s->def : s->def || (s->flags & PARAM_OPTIONAL) ? "(optional)"
                                                                     : "(required)",
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
    printf("  every type also (schedule lr_t = lr*s(t), weight decay, clipping):\n");
    print_specs(opt_train_specs);
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
    printf("experiment kinds ([experiment] kind = ...):\n");
    for (size_t i = 0; kind_types[i]; i++)
        printf("  %-11s %s ([%s]%s)\n", kind_types[i]->name, kind_types[i]->summary,
               kind_types[i]->section,
               kind_types[i]->merge ? "; --resume, --shard, merge" : "");
}

static void list_keys(void)
{
    char names[256];
    kind_names(names, sizeof names, " ");
    printf("[experiment] keys:\n");
    printf("    %-*s %-*s %s; one of: %s\n", key_width, "kind", def_width, kind_types[0]->name, "what to run",
           names);
    print_specs(experiment_specs);
    for (size_t i = 0; kind_types[i]; i++) {
        printf("[%s] keys (kind = %s):\n", kind_types[i]->section, kind_types[i]->name);
        print_specs(kind_types[i]->specs);
    }
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
    measure_keys();
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
