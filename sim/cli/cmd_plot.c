/* sim/cli/cmd_plot.c — `optdyn plot RESULT.h5...`: the default figure of a result's kind, one file
 * or several of one kind overlaid, drawn by gnuplot from TSV that scripts/figure-data.sh exports. */
#include "../output/h5read.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "optdyn plot RESULT.h5 [RESULT2.h5]... [-o FIG.png|.svg|.pdf]";
static const char help[] =
    "Usage: optdyn plot RESULT.h5 [RESULT2.h5]... [-o FIG.png|.svg|.pdf]\n"
    "Draw the default figure of a result file's kind with gnuplot; several files of the same\n"
    "kind are overlaid (solid lines for the first file, dashed for the second, ...; the legend\n"
    "names each file):\n"
    "  trajectory  loss (excess loss where f* is known) and gradient norm vs step per\n"
    "              optimizer; with one 2-D file, the paths over log-loss contours instead\n"
    "  sweep       steps to the first target and the optimal lr vs batch size, with the\n"
    "              fitted laws S = S_min (1 + B_crit/B) and lr = a B^alpha\n"
    "  flow        error vs lr per optimizer and limit with the fitted order, and the error\n"
    "              along the recorded trajectory\n"
    "  onestep     one-step optimal lr*(B): Monte Carlo with one standard error, closed forms\n"
    "              as lines\n"
    "  scaling     loss vs examples per batch multiplier kappa, one panel per rule\n"
    "\n"
    "  -o, --output FIG       figure file; the extension picks the format (png, svg, pdf).\n"
    "                         Default: the first file's name with .png, in the current\n"
    "                         directory (results/run.h5 -> run.png)\n"
    "  -h, --help             this help\n"
    "\n"
    "Needs gnuplot on PATH (Debian: apt-get install gnuplot-nox). The scripts are\n"
    "plots/auto/KIND.gp under the installed share/optdyn (or the source tree; OPTDYN_DATADIR\n"
    "overrides). Exit status: 0 figure written, 2 bad usage, a file that is not an optdyn\n"
    "result or files of different kinds, 1 other failure (e.g. gnuplot missing or failing).\n";

/* The format of a figure path by its extension, or NULL. */
static const char *figure_format(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    return !strcmp(dot, ".png") ? "png" : !strcmp(dot, ".svg") ? "svg" : !strcmp(dot, ".pdf") ? "pdf"
                                                                                                : NULL;
}

/* "dir/name.h5" -> "name.png" (the extension of the input dropped when it is .h5). */
static void default_output(const char *input, char *out, size_t len)
{
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    size_t n = strlen(base);
    if (n > 3 && !strcmp(base + n - 3, ".h5"))
        n -= 3;
    snprintf(out, len, "%.*s.png", (int)n, base);
}

/* 1 if an executable named prog is on PATH. */
static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];
    if (!path)
        return 0;
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)(n ? n : 1), n ? p : ".", prog);
        if (access(buf, X_OK) == 0)
            return 1;
        if (!end)
            return 0;
        p = end;
    }
}

/* The directory holding plots/auto/ and scripts/figure-data.sh: $OPTDYN_DATADIR, else next to
 * the program (PREFIX/bin/optdyn -> PREFIX/share/optdyn; build/optdyn -> the source tree). */
static int find_datadir(const char *self, char *dir, size_t len)
{
    const char *env = getenv("OPTDYN_DATADIR");
    char probe[PATH_MAX + 64];
    if (env && *env)
        return snprintf(dir, len, "%s", env) < (int)len &&
               snprintf(probe, sizeof probe, "%s/plots/auto/trajectory.gp", dir) < (int)sizeof probe &&
               access(probe, R_OK) == 0;
    const char *slash = strrchr(self, '/');
    int nbin = slash ? (int)(slash - self) : 0;
    static const char *const rel[] = { "/../share/optdyn", "/..", NULL };
    for (size_t i = 0; slash && rel[i]; i++)
        if (snprintf(probe, sizeof probe, "%.*s%s/plots/auto/trajectory.gp", nbin, self, rel[i]) <
                (int)sizeof probe && access(probe, R_OK) == 0)
            return snprintf(dir, len, "%.*s%s", nbin, self, rel[i]) < (int)len;
    return 0;
}

/* Run argv (in directory cwd when not NULL, stdout to /dev/null when quiet); its exit status,
 * or -1 when it could not be started or died of a signal. */
static int spawn(char *const argv[], const char *cwd, int quiet)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (cwd && chdir(cwd) != 0)
            _exit(127);
        if (quiet) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, STDOUT_FILENO);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok;
}

/* The kind of an optdyn result file into kind (exit code 2 with a message when it is not one). */
static int result_kind(const char *file, char *kind, size_t len)
{
    char err[2048];
    hid_t f = h5r_open(file, err, sizeof err);    /* checks program = optdyn and a kind */
    if (f < 0)
        return cli_error(EXIT_USAGE, "plot", "%s", err);
    char *k = h5r_attr_dup(f, "/", "kind");
    H5Fclose(f);
    int code = k && strlen(k) < len && !strchr(k, '/') ? EXIT_OK
               : cli_error(EXIT_USAGE, "plot", "%s: not an optdyn result (no usable root "
                           "attribute 'kind')", file);
    if (code == EXIT_OK)
        snprintf(kind, len, "%s", k);
    free(k);
    return code;
}

/* Remove the temporary directory and everything in it. */
static void remove_tree(const char *dir)
{
    char *argv[] = { "rm", "-rf", (char *)dir, NULL };
    spawn(argv, NULL, 1);
}

int cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *output = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': output = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_usage_error("plot", usage);
        }
    }
    int nfiles = argc - optind;
    if (nfiles < 1)
        return cli_usage_error("plot", usage);
    char outbuf[PATH_MAX];
    if (!output) {
        default_output(argv[optind], outbuf, sizeof outbuf);
        output = outbuf;
    }
    const char *fmt = figure_format(output);
    if (!fmt)
        return cli_error(EXIT_USAGE, "plot", "-o %s: expected a file name ending in .png, .svg "
                         "or .pdf", output);

    /* Every file an optdyn result, all of one kind: checked before any work. */
    char kind[64] = "", k[64];
    for (int i = 0; i < nfiles; i++) {
        const char *file = argv[optind + i];
        int code = result_kind(file, k, sizeof k);
        if (code != EXIT_OK)
            return code;
        if (i && strcmp(k, kind))
            return cli_error(EXIT_USAGE, "plot", "%s is kind = %s, %s is kind = %s: overlays "
                             "need files of one kind", argv[optind], kind, file, k);
        snprintf(kind, sizeof kind, "%s", k);
    }
    char self[PATH_MAX], datadir[PATH_MAX], script[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return cli_error(EXIT_FAILURE_OTHER, "plot", "cannot find the optdyn program itself "
                         "(/proc/self/exe)");
    self[n] = '\0';
    if (!find_datadir(self, datadir, sizeof datadir) || strchr(datadir, '\''))
        return cli_error(EXIT_FAILURE_OTHER, "plot", "plot scripts not found (plots/auto/ next to "
                         "%s, or in $OPTDYN_DATADIR): install with `make install`", self);
    /* one script per kind: a kind without one has no default figure */
    if (snprintf(script, sizeof script, "%s/plots/auto/%s.gp", datadir, kind) >= (int)sizeof script ||
        access(script, R_OK) != 0)
        return cli_error(EXIT_USAGE, "plot", "kind = %s has no default figure (no %s)", kind, script);
    if (!on_path("gnuplot"))
        return cli_error(EXIT_FAILURE_OTHER, "plot", "gnuplot not found on PATH: install it "
                         "(Debian: apt-get install gnuplot-nox) to draw figures");
    const char *tmpenv = getenv("TMPDIR");
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/optdyn-plot-XXXXXX", tmpenv && *tmpenv ? tmpenv : "/tmp");
    if (!mkdtemp(tmp) || strchr(tmp, '\''))
        return cli_error(EXIT_FAILURE_OTHER, "plot", "cannot create a temporary directory "
                         "(%s): %s", tmp, strerror(errno));
    int code = EXIT_FAILURE_OTHER;
    char path[PATH_MAX + 64], expr[3 * PATH_MAX], fig[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/labels.txt", tmp);
    FILE *labels = fopen(path, "w");
    if (!labels) {
        cli_error(code, "plot", "%s: %s", path, strerror(errno));
        goto done;
    }
    for (int i = 0; i < nfiles; i++) {        /* the legend names a file by its base name */
        const char *base = strrchr(argv[optind + i], '/');
        fprintf(labels, "%s\n", base ? base + 1 : argv[optind + i]);
    }
    if (fclose(labels) != 0) {
        cli_error(code, "plot", "%s: write error", path);
        goto done;
    }
    snprintf(script, sizeof script, "%s/scripts/figure-data.sh", datadir);
    for (int i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/%d", tmp, i + 1);
        char *av[] = { "sh", script, self, argv[optind + i], path, NULL };
        if (spawn(av, NULL, 1) != 0) {
            cli_error(code, "plot", "%s: exporting the data (%s) failed", argv[optind + i], script);
            goto done;
        }
    }
    snprintf(fig, sizeof fig, "%s/figure.%s", tmp, fmt);
    snprintf(expr, sizeof expr, "tmp='%s'; nfiles=%d; fmt='%s'; out='%s'", tmp, nfiles, fmt, fig);
    snprintf(script, sizeof script, "plots/auto/%s.gp", kind);
    char *gv[] = { "gnuplot", "-e", expr, script, NULL };
    if (spawn(gv, datadir, 0) != 0 || access(fig, R_OK) != 0) {
        cli_error(code, "plot", "gnuplot failed on %s/%s", datadir, script);
        goto done;
    }
    if (!copy_file(fig, output)) {
        cli_error(code, "plot", "cannot write '%s': %s", output, strerror(errno));
        goto done;
    }
    code = EXIT_OK;
done:
    remove_tree(tmp);
    return code;
}
