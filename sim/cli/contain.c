/* sim/cli/contain.c — the commands that read output files (info, export, merge, plot) run in a
 * child process, so a crash inside libhdf5 on a corrupt file that passed the file check ends the
 * child and the command exits 2 with the reason, instead of dying with the signal. */
#include "../core/par.h"
#include "../output/h5check.h"
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The file a crash is blamed on: the first argument that is not an option (merge: its shards). */
static const char *input_named(const char *cmd, int argc, char **argv)
{
    int skip = !strcmp(cmd, "merge");        /* merge OUT.h5 SHARD.h5... */
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' && skip-- <= 0)
            return argv[i];
    return "its input";
}

static int run_here(int (*fn)(int, char **), int argc, char **argv)
{
    par_init(&argc, &argv);
    int code = fn(argc, argv);
    par_finalize();
    return code;
}

int cli_contained(const char *cmd, int (*fn)(int, char **), int argc, char **argv)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)                                /* no child to be had: run here */
        return run_here(fn, argc, argv);
    if (pid == 0)
        exit(run_here(fn, argc, argv));         /* exit flushes stdio */
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (sig != SIGSEGV && sig != SIGBUS && sig != SIGABRT && sig != SIGFPE && sig != SIGILL) {
        signal(sig, SIG_DFL);        /* interrupted, a closed pipe, a kill: end the same way */
        raise(sig);
    }
    char why[1024];
    h5check_crash_reason(why, sizeof why, input_named(cmd, argc, argv), sig);
    return cli_error(EXIT_USAGE, cmd, "%s", why);
}
