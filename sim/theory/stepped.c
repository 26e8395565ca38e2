/* sim/theory/stepped.c — the driver of stepped exact engines (stepped.h): walk the moments forward
 * from step 0 and report the loss, first crossings and divergence. */
#include "stepped.h"

#include <math.h>

double stepped_loss_at(const stepped *s, long k)
{
    if (k < *s->k)
        s->restart(s->e);
    while (*s->k < k)
        s->step(s->e);
    return s->loss(s->e);
}

void stepped_scan(const stepped *s, size_t nt, const double *targets, double factor,
                  long max_steps, double *steps, long *diverged, double *final)
{
    size_t open = nt;
    for (size_t t = 0; t < nt; t++)
        steps[t] = -1.0;
    *diverged = -1;
    s->restart(s->e);
    for (;;) {
        double L = s->loss(s->e);
        for (size_t t = 0; t < nt; t++)
            if (steps[t] < 0 && L <= targets[t]) {
                steps[t] = (double)*s->k;
                open--;
            }
        if (!(L <= factor * s->loss0)) {          /* NaN counts as diverged */
            *diverged = *s->k;
            break;
        }
        if (open == 0 || *s->k >= max_steps)
            break;
        s->step(s->e);
    }
    *final = s->loss(s->e);
}

long stepped_steps(const stepped *s, double target, long max_steps, double *frac)
{
    s->restart(s->e);
    double prev = NAN, L = s->loss(s->e);
    *frac = INFINITY;
    while (!(L <= target)) {
        if (*s->k >= max_steps || !isfinite(L))
            return -1;
        prev = L;
        s->step(s->e);
        L = s->loss(s->e);
    }
    /* crossing of log L between k-1 and k: k-1 + (log prev - log target)/(log prev - log L) */
    double t = (log(prev) - log(target)) / (log(prev) - log(L));
    long k = *s->k;
    *frac = k == 0 ? 0.0 : (double)(k - 1) + (isfinite(t) && t >= 0 && t <= 1 ? t : 1.0);
    return k;
}

long stepped_diverged_at(const stepped *s, double factor, long max_steps)
{
    s->restart(s->e);
    for (;;) {
        double L = s->loss(s->e);
        if (!(L <= factor * s->loss0))
            return *s->k;
        if (*s->k >= max_steps)
            return -1;
        s->step(s->e);
    }
}
