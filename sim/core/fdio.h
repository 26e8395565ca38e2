/* sim/core/fdio.h — whole-buffer reads and writes on a file descriptor, retried over short
 * transfers and EINTR (the journal's records, the file-check server's pipe). */
#ifndef OPTDYN_FDIO_H
#define OPTDYN_FDIO_H

#include <stddef.h>

/* 0 once all len bytes are written, -1 on an error (errno set) or a write of 0 bytes. */
int fd_write_all(int fd, const void *buf, size_t len);
/* 0 once all len bytes are read, -1 on an error or end of file before them. */
int fd_read_all(int fd, void *buf, size_t len);

#endif
