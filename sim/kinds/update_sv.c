/* sim/kinds/update_sv.c — singular values of an update's matrix blocks (lowrank_svd: GSL's
 * one-sided Jacobi SVD, accurate for small singular values too): Muon's orthogonalized steps
 * have them all near one value, element-wise rules spread them like the gradient's. */
#include "update_sv.h"
#include "../core/lowrank.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t min_dim2(size_t r, size_t c) { return r < c ? r : c; }
static size_t min_dim(const problem_block *b) { return min_dim2(b->rows, b->cols); }

/* Scratch of block_sv for an r x c block: lowrank_svd's own, U and V. */
static size_t block_work(size_t r, size_t c)
{
    return lowrank_svd_work(r, c) + (r + c) * min_dim2(r, c);
}

/* Singular values of the r x c row-major block a into s (min(r, c), descending; NaN when a is
 * not finite); work: block_work(r, c) doubles. */
static int block_sv(const double *a, size_t r, size_t c, double *s, double *work)
{
    size_t q = min_dim2(r, c);
    for (size_t i = 0; i < r * c; i++)
        if (!isfinite(a[i])) {
            for (size_t k = 0; k < q; k++)
                s[k] = NAN;
            return OD_OK;
        }
    double *U = work, *V = U + r * q;
    return lowrank_svd(a, r, c, U, s, V, V + c * q);
}

int update_sv_open(update_sv *u, const problem *pb, long every, long steps)
{
    memset(u, 0, sizeof *u);
    if (every <= 0)
        return OD_OK;
    size_t most = 0;
    for (size_t i = 0; i < problem_block_count(pb); i++) {
        problem_block b = problem_block_at(pb, i, NULL);
        if (b.rows > 1 && b.cols > 1) {
            u->block[u->nmat++] = i;
            most = most > block_work(b.rows, b.cols) ? most : block_work(b.rows, b.cols);
        }
    }
    u->cap = (size_t)(steps / every);
    if (!u->nmat || !u->cap)
        return OD_OK;
    u->step = malloc(u->cap * sizeof *u->step);
    u->work = malloc(most * sizeof *u->work);
    int ok = u->step && u->work;
    for (size_t k = 0; k < u->nmat; k++) {
        problem_block b = problem_block_at(pb, u->block[k], NULL);
        ok &= (u->sv[k] = malloc(u->cap * min_dim(&b) * sizeof(double))) != NULL;
    }
    return ok ? OD_OK : OD_ENOMEM;
}

int update_sv_take(update_sv *u, const problem *pb, long t, const double *dx)
{
    if (u->m >= u->cap || !u->nmat)
        return OD_OK;
    for (size_t k = 0; k < u->nmat; k++) {
        size_t off;
        problem_block b = problem_block_at(pb, u->block[k], &off);
        int s = block_sv(dx + off, b.rows, b.cols, u->sv[k] + u->m * min_dim(&b), u->work);
        if (s != OD_OK)
            return s;
    }
    u->step[u->m++] = (double)t;
    return OD_OK;
}

int update_sv_write(const update_sv *u, rec *r, const char *group, const problem *pb)
{
    if (!u->m)
        return rec_status(r);
    char g[300], path[400], scale[400];
    snprintf(g, sizeof g, "%s/update_sv", group);
    rec_group(r, g);
    rec_attr_str(r, g, "description", "singular values (descending) of each matrix block of "
                 "the rule's update dx = x_t - x_(t-1) (before decoupled weight decay) at the "
                 "sampled steps; [run] update_sv_every");
    for (size_t k = 0; k < u->nmat; k++) {
        problem_block b = problem_block_at(pb, u->block[k], NULL);
        size_t q = min_dim(&b), dims[2] = { u->m, q };
        double *index = malloc(q * sizeof *index);
        if (!index)
            return OD_ENOMEM;
        for (size_t i = 0; i < q; i++)
            index[i] = (double)(i + 1);
        char bg[340];
        snprintf(bg, sizeof bg, "%s/%s", g, b.name);
        rec_group(r, bg);
        rec_attr_num(r, bg, "rows", (double)b.rows);
        rec_attr_num(r, bg, "cols", (double)b.cols);
        snprintf(path, sizeof path, "%s/step", bg);
        rec_array_int(r, path, 1, &u->m, u->step);
        snprintf(path, sizeof path, "%s/index", bg);
        rec_array_int(r, path, 1, &q, index);
        free(index);
        snprintf(path, sizeof path, "%s/sv", bg);
        rec_array(r, path, 2, dims, u->sv[k], NULL);
        snprintf(scale, sizeof scale, "%s/step", bg);
        rec_attach_scale(r, path, 0, scale);
        snprintf(scale, sizeof scale, "%s/index", bg);
        rec_attach_scale(r, path, 1, scale);
    }
    return rec_status(r);
}

void update_sv_free(update_sv *u)
{
    free(u->step);
    free(u->work);
    for (size_t k = 0; k < u->nmat; k++)
        free(u->sv[k]);
    memset(u, 0, sizeof *u);
}
