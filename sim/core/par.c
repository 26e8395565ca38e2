/* sim/core/par.c — process-group queries; with OPTDYN_MPI defined they map to MPI_COMM_WORLD.
 * Threads inside a rank call MPI one at a time (MPI_THREAD_SERIALIZED). */
#include "par.h"

#include <stdlib.h>

#ifdef OPTDYN_MPI
#include <mpi.h>

void par_init(int *argc, char ***argv)
{
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
}

void par_finalize(void) { MPI_Finalize(); }

int par_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void)
{
    int s;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}


int par_all(int ok)
{
    int all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all;
}

#else

void par_init(int *argc, char ***argv) { (void)argc; (void)argv; }
void par_finalize(void) {}
int par_rank(void) { return 0; }
int par_size(void) { return 1; }
int par_all(int ok) { return ok; }

#endif
