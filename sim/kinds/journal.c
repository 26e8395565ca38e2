/* sim/kinds/journal.c — crash-safe record of finished sweep cells. Layout: header
 * [magic "ODJOURN1" | fingerprint | nvalues], then records [cell | values... | checksum], all
 * 8-byte words; checksum = FNV-1a of the record's preceding bytes. */
#include "journal.h"
#include "../core/fdio.h"
#include "../core/status.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct journal {
    int fd;
    char *path;
    size_t nvalues;
    pthread_mutex_t lock;
    int status;
    int sys_errno;          /* why the first failed append failed */
};

static const char magic[8] = { 'O', 'D', 'J', 'O', 'U', 'R', 'N', '1' };

uint64_t journal_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Replay valid records; returns the offset just past the last valid one, or -1 on a
 * fingerprint mismatch. */
static long replay(int fd, uint64_t fingerprint, size_t nvalues, journal_record_fn fn, void *user)
{
    uint64_t head[3];
    if (read(fd, head, sizeof head) != (ssize_t)sizeof head || memcmp(head, magic, 8) != 0)
        return 0;
    if (head[1] != fingerprint || head[2] != nvalues)
        return -1;
    size_t words = nvalues + 2;
    uint64_t *rec = malloc(words * sizeof *rec);
    long end = (long)sizeof head;
    while (rec && read(fd, rec, words * 8) == (ssize_t)(words * 8)) {
        if (journal_hash(JOURNAL_FNV_START, rec, (words - 1) * 8) != rec[words - 1])
            break;
        double *v = malloc(nvalues * sizeof *v);
        if (!v)
            break;
        memcpy(v, rec + 1, nvalues * sizeof *v);
        fn(user, rec[0], v);
        free(v);
        end += (long)(words * 8);
    }
    free(rec);
    return end;
}

journal *journal_open(const char *path, uint64_t fingerprint, size_t nvalues, int resume,
                      journal_record_fn fn, void *user, int *status, char *err, size_t len)
{
    journal *j = calloc(1, sizeof *j);
    *status = OD_ENOMEM;
    if (!j || !(j->path = strdup(path))) {
        free(j);
        snprintf(err, len, "out of memory");
        return NULL;
    }
    j->nvalues = nvalues;
    pthread_mutex_init(&j->lock, NULL);
    j->fd = open(path, O_RDWR | O_CREAT | (resume ? 0 : O_TRUNC), 0644);
    *status = OD_EIO;
    if (j->fd < 0) {
        snprintf(err, len, "cannot open journal '%s': %s", path, strerror(errno));
        goto fail;
    }
    long end = resume ? replay(j->fd, fingerprint, nvalues, fn, user) : 0;
    if (end < 0) {
        *status = OD_EINPUT;
        snprintf(err, len, "'%s' belongs to a different experiment (file, --set or version "
                 "changed): remove it or run without --resume", path);
        goto fail;
    }
    if (end == 0) {
        uint64_t head[3] = { 0, fingerprint, nvalues };
        memcpy(head, magic, 8);
        if (ftruncate(j->fd, 0) != 0 || lseek(j->fd, 0, SEEK_SET) != 0 ||
            fd_write_all(j->fd, head, sizeof head) != 0) {
            snprintf(err, len, "cannot write journal '%s': %s", path, strerror(errno));
            unlink(path);            /* holds no cell: nothing for --resume to keep */
            goto fail;
        }
    } else if (ftruncate(j->fd, end) != 0 || lseek(j->fd, end, SEEK_SET) != end) {
        snprintf(err, len, "cannot truncate journal '%s': %s", path, strerror(errno));
        goto fail;
    }
    *status = OD_OK;
    return j;
fail:
    if (j->fd >= 0)
        close(j->fd);
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j);
    return NULL;
}

int journal_append(journal *j, uint64_t cell, const double *values)
{
    size_t words = j->nvalues + 2;
    uint64_t *rec = malloc(words * sizeof *rec);
    if (!rec)
        return OD_ENOMEM;
    rec[0] = cell;
    memcpy(rec + 1, values, j->nvalues * sizeof *values);
    rec[words - 1] = journal_hash(JOURNAL_FNV_START, rec, (words - 1) * 8);
    pthread_mutex_lock(&j->lock);
    if (j->status == OD_OK && fd_write_all(j->fd, rec, words * 8) != 0) {
        j->status = OD_EIO;
        j->sys_errno = errno ? errno : EIO;
    }
    int status = j->status;
    pthread_mutex_unlock(&j->lock);
    free(rec);
    return status;
}

int journal_error(const journal *j, char *err, size_t len)
{
    if (!j || j->status == OD_OK)
        return 0;
    snprintf(err, len, "writing journal '%s' failed: %s", j->path, strerror(j->sys_errno));
    return 1;
}

void journal_close(journal *j, int remove)
{
    if (!j)
        return;
    close(j->fd);
    if (remove)
        unlink(j->path);
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j);
}
