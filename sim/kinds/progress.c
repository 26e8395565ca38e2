/* sim/kinds/progress.c — the work meter every kind reports its progress through, the ETA from
 * measured throughput of expected work, and the per-step cost model the kinds weight units by. */
#include "progress.h"

#include <math.h>

void work_meter_init(work_meter *m, sim_progress_fn fn, void *user, const char *what,
                     size_t total, double work_total)
{
    m->fn = fn;
    m->user = user;
    m->p = (sim_progress){ what, 0, total, 0.0, work_total };
}

void work_meter_unit(work_meter *m, const char *what, size_t total)
{
#pragma omp critical(optdyn_progress)
    {
        m->p.what = what;
        m->p.done = 0;
        m->p.total = total;
    }
}

void work_meter_add(work_meter *m, size_t units, double work)
{
#pragma omp critical(optdyn_progress)
    {
        m->p.done += units;
        m->p.work_done += work;
        if (m->fn)
            m->fn(m->user, &m->p);
    }
}

void work_meter_skip(work_meter *m, size_t units, double work)
{
#pragma omp critical(optdyn_progress)
    {
        m->p.done += units;
        m->p.work_total -= work;
    }
}

double progress_eta(double elapsed, double work_start, double work_done, double work_total)
{
    double measured = work_done - work_start;
    if (!(measured > 0.0) || !(elapsed > 0.0))
        return -1.0;
    return fmax(work_total - work_done, 0.0) * elapsed / measured;
}

double work_of_step(const problem *pb, double B)
{
    double m = 0.0;
    if (pb->noise == PROBLEM_NOISE_SAMPLE)
        m = fmin(B, (double)pb->examples);
    else if (pb->noise == PROBLEM_NOISE_STREAM && isfinite(B))
        m = B;
    return (double)pb->n * (1.0 + m);
}

double work_of_loss(const problem *pb)
{
    return (double)pb->n * (1.0 + (double)pb->examples);
}
