/* sim/cli/main.c — `optdyn` entry point: global options and dispatch to the subcommands.
 * Exit status: 0 success, 2 bad usage or experiment file, 1 any other failure. */
#include "../core/par.h"
#include "../core/status.h"
#include "cli.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef OPTDYN_VERSION
#define OPTDYN_VERSION "unknown"
#endif

/* The subcommands: name, entry point, synopsis, one line of help, and whether it reads output
 * files (then it runs contained: cli_contained). The top-level help and the unknown-command
 * message are made from this table, so neither can omit a command. */
static const struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *synopsis, *summary;
    int reads;
} cmds[] = {
    { "run", cmd_run, "run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [--shard i/n]\n"
      "             [--resume] [-q]", "run an experiment, write an HDF5 file (default ./<EXP stem>.h5)",
      0 },
    { "merge", cmd_merge, "merge OUT.h5 SHARD.h5...",
      "combine the shard files of a sweep run with --shard i/n", 1 },
    { "export", cmd_export, "export OUT.h5 PATH",
      "a dataset or group of an output file as TSV on stdout", 1 },
    { "info", cmd_info, "info OUT.h5", "what is in an output file (attributes, datasets, axes)", 1 },
    { "plot", cmd_plot, "plot RESULT.h5 [RESULT2.h5]... [-o FIG.png|.svg|.pdf]",
      "the default figure of a result's kind (gnuplot); several files overlaid", 1 },
    { "theory", cmd_theory, "theory EXP.ini [--set section.key=value]...",
      "closed-form one-step optimal lr*(B) for a kind = onestep file", 0 },
    { "list", cmd_list, "list [optimizers|problems|kinds|keys]",
      "what optdyn knows, with every parameter and default", 0 },
};
enum { NCMDS = sizeof cmds / sizeof cmds[0] };

static void print_usage(FILE *out)
{
    fputs("Usage: optdyn COMMAND [ARGS]...\n"
          "Optimizer dynamics: run optimizers as integrators, record trajectories to HDF5.\n"
          "\nCommands:\n", out);
    for (size_t i = 0; i < NCMDS; i++)
        fprintf(out, "  optdyn %s\n        %s\n", cmds[i].synopsis, cmds[i].summary);
    fputs("\nOptions:\n"
          "  -h, --help             this help; `optdyn COMMAND --help` for a command\n"
          "  -V, --version          program version\n"
          "\n"
          "Exit status: 0 success, 2 bad usage or experiment file, 1 other failure.\n"
          "Docs: man optdyn; docs/cli.md, docs/config.md, docs/hdf5-schema.md, docs/theory.md.\n",
          out);
}

/* "optdyn CMD: message" on stderr, once per MPI job (from rank 0). */
static void report(const char *cmd, const char *fmt, va_list ap)
{
    if (par_rank() != 0)
        return;
    fprintf(stderr, "optdyn%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(int code, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(cmd, fmt, ap);
    va_end(ap);
    return code;
}

int cli_exit_code(int status)
{
    return status == OD_OK ? EXIT_OK : status == OD_EINPUT ? EXIT_USAGE : EXIT_FAILURE_OTHER;
}

int cli_status_error(int status, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(cmd, fmt, ap);
    va_end(ap);
    return cli_exit_code(status);
}

int cli_usage_error(const char *cmd, const char *usage_line)
{
    fprintf(stderr, "Usage: %s\nTry 'optdyn %s --help'.\n", usage_line, cmd);
    return EXIT_USAGE;
}

int cli_simple_args(int argc, char **argv, const char *cmd, const char *usage_line,
                    const char *help, int min, int max, int *code)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 } };
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            *code = EXIT_OK;
            return 0;
        }
        *code = cli_usage_error(cmd, usage_line);
        return 0;
    }
    if (argc - optind < min || argc - optind > max) {
        *code = cli_usage_error(cmd, usage_line);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();     /* GSL reports through return codes, never aborts */
    /* No HDF5 clean-up at exit: every file is closed (or abandoned and removed) explicitly, and
     * after a close that failed (e.g. a full disk) libhdf5's own atexit pass would walk the
     * half-closed file and crash. */
    H5dont_atexit();
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    int help = !strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help");
    int version = !strcmp(cmd, "-V") || !strcmp(cmd, "--version");
    if ((help || version) && argc > 2)
        return cli_error(EXIT_USAGE, NULL, "%s takes no arguments (got '%s')", cmd, argv[2]);
    if (help) {
        print_usage(stdout);
        return EXIT_OK;
    }
    if (version) {
        printf("optdyn %s\n", OPTDYN_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < NCMDS; i++)
        if (!strcmp(cmd, cmds[i].name)) {
            if (cmds[i].reads)
                return cli_contained(cmd, cmds[i].fn, argc - 1, argv + 1);
            par_init(&argc, &argv);
            int code = cmds[i].fn(argc - 1, argv + 1);
            par_finalize();
            return code;
        }
    char names[256] = "";
    for (size_t i = 0; i < NCMDS; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 cmds[i].name);
    cli_error(EXIT_USAGE, NULL, "unknown command '%s' (expected one of: %s)", cmd, names);
    return EXIT_USAGE;
}
