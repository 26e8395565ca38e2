/* sim/output/out_claim.c — output path checks and the one-writer lock (flock on PATH.lock, with
 * the owner's pid inside for the message a second writer gets). */
#include "out_claim.h"
#include "../core/status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct out_claim {
    int fd;
    char *lock;
};

/* The folder part of path ("." for a bare name) into buf. */
static void folder_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/* Why path cannot name an output file, or NULL when it can. */
static const char *bad_path(const char *path, char *why, size_t len)
{
    struct stat st;
    char dir[4096];
    if (!*path)
        return "empty file name";
    if (path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return "is a directory (expected a file name)";
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return "exists and is not a regular file";
    folder_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0) {
        snprintf(why, len, "folder '%s' %s", dir,
                 errno == ENOENT ? "does not exist" : strerror(errno));
        return why;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, len, "'%s' is not a folder", dir);
        return why;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(why, len, "cannot write in folder '%s': %s", dir, strerror(errno));
        return why;
    }
    return NULL;
}

/* The pid written in a held lock file (0 when unreadable). */
static long holder(int fd)
{
    char buf[32] = { 0 };
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

out_claim *out_claim_take(const char *path, int *status, char *err, size_t len)
{
    char why[4200];
    const char *bad = bad_path(path, why, sizeof why);
    *status = OD_EINPUT;
    if (bad) {
        snprintf(err, len, "%s", bad);
        return NULL;
    }
    out_claim *c = calloc(1, sizeof *c);
    size_t n = strlen(path) + 6;
    if (!c || !(c->lock = malloc(n))) {
        free(c);
        *status = OD_ENOMEM;
        snprintf(err, len, "out of memory");
        return NULL;
    }
    snprintf(c->lock, n, "%s.lock", path);
    /* Retry while the file we locked is no longer the one at c->lock (its owner unlinked it
     * between our open and our flock). */
    int attempt;
    for (attempt = 0; attempt < 100; attempt++) {
        c->fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (c->fd < 0) {
            snprintf(err, len, "cannot create '%s': %s", c->lock, strerror(errno));
            break;
        }
        if (flock(c->fd, LOCK_EX | LOCK_NB) != 0) {
            long pid = errno == EWOULDBLOCK ? holder(c->fd) : 0;
            if (errno == EWOULDBLOCK)
                snprintf(err, len, "another optdyn run is writing %s (pid %ld; lock file %s)",
                         path, pid, c->lock);
            else
                snprintf(err, len, "cannot lock '%s': %s", c->lock, strerror(errno));
            break;
        }
        struct stat held, named;
        if (fstat(c->fd, &held) == 0 && stat(c->lock, &named) == 0 &&
            held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
            char pid[32];
            int m = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(c->fd, 0) != 0 || pwrite(c->fd, pid, (size_t)m, 0) != m) {
                *status = OD_EIO;
                snprintf(err, len, "cannot write '%s': %s", c->lock, strerror(errno));
                unlink(c->lock);
                break;
            }
            *status = OD_OK;
            return c;
        }
        close(c->fd);
        c->fd = -1;
    }
    if (attempt < 100 && c->fd >= 0)
        close(c->fd);
    if (attempt == 100) {
        *status = OD_EIO;
        snprintf(err, len, "cannot lock '%s': it keeps being replaced", c->lock);
    }
    free(c->lock);
    free(c);
    return NULL;
}

void out_claim_release(out_claim *c)
{
    if (!c)
        return;
    unlink(c->lock);          /* while still holding the lock: see out_claim_take's retry */
    close(c->fd);
    free(c->lock);
    free(c);
}

const char *out_claim_lock_path(const out_claim *c)
{
    return c->lock;
}
