/* sim/cli/cmd_run.c — `optdyn run`: load and validate the experiment, open OUT.h5.partial, run,
 * rename on success. Any failure (or SIGINT/SIGTERM) removes the .partial file; OUT.h5 is only
 * ever replaced by a complete file. */
#include "../core/rng.h"
#include "../core/par.h"
#include "../core/problem.h"
#include "../core/status.h"
#include "../input/config.h"
#include "../kinds/kind.h"
#include "../output/meta.h"
#include "../output/rec.h"
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "optdyn run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [--shard i/n]\n"
    "                   [--resume] [-q]";
static const char help[] =
    "Usage: optdyn run EXP.ini [-o OUT.h5] [--set section.key=value]... [-j N] [--shard i/n]\n"
    "                  [--resume] [-q]\n"
    "Run the experiment described by EXP.ini and write an HDF5 file.\n"
    "\n"
    "  -o, --output OUT.h5    output file (default: [experiment] output, else <EXP stem>.h5\n"
    "                         in the current directory, wherever EXP.ini is); written as\n"
    "                         OUT.h5.partial and renamed when complete; OUT.h5.lock keeps\n"
    "                         other runs out\n"
    "  -s, --set S.K=V        override key K of section S (repeatable), e.g.\n"
    "                         --set run.steps=500 --set 'optimizer adam.lr=0.01'\n"
    "  -j, --threads N        worker threads for sweep cells and full-data sums over\n"
    "                         examples (network problems; default 1); results are\n"
    "                         identical for any N. Trajectories run one optimizer after another\n"
    "      --shard i/n        sweeps: compute only cells with index % n == i and write them\n"
    "                         to OUT.h5 (a shard file; combine with `optdyn merge`)\n"
    "  -r, --resume           sweeps: keep the cells recorded in OUT.h5.journal by an\n"
    "                         interrupted run of the same experiment, compute the rest\n"
    "  -q, --quiet            no progress and no closing line (\"wrote OUT.h5: kind, N\n"
    "                         optimizers, T s\"); progress (\"WHAT done/total (P%), about\n"
    "                         N s left\", P and N from each unit's expected work) is shown\n"
    "                         on a terminal in place, else a line every 10 s\n"
    "                         (OPTDYN_PROGRESS_INTERVAL=S: every S s)\n"
    "  -h, --help             this help\n"
    "\n"
    "Keys: docs/config.md or `optdyn list`. Exit status: 0 success (a diverging run is\n"
    "data, recorded as such), 2 bad usage, experiment file or output path (found before\n"
    "any work), 1 other failure (e.g. a full disk). SIGINT/SIGTERM remove the .partial\n"
    "file. docs/reliability.md: what is promised under faults.\n";

/* The .partial and .lock paths, for the signal handler (unlink is async-signal-safe). */
static char partial_path[4200], lock_path[4200];

/* SIGINT/SIGTERM: remove OUT.h5.partial and OUT.h5.lock (a sweep's journal stays for --resume),
 * then die of the signal (exit status 128 + signal number in a shell). */
static void on_signal(int sig)
{
    if (partial_path[0])
        unlink(partial_path);
    if (lock_path[0])
        unlink(lock_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct progress {
    int on, tty, quiet;
    double interval;       /* off a terminal: seconds between lines (OPTDYN_PROGRESS_INTERVAL) */
    int started;
    double last, start;
    double work_start;     /* expected work already done at the first report (resumed cells) */
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* On a terminal one line rewritten in place (at most every 0.1 s); into a file or pipe one line
 * every p->interval s (10 by default), so a long run's log shows it is alive without flooding.
 * "WHAT done/total (P%), about N s left": the units of what, the share of the run's expected
 * work done, and the work left over the throughput of expected work measured since the first
 * report (sim/kinds/progress.h). */
static void show_progress(void *user, const sim_progress *s)
{
    progress *p = user;
    double tn = now();
    if (!p->on)
        return;
    if (!p->started) {         /* the kind's first report, before any work: the clock starts */
        p->started = 1;
        p->start = p->last = tn;
        p->work_start = s->work_done;
        return;
    }
    /* the sums of expected work in another order (threads) may differ in the last bits */
    int finished = s->work_done >= s->work_total * (1.0 - 1e-12);
    if (p->tty ? tn - p->last < 0.1 && !finished : tn - p->last < p->interval)
        return;
    p->last = tn;
    double share = s->work_total > 0.0 ? s->work_done / s->work_total : 1.0;
    double eta = progress_eta(tn - p->start, p->work_start, s->work_done, s->work_total);
    fprintf(stderr, "%s%-16s %zu/%zu (%3.0f%%)", p->tty ? "\r" : "optdyn run: ", s->what,
            s->done, s->total, 100.0 * fmin(share, 1.0));
    if (eta >= 0.0 && !finished)
        fprintf(stderr, ", about %.0f s left  ", eta);
    else if (p->tty)
        fputs("                    ", stderr);
    if (!p->tty)
        fputc('\n', stderr);
}

/* OPTDYN_PROGRESS_INTERVAL: seconds between progress lines off a terminal (default 10). */
static int progress_interval(double *interval)
{
    const char *text = getenv("OPTDYN_PROGRESS_INTERVAL");
    char *end;
    *interval = 10.0;
    if (!text || !*text)
        return 1;
    *interval = strtod(text, &end);
    return !*end && *interval >= 0.0 && *interval <= 1e9;
}

/* "i/n" with 0 <= i < n. */
static int parse_shard(const char *text, size_t *i, size_t *n)
{
    char *end;
    long a = strtol(text, &end, 10);
    if (end == text || *end != '/')
        return 0;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || a < 0 || b < 1 || a >= b || b > 1000000)
        return 0;
    *i = (size_t)a;
    *n = (size_t)b;
    return 1;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "set", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 'j' }, { "quiet", no_argument, NULL, 'q' },
        { "resume", no_argument, NULL, 'r' }, { "shard", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char *output = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int quiet = 0, ch, code = EXIT_USAGE;
    char err[4096];
    sim_ctx x = { .threads = 1, .nshards = 1, .err = err, .errlen = sizeof err };
    if (!sets)
        return cli_error(EXIT_FAILURE_OTHER, "run", "out of memory");
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:s:j:rqh", opts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'o': output = optarg; break;
        case 's': sets[nsets++] = optarg; break;
        case 'q': quiet = 1; break;
        case 'r': x.resume = 1; break;
        case 'S':
            if (!parse_shard(optarg, &x.shard, &x.nshards)) {
                free(sets);
                return cli_error(EXIT_USAGE, "run", "--shard: expected i/n with 0 <= i < n, got '%s'",
                                 optarg);
            }
            break;
        case 'j':
            if ((x.threads = (int)strtol(optarg, &end, 10)) < 1 || x.threads > 1024 || *end) {
                free(sets);
                return cli_error(EXIT_USAGE, "run", "-j: expected an integer in [1, 1024], got '%s'",
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
    double interval;
    if (!progress_interval(&interval)) {
        free(sets);
        return cli_error(EXIT_USAGE, "run", "OPTDYN_PROGRESS_INTERVAL: expected seconds in "
                         "[0, 1e9], got '%s'", getenv("OPTDYN_PROGRESS_INTERVAL"));
    }

    config *c = NULL;
    problem *pb = NULL;
    rec *r = NULL;
    int status = config_load(argv[optind], sets, nsets, &c, err, sizeof err);
    if (status != OD_OK) {
        code = cli_status_error(status, "run", "%s", err);
        goto done;
    }
    if (output)
        snprintf(c->exp.output, sizeof c->exp.output, "%s", output);
    const kind_type *kind = c->kind;
    if ((x.resume || x.nshards > 1) && !(kind->flags & KIND_CELLS)) {
        code = cli_error(EXIT_USAGE, "run", "%s: kind = %s has no cells to %s",
                         x.resume ? "--resume" : "--shard", kind->name,
                         x.resume ? "resume" : "shard");
        goto done;
    }
    int rank = par_rank();
    if (rank != 0 && !(kind->flags & KIND_CELLS)) {
        code = EXIT_OK;               /* under mpirun only cells are distributed */
        goto done;
    }
    /* Validate the output location before any work: a bad path is a usage error. */
    if (rank == 0 && !(r = rec_create(c->exp.output, &status, err, sizeof err)))
        code = cli_status_error(status, "run", "output '%s' (%s): %s", c->exp.output,
                                output ? "-o" : "[experiment] output", err);
    if (!par_all(rank != 0 || r != NULL)) {      /* every rank stops, none waits */
        code = rank == 0 ? code : EXIT_USAGE;
        goto done;
    }
    if (rank == 0) {             /* claimed and created: from here a signal cleans them up */
        snprintf(partial_path, sizeof partial_path, "%s.partial", c->exp.output);
        snprintf(lock_path, sizeof lock_path, "%s.lock", c->exp.output);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }
    code = EXIT_FAILURE_OTHER;
    rng_set_generator((rng_gen)c->exp.rng);     /* before any draw or thread */
    if (!(pb = problem_alloc(&c->problem, (uint64_t)c->exp.seed, &status))) {
        code = cli_status_error(status, "run", "building problem '%s': %s",
                                problem_types[c->problem.type]->name, od_strerror(status));
        goto done;
    }
    pb->threads = x.threads;     /* full-data sums of the network problems (sweeps: one a cell) */
    int tty = isatty(STDERR_FILENO);
    progress prog = { !quiet && rank == 0, tty, quiet || rank != 0, interval, 0, 0.0, 0.0, 0.0 };
    double started = now();
    if (r) {
        meta_write_root(r, c, sets, nsets);
        meta_write_problem(r, c, pb);
    }
    char journal[sizeof partial_path];
    snprintf(journal, sizeof journal, "%s.journal", c->exp.output);
    x.c = c;
    x.pb = pb;
    x.r = r;
    x.journal = journal;
    x.progress = show_progress;
    x.user = &prog;
    if ((status = kind->run(&x)) != OD_OK) {
        int io = r && rec_status(r) != OD_OK;
        if (io)                               /* the output file failed: say which and why */
            rec_error(r, err, sizeof err);
        code = cli_status_error(status, "run", "%s%s", err,
                                io ? " (nothing written under the final name)" : "");
        if (rank == 0 && (kind->flags & KIND_CELLS) && access(journal, F_OK) == 0 &&
            status != OD_EINPUT)
            cli_error(code, "run", "the finished cells are kept in %s: run again with "
                      "--resume to continue", journal);
        goto done;
    }
    if (x.note[0] && !prog.quiet)
        fprintf(stderr, "optdyn run: %s\n", x.note);
    if (prog.on && prog.tty)
        fputs("\r\033[K", stderr);
    if (rank != 0) {
        code = EXIT_OK;
        goto done;
    }
    status = rec_commit(r, err, sizeof err);
    r = NULL;
    if (status != OD_OK) {
        cli_error(code, "run", "%s (nothing written under the final name)", err);
        if ((kind->flags & KIND_CELLS) && access(journal, F_OK) == 0)
            cli_error(code, "run", "the finished cells are kept in %s: run again with "
                      "--resume to continue", journal);
        goto done;
    }
    if (kind->flags & KIND_CELLS)
        unlink(journal);          /* the committed file supersedes it */
    if (!prog.quiet)
        fprintf(stderr, "optdyn run: wrote %s: kind = %s, %zu optimizer%s, %.1f s\n",
                c->exp.output, kind->name, c->nopt, c->nopt == 1 ? "" : "s", now() - started);
    code = EXIT_OK;
done:
    rec_abort(r);
    partial_path[0] = lock_path[0] = '\0';
    problem_free(pb);
    config_free(c);
    free(sets);
    return code;
}
