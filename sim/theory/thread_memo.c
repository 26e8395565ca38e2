/* sim/theory/thread_memo.c — one key and value per memo (thread_memo.h): comparing a key costs a
 * memcmp of what it covers, far less than recomputing the per-coordinate facts it stands for. */
#include "thread_memo.h"

#include <stdlib.h>
#include <string.h>

/* The value starts on an even count of doubles: 16-byte aligned, like malloc (long double). */
static size_t value_at(size_t nkey) { return (nkey + 1) / 2 * 2; }

static int same_key(const thread_memo *m, const memo_part *parts, size_t np, size_t nkey)
{
    if (!m->key || m->nkey != nkey)
        return 0;
    const double *k = m->key;
    for (size_t j = 0; j < np; k += parts[j].n, j++)
        if (memcmp(k, parts[j].v, parts[j].n * sizeof *k) != 0)
            return 0;
    return 1;
}

void *thread_memo_find(thread_memo *m, const memo_part *parts, size_t np, size_t bytes, int *hit)
{
    size_t nkey = 0;
    for (size_t j = 0; j < np; j++)
        nkey += parts[j].n;
    *hit = same_key(m, parts, np, nkey) && m->bytes == bytes;
    if (*hit)
        return m->key + value_at(nkey);
    if (m->nkey != nkey || m->bytes != bytes) {
        thread_memo_forget(m);
        if (!(m->key = malloc(value_at(nkey) * sizeof(double) + bytes + 1)))
            return NULL;
        m->nkey = nkey;
        m->bytes = bytes;
    }
    double *k = m->key;
    for (size_t j = 0; j < np; k += parts[j].n, j++)
        memcpy(k, parts[j].v, parts[j].n * sizeof *k);
    return m->key + value_at(nkey);
}

void *thread_memo_take(thread_memo *m, const memo_part *parts, size_t np, size_t bytes, int *hit,
                       memo_block *b)
{
    void *v = thread_memo_find(m, parts, np, bytes, hit);
    *b = v ? (memo_block){ m->key, m->nkey, m->bytes } : (memo_block){ NULL, 0, 0 };
    if (v)
        m->key = NULL, m->nkey = m->bytes = 0;
    return v;
}

void thread_memo_give(thread_memo *m, memo_block *b)
{
    if (!b->key)
        return;
    thread_memo_forget(m);
    m->key = b->key, m->nkey = b->nkey, m->bytes = b->bytes;
    *b = (memo_block){ NULL, 0, 0 };
}

void thread_memo_forget(thread_memo *m)
{
    free(m->key);
    m->key = NULL;
    m->nkey = m->bytes = 0;
}
