/* sim/core/status.h — the one list of status codes returned by library functions.
 * X-macro: the same list yields the enum and the message table, so they never drift apart. */
#ifndef OPTDYN_STATUS_H
#define OPTDYN_STATUS_H

#define OD_STATUS_LIST(X)                                               \
    X(OD_OK,       "success")                                           \
    X(OD_EINPUT,   "invalid input")                                     \
    X(OD_ENOMEM,   "out of memory")                                     \
    X(OD_EIO,      "input/output error")                                \
    X(OD_EDOM,     "argument outside the domain of the function")       \
    X(OD_ENOTSUP,  "operation not supported by this problem or optimizer")

typedef enum {
#define OD_STATUS_ENUM(code, msg) code,
    OD_STATUS_LIST(OD_STATUS_ENUM)
#undef OD_STATUS_ENUM
    OD_STATUS_COUNT
} od_status;

/* Human-readable message for a status code ("unknown status" when out of range). */
const char *od_strerror(int status);

#endif
