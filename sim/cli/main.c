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

static const char usage[] =
    "Usage: optdyn COMMAND [ARGS]...\n"
    "Optimizer dynamics: run optimizers as integrators, record trajectories to HDF5.\n"
    "\n"
    "Commands:\n"
    "  run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [-q]\n"
    "                         run an experiment, write an HDF5 file\n"
    "  export OUT.h5 PATH     a dataset or group of an output file as TSV on stdout\n"
    "  info OUT.h5            what is in an output file (attributes, datasets, axes)\n"
    "  merge OUT.h5 SHARD.h5...\n"
    "                         combine the shard files of a sweep run with --shard i/n\n"
    "  theory EXP.ini [--set section.key=value]...\n"
    "                         closed-form one-step optimal lr*(B) for a kind = onestep file\n"
    "  list [optimizers|problems|kinds]\n"
    "                         what optdyn knows, with every parameter and default\n"
    "\n"
    "Options:\n"
    "  -h, --help             this help; `optdyn COMMAND --help` for a command\n"
    "  -V, --version          program version\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or experiment file, 1 other failure.\n"
    "Docs: docs/cli.md, docs/config.md, docs/hdf5-schema.md.\n";

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
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("optdyn %s\n", OPTDYN_VERSION);
        return EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = { { "run", cmd_run }, { "export", cmd_export }, { "info", cmd_info },
                 { "list", cmd_list }, { "merge", cmd_merge },
                 { "theory", cmd_theory }, { "plot", cmd_plot } };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) {
            par_init(&argc, &argv);
            int code = cmds[i].fn(argc - 1, argv + 1);
            par_finalize();
            return code;
        }
    cli_error(EXIT_USAGE, NULL, "unknown command '%s' (expected run, export, info, list or merge)", cmd);
    return EXIT_USAGE;
}
