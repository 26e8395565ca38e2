/* sim/kinds/flow_clock.c — a learning-rate schedule as a change of time for kind = flow: step k
 * advances the clock by dt(lr_k), t_k = sum_{j<=k} dt(lr_j), and runs stop at the step count K
 * whose clock comes nearest to [flow] time (docs/theory.md, "Schedules as a change of time"). */
#include "flow.h"
#include "../core/limits.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>

/* dt of step k at p (p->lr the peak, p->train.T resolved). */
static double step_dt(const opt_flow *f, const opt_params *p, long k)
{
    opt_params q = *p;
    q.lr = p->lr * opt_schedule_factor(&p->train, k);
    return f->time_step(&q);
}

void flow_clock_at(const opt_flow *f, const opt_params *p, size_t m, const long *ks, double *t)
{
    double now = 0.0;
    long k = 0;
    int scheduled = opt_train_scheduled(&p->train);
    double dt = f->time_step(p);
    for (size_t j = 0; j < m; j++) {
        if (!scheduled) {
            t[j] = (double)ks[j] * dt;
            continue;
        }
        for (; k < ks[j]; k++)
            now += step_dt(f, p, k + 1);
        t[j] = now;
    }
}

/* The clock at K steps with the schedule's length tied to K (T = K) unless it is fixed. */
static double clock_of(const opt_flow *f, opt_params *p, long K)
{
    p->train.T = p->train.length > 0 ? p->train.length : K;
    double t;
    flow_clock_at(f, p, 1, &K, &t);
    return t;
}

int flow_clock_steps(const opt_flow *f, opt_params *p, double time, long *steps, char *err,
                     size_t len)
{
    double dt = f->time_step(p);
    long K = lround(time / dt);
    *steps = K;
    if (!opt_train_scheduled(&p->train))
        return OD_OK;
    /* Fixed length: the clock grows with K, scan to the nearest step. Tied length (T = K): the
     * schedule's mean factor sets t_K ~ K dt mean(s); iterate K <- K time / t_K to a fixed point
     * (or a 2-cycle of rounding), keeping the nearest. */
    long best = K;
    double best_gap = INFINITY, cap = LIMITS_STEPS_MAX;
    if (p->train.length > 0) {
        p->train.T = p->train.length;
        double now = 0.0;
        long k = 0;
        while (now < time && k < cap) {
            double d = step_dt(f, p, k + 1);
            if (now + d / 2 >= time)
                break;
            now += d;
            k++;
            if (d <= 0.0 && k >= p->train.T)
                break;                           /* the schedule has ended at zero */
        }
        best = k;
        best_gap = fabs(now - time);
    } else {
        for (int it = 0; it < 64 && K >= 1 && K <= cap; it++) {
            if (K <= p->train.warmup) {
                K = p->train.warmup + 1;
                continue;
            }
            double tK = clock_of(f, p, K), gap = fabs(tK - time);
            if (gap < best_gap) {
                best_gap = gap;
                best = K;
            }
            long next = tK > 0.0 ? lround((double)K * time / tK) : -1;
            if (next == K || next < 1 || next == best)
                break;
            K = next;
        }
    }
    p->train.T = p->train.length > 0 ? p->train.length : best;
    *steps = best;
    if (!(best_gap <= dt)) {
        snprintf(err, len, "lr = %g: the schedule's clock sum_k dt(lr_k) cannot reach time = %g "
                 "within one peak step (nearest: %.6g after %ld steps); a schedule that ends "
                 "near zero before the time needs a longer schedule or a shorter time", p->lr,
                 time, clock_of(f, p, best), best);
        return OD_EDOM;
    }
    return OD_OK;
}
