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

/* A memo's key and value taken out of it, for a caller that changes parts of the value that the
 * key does not determine (and changes nothing else) and gives it back when done, instead of
 * copying it: the memo is empty meanwhile. */
typedef struct memo_block {
    double *key;          /* NULL: none */
    size_t nkey, bytes;
} memo_block;

/* thread_memo_find, then the block moves out of m into *b; the value is returned. */
void *thread_memo_take(thread_memo *m, const memo_part *parts, size_t np, size_t bytes, int *hit,
                       memo_block *b);
/* Back into m, replacing what m holds (the latest is the likeliest to be asked for again);
 * b is empty afterwards. */
void thread_memo_give(thread_memo *m, memo_block *b);

#endif
