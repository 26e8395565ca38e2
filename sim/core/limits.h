/* sim/core/limits.h — caps on the counts and sizes that follow from user numbers (steps = time/lr,
 * cells x targets, batch sizes x dim, paths, ...), checked before any allocation or work. */
#ifndef OPTDYN_LIMITS_H
#define OPTDYN_LIMITS_H

#include <stddef.h>

/* The most steps any run may take (the upper bound of [run] steps and [sweep] max_steps). */
#define LIMITS_STEPS_MAX 1e15

/* Bytes one experiment's arrays may take: the environment variable OPTDYN_MAX_MEMORY (a number
 * of bytes) when set and valid, else this machine's physical memory. */
double limits_memory(void);

/* 1 with why ("WHAT need N bytes (COUNT x EACH), more than ...") when count items of each bytes
 * exceed limits_memory(); counts are doubles, so no product can wrap. Else 0. */
int limits_bytes_misfit(double count, double each, const char *what, char *why, size_t len);

/* 1 with why when steps is not a finite count <= LIMITS_STEPS_MAX ("WHAT = N steps, ..."). */
int limits_steps_misfit(double steps, const char *what, char *why, size_t len);

#endif
