/* sim/theory/thread_memo.h — the last value computed by this thread from a key of doubles, kept
 * so that the exact sweeps' cells, which ask for the same per-coordinate facts again, reuse it. */
#ifndef OPTDYN_THREAD_MEMO_H
#define OPTDYN_THREAD_MEMO_H

#include <stddef.h>

/* One memo; declare it static _Thread_local, zero-initialized. */
typedef struct thread_memo {
    double *key;          /* the key's doubles, then the value */
    size_t nkey, bytes;
} thread_memo;

/* A part of a key: n doubles (compared by their bits). */
typedef struct memo_part {
    const double *v;
    size_t n;
} memo_part;

/* Storage of `bytes` for the value of the key made of parts[0..np): *hit = 1 when it holds the
 * value of this key (as filled after an earlier call), else 0 and the caller fills it (and calls
 * thread_memo_forget if it cannot). NULL when out of memory. */
void *thread_memo_find(thread_memo *m, const memo_part *parts, size_t np, size_t bytes, int *hit);
void thread_memo_forget(thread_memo *m);

#endif
