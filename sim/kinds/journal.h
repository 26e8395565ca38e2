/* sim/kinds/journal.h — an append-only file of finished sweep cells, so an interrupted sweep (even by
 * SIGKILL) can be resumed: each record is written with one write(2) and carries a checksum; a
 * torn last record is ignored. The header fingerprints the experiment, so a journal is never
 * applied to a different one. */
#ifndef OPTDYN_JOURNAL_H
#define OPTDYN_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct journal journal;

/* Called for every valid record found when resuming. */
typedef void (*journal_record_fn)(void *user, uint64_t cell, const double *values);

/* Open path for records of nvalues doubles. resume: replay the records of an existing journal
 * with the same fingerprint (a different fingerprint is OD_EINPUT), then append; otherwise
 * start empty. NULL on failure with err and *status set (OD_EIO when the file system fails;
 * a new journal that cannot be written is removed). */
journal *journal_open(const char *path, uint64_t fingerprint, size_t nvalues, int resume,
                      journal_record_fn fn, void *user, int *status, char *err, size_t len);
/* Append one record (thread-safe). A failed write is sticky (OD_EIO); the records before it
 * stay valid for a resume (a torn last record is ignored). */
int journal_append(journal *j, uint64_t cell, const double *values);
/* 1 with "writing journal 'PATH' failed: REASON" in err when an append failed, else 0. */
int journal_error(const journal *j, char *err, size_t len);
/* Close; unlink the file when remove is set (the sweep's output was committed). */
void journal_close(journal *j, int remove);

/* FNV-1a 64-bit hash, continued from h (start with JOURNAL_FNV_START). */
#define JOURNAL_FNV_START 0xcbf29ce484222325ULL
uint64_t journal_hash(uint64_t h, const void *data, size_t len);

#endif
