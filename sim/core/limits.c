/* sim/core/limits.c — the memory cap (OPTDYN_MAX_MEMORY or physical memory) and the step cap, with
 * the messages that say which derived count broke which. */
#include "limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

double limits_memory(void)
{
    const char *env = getenv("OPTDYN_MAX_MEMORY");
    if (env && *env) {
        char *end;
        double v = strtod(env, &end);
        if (!*end && v > 0 && isfinite(v))
            return v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 1e12;
}

int limits_bytes_misfit(double count, double each, const char *what, char *why, size_t len)
{
    double bytes = count * each, cap = limits_memory();
    if (bytes <= cap)
        return 0;
    snprintf(why, len, "%s need %.3g bytes (%.6g x %.6g), more than the memory cap of %.3g bytes "
             "(%s)", what, bytes, count, each, cap,
             getenv("OPTDYN_MAX_MEMORY") ? "OPTDYN_MAX_MEMORY" : "this machine's memory");
    return 1;
}

int limits_steps_misfit(double steps, const char *what, char *why, size_t len)
{
    if (steps <= LIMITS_STEPS_MAX)
        return 0;
    snprintf(why, len, "%s = %.3g steps, more than the %.0e a run may take", what, steps,
             LIMITS_STEPS_MAX);
    return 1;
}
