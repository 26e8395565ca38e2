/* sim/output/out_claim.h — claiming an output path before any work: the name must be a writable
 * file in an existing folder, and only one optdyn process may write it at a time. */
#ifndef OPTDYN_OUT_CLAIM_H
#define OPTDYN_OUT_CLAIM_H

#include <stddef.h>

typedef struct out_claim out_claim;

/* Check path and lock it. Refused (OD_EINPUT, err says why): an empty name, a name ending in
 * '/', an existing directory or other non-regular file, a missing or non-folder parent, a
 * folder where PATH.lock cannot be created, and a path another live process holds ("another
 * optdyn run is writing PATH (pid N)"). The lock is flock(2) on PATH.lock (which holds the
 * owner's pid): the kernel drops it when its owner dies, even by SIGKILL, so a lock file left
 * by a dead process is stale and taken over. NULL on failure with *status set. */
out_claim *out_claim_take(const char *path, int *status, char *err, size_t len);

/* Unlink PATH.lock and drop the lock; out_claim_release(NULL) is a no-op. */
void out_claim_release(out_claim *c);

/* The lock file's path ("PATH.lock"), e.g. for a signal handler that unlinks it. */
const char *out_claim_lock_path(const out_claim *c);

#endif
