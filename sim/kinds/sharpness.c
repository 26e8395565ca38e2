/* sim/kinds/sharpness.c — the trajectory's sharpness probe: S_1 >= ... >= S_k, the top eigenvalues
 * of H(x_t) from the problem's exact Hessian-vector products (sim/core/lanczos.c), warm-started
 * from the previous probe's eigenvectors; for rules with a diagonal preconditioner P (opt_type
 * precond) also those of P^-1 H, computed as the similar symmetric P^-1/2 H P^-1/2. */
#include "sharpness.h"
#include "../core/lanczos.h"
#include "../core/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sharp_probe_open(sharp_probe *sp, const problem *pb, const opt_type *type,
                     const opt_params *p, size_t k, size_t m, double tol, rec *r,
                     const char *group)
{
    size_t n = pb->n;
    m = m < n ? m : n;
    k = k < m ? k : m;
    *sp = (sharp_probe){ .pb = pb, .type = type, .n = n, .k = k, .m = m, .tol = tol };
    sp->work = malloc(lanczos_work_size(n, m) * sizeof(double));
    sp->vec = calloc(2 * k * n + 2 * k + 3 * n, sizeof(double));
    if (!sp->work || !sp->vec) {
        free(sp->work), free(sp->vec);
        sp->work = sp->vec = NULL;
        return OD_ENOMEM;
    }
    sp->pvec = sp->vec + k * n;
    sp->eval = sp->pvec + k * n;
    sp->peval = sp->eval + k;
    sp->d = sp->peval + k;
    sp->tmp = sp->d + n;
    sp->start = sp->tmp + n;
    snprintf(sp->path, sizeof sp->path, "%s/sharpness", group);
    rec_column cols[5] = {
        { "step", 1, 1, NULL, "optimizer step t of the probe" },
        { "sharpness", k, 0, NULL, "top eigenvalues S_1 >= ... >= S_k of the Hessian H(x_t)" },
        { "iterations", 1, 1, NULL, "Lanczos iterations (Hessian-vector products) of the probe" },
    };
    size_t nc = 3;
    if (type->precond) {
        cols[nc++] = (rec_column){ "precond_sharpness", k, 0, NULL, "top eigenvalues of P^-1 H(x_t), "
                                   "P the optimizer's diagonal preconditioner after step t" };
        cols[nc++] = (rec_column){ "precond_iterations", 1, 1, NULL,
                                   "Lanczos iterations of the preconditioned probe" };
    }
    if (!(sp->tab = rec_table_open(r, sp->path, nc, cols)))
        return rec_status(r);
    double edge = opt_edge(type, p);
    rec_attr_num(r, sp->path, "two_over_lr", 2.0 / p->lr);
    rec_attr_num(r, sp->path, "edge", edge);
    rec_attr_str(r, sp->path, "edge_of", type->precond ? "precond_sharpness" : "sharpness");
    rec_attr_str(r, sp->path, "edge_formula", type->edge ? "the optimizer's own stability "
                 "threshold at its base lr (opt_type edge)" : "2/lr (gradient descent)");
    rec_attr_int(r, sp->path, "k", (long)k);
    rec_attr_int(r, sp->path, "max_iterations", (long)m);
    rec_attr_num(r, sp->path, "tol", tol);
    rec_attr_str(r, sp->path, "method", "Lanczos with full reorthogonalization on exact "
                 "Hessian-vector products, warm-started from the previous probe's eigenvectors; "
                 "converged when every Ritz residual |H u - theta u| <= tol max|theta|");
    return OD_OK;
}

/* Top-k of D H D (D = d or I) into eval/vec, warm-started from vec when warm. */
static int top(sharp_probe *sp, const double *x, const double *d, double *eval, double *vec,
               int warm, double *iters)
{
    lanczos_hessian h = { sp->pb, x, d, sp->tmp };
    memset(sp->start, 0, sp->n * sizeof *sp->start);
    for (size_t i = 0; warm && i < sp->k; i++)
        for (size_t l = 0; l < sp->n; l++)
            sp->start[l] += vec[i * sp->n + l];
    lanczos_info info;
    int status = lanczos_top(sp->n, sp->k, sp->m, lanczos_hessian_op, &h, warm ? sp->start : NULL,
                             sp->tol, sp->work, eval, vec, &info);
    *iters = (double)info.iters;
    if (status == OD_EDOM)      /* not converged within m iterations: the best Ritz values */
        status = OD_OK;
    return status;
}

int sharp_probe_at(sharp_probe *sp, const replicate *rep)
{
    double step = (double)rep->t, it = 0.0, pit = 0.0;
    int status = top(sp, rep->x, NULL, sp->eval, sp->vec, sp->warm, &it);
    sp->warm = 1;
    if (status == OD_OK && sp->type->precond && rep->t == 0) {   /* no preconditioner yet */
        for (size_t i = 0; i < sp->k; i++)
            sp->peval[i] = NAN;
    } else if (status == OD_OK && sp->type->precond) {
        status = sp->type->precond(rep->st, sp->n, rep->t, &rep->pt, sp->d);
        for (size_t i = 0; i < sp->n; i++)
            sp->d[i] = 1.0 / sqrt(sp->d[i]);   /* P = 0 (no history, eps = 0): inf, not finite */
        int finite = 1;
        for (size_t i = 0; i < sp->n; i++)
            finite &= isfinite(sp->d[i]);
        if (status == OD_OK && finite)
            status = top(sp, rep->x, sp->d, sp->peval, sp->pvec, sp->pwarm, &pit);
        sp->pwarm = finite;
        if (!finite)
            for (size_t i = 0; i < sp->k; i++)
                sp->peval[i] = NAN;
    }
    if (status != OD_OK)
        return status;
    const double *row[5] = { &step, sp->eval, &it, sp->peval, &pit };
    return rec_table_append(sp->tab, row);
}

int sharp_probe_close(sharp_probe *sp, rec *r)
{
    int open = sp->tab != NULL, status = open ? rec_table_close(sp->tab) : OD_OK;
    sp->tab = NULL;
    if (open && status == OD_OK && sp->k > 1) {     /* k = 1: the columns are 1-D */
        char idx[200], path[200];
        double *v = malloc(sp->k * sizeof *v);
        if (!v)
            status = OD_ENOMEM;
        for (size_t i = 0; v && i < sp->k; i++)
            v[i] = (double)(i + 1);
        snprintf(idx, sizeof idx, "%s/eigen_index", sp->path);
        if (v)
            rec_array_int(r, idx, 1, &sp->k, v);
        free(v);
        const char *cols[2] = { "sharpness", "precond_sharpness" };
        for (int c = 0; status == OD_OK && c < (sp->type->precond ? 2 : 1); c++) {
            snprintf(path, sizeof path, "%s/%s", sp->path, cols[c]);
            rec_attach_scale(r, path, 1, idx);
        }
        status = status != OD_OK ? status : rec_status(r);
    }
    free(sp->work), free(sp->vec);
    sp->work = sp->vec = NULL;
    return status;
}

int sharpness_at(const problem *pb, const double *x, double *S)
{
    size_t n = pb->n, m = n < 200 ? n : 200;
    double *work = malloc((lanczos_work_size(n, m) + n) * sizeof *work);
    if (!work)
        return OD_ENOMEM;
    lanczos_hessian h = { pb, x, NULL, work + lanczos_work_size(n, m) };
    int status = lanczos_top(n, 1, m, lanczos_hessian_op, &h, NULL, 1e-10, work, S, NULL, NULL);
    free(work);
    return status == OD_EDOM ? OD_OK : status;
}
