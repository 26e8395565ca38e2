/* sim/kinds/registry.c — the list of experiment kinds known to configs, `optdyn run`, `merge` and
 * `list`. A new kind is its own file(s) plus one line here. */
#include "kind.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const kind_type kind_trajectory, kind_sweep, kind_flow, kind_onestep, kind_scaling;

const kind_type *const kind_types[] = {
    &kind_trajectory, &kind_sweep, &kind_flow, &kind_onestep, &kind_scaling, NULL,
};

const kind_type *kind_lookup(const char *name)
{
    for (size_t i = 0; kind_types[i]; i++)
        if (strcasecmp(kind_types[i]->name, name) == 0)
            return kind_types[i];
    return NULL;
}

void kind_names(char *buf, size_t len, const char *sep)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; kind_types[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? sep : "", kind_types[i]->name);
}
