/* sim/core/status.c — message table for the status codes of sim/status.h.
 * Generated from the same X-macro list as the enum. */
#include "status.h"

static const char *const od_messages[] = {
#define OD_STATUS_MSG(code, msg) msg,
    OD_STATUS_LIST(OD_STATUS_MSG)
#undef OD_STATUS_MSG
};

const char *od_strerror(int status)
{
    if (status < 0 || status >= OD_STATUS_COUNT)
        return "unknown status";
    return od_messages[status];
}
