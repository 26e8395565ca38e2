/* sim/core/par.h — the process group a run belongs to: MPI_COMM_WORLD in an MPI build (make MPI=1),
 * a group of one otherwise. Only rank 0 reads the journal, prints and writes files. */
#ifndef OPTDYN_PAR_H
#define OPTDYN_PAR_H

/* Initialise (MPI_Init_thread, serialized threads) and finalise; no-ops without MPI. */
void par_init(int *argc, char ***argv);
void par_finalize(void);
int par_rank(void);
int par_size(void);
/* Collective: 1 when ok is true on every rank (call it where only some ranks can fail). */
int par_all(int ok);

#endif
