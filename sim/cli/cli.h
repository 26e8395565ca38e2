/* sim/cli/cli.h — the optdyn command line: one function per subcommand, shared exit codes and
 * messages. Only the CLI prints and exits; the library returns status codes. */
#ifndef OPTDYN_CLI_H
#define OPTDYN_CLI_H

enum {
    EXIT_OK = 0,
    EXIT_FAILURE_OTHER = 1,   /* I/O, out of memory, internal error */
    EXIT_USAGE = 2            /* bad command line or experiment file */
};

int cmd_run(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_theory(int argc, char **argv);
int cmd_plot(int argc, char **argv);

/* fn(argc, argv) in a child process (sim/cli/contain.c): its exit code, or 2 with "not a readable
 * optdyn file: FILE: libhdf5 crashed reading it (signal N, ...)" when a signal ended it. */
int cli_contained(const char *cmd, int (*fn)(int, char **), int argc, char **argv);
/* "optdyn CMD: message" on stderr; returns code (EXIT_USAGE or EXIT_FAILURE_OTHER). */
int cli_error(int code, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The one map from a library status to an exit code: OD_OK 0, OD_EINPUT (bad input, found
 * before any work) 2, anything else 1. */
int cli_exit_code(int status);
/* cli_error with the exit code of status. */
int cli_status_error(int status, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Options of a command that takes only --help and between min and max positional arguments:
 * returns 1 to go on (arguments at argv[optind]), or 0 with *code set (help shown: 0; misuse: 2). */
int cli_simple_args(int argc, char **argv, const char *cmd, const char *usage, const char *help,
                    int min, int max, int *code);
/* The usage line of cmd plus "Try 'optdyn CMD --help'." on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *usage);

#endif
