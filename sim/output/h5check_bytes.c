/* sim/output/h5check_bytes.c — a file's bytes mapped read-only once, shared by the raw readers of
 * the file check (superblock, object headers, global heaps) instead of each opening it again. */
#include "h5check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int h5check_bytes_map(const char *path, h5check_bytes *b, char *why, size_t len)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    b->m = NULL;
    b->n = 0;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, len, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (st.st_size > 0) {     /* mmap refuses length 0: an empty file is n = 0, m = NULL */
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            snprintf(why, len, "cannot map it: %s", strerror(errno));
            close(fd);
            return -1;
        }
        b->m = m;
        b->n = (size_t)st.st_size;
    }
    close(fd);
    return 0;
}

void h5check_bytes_unmap(h5check_bytes *b)
{
    if (b->m)
        munmap((void *)b->m, b->n);
    b->m = NULL;
    b->n = 0;
}
