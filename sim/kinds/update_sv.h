/* sim/kinds/update_sv.h — the singular values of one optimizer update dx per matrix block,
 * sampled every k steps of a trajectory ([run] update_sv_every) and written beside it. */
#ifndef OPTDYN_UPDATE_SV_H
#define OPTDYN_UPDATE_SV_H

#include "../core/problem.h"
#include "../output/rec.h"

typedef struct update_sv {
    size_t nmat;                        /* matrix blocks (rows, cols > 1) */
    size_t block[PROBLEM_MAX_BLOCKS];   /* their indices in the problem's layout */
    size_t m, cap;                      /* samples taken, room for */
    double *step;                       /* [cap] steps */
    double *sv[PROBLEM_MAX_BLOCKS];     /* [cap][min(rows, cols)] per matrix block, descending */
    double *work;
} update_sv;

/* Room for the samples at every-th step of steps (every 0: none, nothing allocated). OD_OK or
 * OD_ENOMEM; the problem may have no matrix block (then nothing is recorded). */
int update_sv_open(update_sv *u, const problem *pb, long every, long steps);
/* Singular values of each matrix block of dx (n values, the rule's update at step t). */
int update_sv_take(update_sv *u, const problem *pb, long t, const double *dx);
/* group/update_sv/BLOCK/{step, index, sv} (sv: samples x min(rows, cols), scales step, index). */
int update_sv_write(const update_sv *u, rec *r, const char *group, const problem *pb);
void update_sv_free(update_sv *u);

#endif
