/* sim/input/grid.h — grid expressions for sweep axes: comma-separated terms, each a number, `inf`,
 * pow2(a,b), logspace(a,b,n), linspace(a,b,n), or `K - term` (e.g. 1 - logspace(-5,0,20)). */
#ifndef OPTDYN_GRID_H
#define OPTDYN_GRID_H

#include <stddef.h>

#include "param.h"

/* Expand text into out (at most PARAM_LIST_MAX values). Returns OD_OK, or OD_EINPUT with why
 * saying what was expected. Infinite values only when allow_inf. */
int grid_parse(const char *text, int allow_inf, param_list *out, char *why, size_t len);

#endif
