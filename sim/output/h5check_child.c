/* sim/output/h5check_child.c — h5check_walk in a child process that a crash or hang inside
 * libhdf5 costs, forked directly or by a small check server started early (h5check_server_start). */
#include "h5check.h"
#include "../core/fdio.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define H5CHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define H5CHECK_ASAN 1
#endif
#endif

enum { WHY_MAX = 1024, PATH_MAX_LEN = 4096 };

#ifndef H5CHECK_ASAN
/* Bytes of address space this process maps now (/proc/self/statm), 0 where unknown. */
static rlim_t mapped_now(void)
{
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return (rlim_t)pages * (rlim_t)(page > 0 ? page : 4096);
}
#endif

/* In the child: a hang ends at the alarm; outside sanitizer builds (whose shadow memory needs
 * the address space), an allocation far beyond the file's size fails instead of paging: the
 * child may map 1 GiB + 16 x the file more than it has (a string attribute may declare a length
 * of up to 4 GiB, which libhdf5 allocates and clears before reading the few bytes stored). */
static void limit_child(const char *path)
{
    signal(SIGALRM, SIG_DFL);
    const char *s = getenv("OPTDYN_H5CHECK_SECONDS");
    long sec = s && atol(s) > 0 ? atol(s) : H5CHECK_SECONDS;
    alarm((unsigned)sec);
#ifndef H5CHECK_ASAN
    struct stat st;
    struct rlimit rl;
    if (stat(path, &st) == 0 && getrlimit(RLIMIT_AS, &rl) == 0) {
        rlim_t want = mapped_now() + ((rlim_t)1 << 30);
        if ((rlim_t)st.st_size < (RLIM_INFINITY - want) / 16)
            want += 16 * (rlim_t)st.st_size;
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > want) {
            rl.rlim_cur = want;
            setrlimit(RLIMIT_AS, &rl);
        }
    }
#else
    (void)path;
#endif
}

/* Fork, walk the file in the child, collect its wait status and its reason (why, WHY_MAX bytes).
 * -1 when no child could be made. */
static int walk_in_child(const char *path, int *status, char *why)
{
    int fd[2];
    why[0] = '\0';
    pid_t pid = pipe(fd) == 0 ? fork() : -1;
    if (pid == 0) {
        close(fd[0]);
        limit_child(path);
        int rc = h5check_walk(path, why, WHY_MAX);
        if (rc != 0 && fd_write_all(fd[1], why, strlen(why)) < 0)
            _exit(4);
        _exit(rc == 0 ? 0 : 3);
    }
    if (pid < 0)
        return -1;
    close(fd[1]);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd[0], why + got, WHY_MAX - 1 - got)) != 0)
        if (n > 0)
            got += (size_t)n;
        else if (errno != EINTR)
            break;
    why[got] = '\0';
    close(fd[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

/* The check server: a process forked while the caller is still small, which forks one walker per
 * request. A fork copies the page tables of all the memory its process has touched, so a large
 * long-lived caller (a fuzzer under the sanitizers: 78 % of its time went to copy_page_range)
 * checks files far faster through it. Protocol: the caller writes a path length (uint32) and the
 * path; the server answers with the walker's wait status (int32), a length (uint32) and the
 * reason. The server ends when the request pipe closes. */
static int server_req = -1, server_resp = -1;
static pid_t server_pid;

static void serve(int req, int resp)
{
    char path[PATH_MAX_LEN + 1], why[WHY_MAX];
    uint32_t len;
    while (fd_read_all(req, &len, sizeof len) == 0 && len <= PATH_MAX_LEN &&
           fd_read_all(req, path, len) == 0) {
        path[len] = '\0';
        int status = 0;
        if (walk_in_child(path, &status, why) != 0) {
            status = 4 << 8;                       /* as a walker that could not report */
            why[0] = '\0';
        }
        int32_t st = status;
        uint32_t wl = (uint32_t)strlen(why);
        if (fd_write_all(resp, &st, sizeof st) || fd_write_all(resp, &wl, sizeof wl) ||
            fd_write_all(resp, why, wl))
            break;
    }
    _exit(0);
}

int h5check_server_start(void)
{
    int req[2], resp[2];
    if (server_pid > 0)
        return 0;
    if (pipe(req) != 0)
        return -1;
    if (pipe(resp) != 0) {
        close(req[0]);
        close(req[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(req[1]);
        close(resp[0]);
        serve(req[0], resp[1]);
    }
    close(req[0]);
    close(resp[1]);
    if (pid < 0) {
        close(req[1]);
        close(resp[0]);
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);            /* a dead server is seen as a failed write instead */
    server_pid = pid;
    server_req = req[1];
    server_resp = resp[0];
    return 0;
}

void h5check_server_stop(void)
{
    if (server_pid <= 0)
        return;
    close(server_req);
    close(server_resp);
    while (waitpid(server_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    server_pid = 0;
    server_req = server_resp = -1;
}

/* The walk through the server: 0 with status and why set, -1 when the server is gone. */
static int walk_by_server(const char *path, int *status, char *why)
{
    char full[PATH_MAX_LEN + 1], cwd[PATH_MAX_LEN];
    if (server_pid <= 0)
        return -1;
    if (path[0] != '/') {                /* the server's directory is the one at its start */
        if (!getcwd(cwd, sizeof cwd) ||
            snprintf(full, sizeof full, "%s/%s", cwd, path) >= (int)sizeof full)
            return -1;
        path = full;
    }
    uint32_t len = (uint32_t)strlen(path), wl;
    int32_t st;
    if (len > PATH_MAX_LEN)
        return -1;
    if (fd_write_all(server_req, &len, sizeof len) || fd_write_all(server_req, path, len) ||
        fd_read_all(server_resp, &st, sizeof st) || fd_read_all(server_resp, &wl, sizeof wl) ||
        wl >= WHY_MAX || fd_read_all(server_resp, why, wl)) {
        h5check_server_stop();
        return -1;
    }
    why[wl] = '\0';
    *status = st;
    return 0;
}

static int check_in_child(const char *path, char *err, size_t len)
{
    char why[WHY_MAX] = "";
    int status = 0;
    if (walk_by_server(path, &status, why) != 0 && walk_in_child(path, &status, why) != 0) {
        /* no child to spare: check in this process */
        if (h5check_walk(path, why, sizeof why) == 0)
            return 0;
        snprintf(err, len, "not a readable optdyn file: %s: %s", path, why);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        snprintf(err, len, "not a readable optdyn file: %s: %s", path, why);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(err, len, "not a readable optdyn file: %s: reading it did not finish within the "
                 "time limit (OPTDYN_H5CHECK_SECONDS)", path);
    else if (WIFSIGNALED(status))
        h5check_crash_reason(err, len, path, WTERMSIG(status));
    else
        snprintf(err, len, "not a readable optdyn file: %s: reading it failed (the check ended "
                 "with status %d)", path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return -1;
}

void h5check_crash_reason(char *err, size_t len, const char *path, int sig)
{
    snprintf(err, len, "not a readable optdyn file: %s: libhdf5 crashed reading it (signal %d, %s)",
             path, sig, strsignal(sig));
}

/* The last file checked (device, inode, size, modification and change times) and the verdict:
 * a command that opens one file several times (merge: its first shard; info then export in the
 * fuzzer) checks it once, and a file that costs the check its whole time limit costs it once. */
static struct stat checked;
static int have_checked, checked_rc;
static char checked_err[1024];

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int h5check_file(const char *path, char *err, size_t len)
{
    struct stat now;
    int known = stat(path, &now) == 0;
    if (known && have_checked && same_file(&now, &checked)) {
        if (checked_rc != 0)
            snprintf(err, len, "%s", checked_err);
        return checked_rc;
    }
    char why[sizeof checked_err] = "";
    int rc = check_in_child(path, why, sizeof why);
    if (rc != 0)
        snprintf(err, len, "%s", why);
    have_checked = known && stat(path, &checked) == 0 && same_file(&now, &checked);
    checked_rc = rc;
    snprintf(checked_err, sizeof checked_err, "%s", why);
    return rc;
}
