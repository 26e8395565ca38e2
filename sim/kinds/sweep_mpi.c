/* sim/kinds/sweep_mpi.c — sweep cells over MPI ranks (make MPI=1): rank 0 owns the journal and the
 * results; every rank (and every thread in it) takes the next pending cell from a shared counter
 * on rank 0 (MPI_Fetch_and_op), so expensive cells never hold up a static partition; workers
 * send each finished cell to rank 0, which journals it as it arrives. Cell results do not depend
 * on which rank computed them, so the output equals the serial run's byte for byte. */
#include "sweep_internal.h"

#ifdef OPTDYN_MPI
#include <mpi.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/par.h"
#include "../core/status.h"

enum { TAG_RESULT = 17 };

typedef struct mpi_run {
    sweep_result *res;
    journal *j;
    const config *c;
    const problem *pb;
    work_meter *wm;
    size_t stored;
    int status;
} mpi_run;

/* Rank 0: a record [cell, status, values...] from any rank (or itself). */
static void accept(mpi_run *m, const double *r)
{
    size_t cell = (size_t)r[0];
    int s = (int)r[1];
    if (s == OD_OK)
        s = journal_append(m->j, cell, r + 2);
    if (s == OD_OK)
        sweep_store(m->res, cell, r + 2);
    else if (m->status == OD_OK)
        m->status = s;
    m->stored++;
    if (s == OD_OK)
        work_meter_add(m->wm, 1, sweep_cell_work(m->c, m->pb, m->res, cell));
}

/* Rank 0: take every record already waiting (blocking for at least one when wait is set). */
static void drain(mpi_run *m, double *buf, int count, int wait)
{
    for (;;) {
        int flag = 0;
        if (wait)
            flag = 1;
        else
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (!flag)
            return;
        MPI_Recv(buf, count, MPI_DOUBLE, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        accept(m, buf);
        wait = 0;
    }
}

int sweep_mpi(const config *c, const problem *pb, const sweep_run_opts *opt, sweep_result *res,
              journal *j, size_t *todo, size_t ntodo, const double *s0, work_meter *wm,
              int status)
{
    int rank = par_rank();
    unsigned long long n = rank == 0 ? (status == OD_OK ? ntodo : UINT64_MAX) : 0;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (n == UINT64_MAX)
        return rank == 0 ? status : OD_EIO;
    int count = (int)res->T + 4;        /* cell, status, steps[T], final loss, diverged at */
    /* Every buffer up front, so that running out of memory is a collective, orderly failure. */
    unsigned long long *cells = malloc((n + 1) * sizeof *cells);
    double *bufs = malloc(2 * (size_t)opt->threads * (size_t)count * sizeof *bufs);
    if (!par_all(cells && bufs)) {
        free(cells);
        free(bufs);
        return OD_ENOMEM;
    }
    for (size_t i = 0; rank == 0 && i < n; i++)
        cells[i] = todo[i];
    MPI_Bcast(cells, (int)n, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);

    long long *counter;
    MPI_Win win;
    MPI_Win_allocate(rank == 0 ? sizeof(long long) : 0, sizeof(long long), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &counter, &win);
    if (rank == 0)
        *counter = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win);

    mpi_run m = { res, j, c, pb, wm, 0, OD_OK };
#pragma omp parallel num_threads(opt->threads)
    {
        double *buf = bufs + 2 * (size_t)omp_get_thread_num() * (size_t)count, *in = buf + count;
        for (;;) {
            long long one = 1, k;
#pragma omp critical(optdyn_mpi)
            {
                MPI_Fetch_and_op(&one, &k, MPI_LONG_LONG, 0, 0, MPI_SUM, win);
                MPI_Win_flush(0, win);
            }
            if (k >= (long long)n)
                break;
            buf[0] = (double)cells[k];
            buf[1] = sweep_cell(c, pb, s0, (size_t)cells[k], res, buf + 2, buf + 2 + res->T,
                                buf + 3 + res->T);
#pragma omp critical(optdyn_mpi)
            {
                if (rank == 0) {
                    accept(&m, buf);
                    drain(&m, in, count, 0);
                } else {
                    MPI_Send(buf, count, MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD);
                }
            }
        }
    }
    while (rank == 0 && m.stored < n)
        drain(&m, bufs, count, 1);
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    free(cells);
    free(bufs);
    MPI_Bcast(&m.status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return m.status;
}

#endif
