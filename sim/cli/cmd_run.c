/* sim/cli/cmd_run.c — `optdyn run`: load and validate the experiment, open OUT.h5.partial, run,
 * rename on success. Any failure (or SIGINT/SIGTERM) removes the .partial file; OUT.h5 is only
 * ever replaced by a complete file. */
#include "../config.h"
#include "../meta.h"
#include "../problem.h"
#include "../rec.h"
#include "../run.h"
#include "../status.h"
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "optdyn run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [-q]";
static const char help[] =
    "Usage: optdyn run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [-q]\n"
    "Run the experiment described by EXP.ini and write an HDF5 file.\n"
    "\n"
    "  -o, --output OUT.h5    output file (default: [experiment] output, else\n"
    "                         results/<EXP stem>.h5); written as OUT.h5.partial and\n"
    "                         renamed when complete\n"
    "  -s, --set S.K=V        override key K of section S (repeatable), e.g.\n"
    "                         --set run.steps=500 --set 'optimizer adam.lr=0.01'\n"
    "  -j, --threads N        worker threads (used by sweeps; trajectories run in order)\n"
    "  -q, --quiet            no progress display\n"
    "  -h, --help             this help\n"
    "\n"
    "Keys: docs/config.md or `optdyn list`. Exit status: 0 success (a diverging run is\n"
    "data, recorded as such), 2 bad usage or experiment file, 1 other failure.\n";

/* The .partial path, for the signal handler (unlink is async-signal-safe). */
static char partial_path[4200];

static void on_signal(int sig)
{
    if (partial_path[0])
        unlink(partial_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct progress {
    int on;
    double last;
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void show_progress(void *user, const char *name, long t, long steps)
{
    progress *p = user;
    double tn = now();
    if (!p->on || tn - p->last < 0.1)
        return;
    p->last = tn;
    fprintf(stderr, "\r%-16s step %ld/%ld (%3.0f%%)  ", name, t, steps, 100.0 * (double)t / (double)steps);
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "set", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 'j' }, { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char *output = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int quiet = 0, ch, code = EXIT_USAGE;
    if (!sets)
        return cli_error(EXIT_FAILURE_OTHER, "run", "out of memory");
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:s:j:qh", opts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'o': output = optarg; break;
        case 's': sets[nsets++] = optarg; break;
        case 'q': quiet = 1; break;
        case 'j':
            if (strtol(optarg, &end, 10) < 1 || *end) {
                free(sets);
                return cli_error(EXIT_USAGE, "run", "-j: expected a positive integer, got '%s'",
                                 optarg);
            }
            break;
        case 'h': fputs(help, stdout); free(sets); return EXIT_OK;
        default: free(sets); return cli_usage_error("run", usage);
        }
    }
    if (argc - optind != 1) {
        free(sets);
        return cli_usage_error("run", usage);
    }

    char err[4096];
    config *c = NULL;
    problem *pb = NULL;
    rec *r = NULL;
    int status = config_load(argv[optind], sets, nsets, &c, err, sizeof err);
    if (status != OD_OK) {
        code = cli_error(status == OD_EINPUT ? EXIT_USAGE : EXIT_FAILURE_OTHER, "run", "%s", err);
        goto done;
    }
    if (output)
        snprintf(c->exp.output, sizeof c->exp.output, "%s", output);
    /* Validate the output location before any work: a bad path is a usage error. */
    snprintf(partial_path, sizeof partial_path, "%s.partial", c->exp.output);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (!(r = rec_create(c->exp.output, err, sizeof err))) {
        code = cli_error(EXIT_USAGE, "run", "output '%s' (%s): %s", c->exp.output,
                         output ? "-o" : "[experiment] output", err);
        goto done;
    }
    code = EXIT_FAILURE_OTHER;
    if (!(pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status))) {
        cli_error(code, "run", "building problem '%s': %s", problem_types[c->problem.type]->name,
                  od_strerror(status));
        goto done;
    }
    progress prog = { !quiet && isatty(STDERR_FILENO), 0.0 };
    meta_write_root(r, c, sets, nsets);
    meta_write_problem(r, c, pb);
    status = sim_run_trajectory(c, pb, r, show_progress, &prog);
    if (prog.on)
        fputs("\r\033[K", stderr);
    if (status != OD_OK) {
        cli_error(code, "run", "%s", od_strerror(status));
        goto done;
    }
    status = rec_commit(r, err, sizeof err);
    r = NULL;
    if (status != OD_OK) {
        cli_error(code, "run", "%s", err);
        goto done;
    }
    code = EXIT_OK;
done:
    rec_abort(r);
    partial_path[0] = '\0';
    problem_free(pb);
    config_free(c);
    free(sets);
    return code;
}
