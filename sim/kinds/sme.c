/* sim/kinds/sme.c — SGD and the Euler-Maruyama solution of its stochastic modified equation on shared
 * Brownian paths. Per path: K SGD steps; K*m SDE steps of dt = lr/m with increments sqrt(dt)*xi;
 * the SGD step's noise is z = sum_j xi_j / sqrt(m) ~ N(0, I), so lr*(Sigma/B)^(1/2) z equals the
 * SDE's noise over the step exactly. (Sigma/B)^(1/2) xi is the problem's own noise model:
 * grad(X, batch xi) - grad(X), and it enters with the gradient's sign, as it does in SGD. */
#include "sme.h"
#include "flow.h"
#include "../core/rng.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sme_work {
    double *x, *X, *dx, *st, *xi, *z, *f, *g, *gn, *fw;
} sme_work;

static void sme_work_free(sme_work *w)
{
    free(w->x), free(w->X), free(w->dx), free(w->st), free(w->xi), free(w->z), free(w->f);
    free(w->g), free(w->gn), free(w->fw);
}

static int sme_work_alloc(sme_work *w, const opt_type *type, const opt_flow *f, size_t n, long m)
{
    size_t dim = f->dim(n), sts = type->state_size(n);
    w->x = malloc(n * sizeof(double));
    w->X = malloc(dim * sizeof(double));
    w->dx = malloc(n * sizeof(double));
    w->st = calloc(sts ? sts : 1, sizeof(double));
    w->xi = malloc((size_t)m * n * sizeof(double));
    w->z = malloc(n * sizeof(double));
    w->f = malloc(dim * sizeof(double));
    w->g = malloc(n * sizeof(double));
    w->gn = malloc(n * sizeof(double));
    w->fw = malloc((4 * n + dim) * sizeof(double));
    return w->x && w->X && w->dx && w->st && w->xi && w->z && w->f && w->g && w->gn && w->fw
               ? OD_OK : OD_ENOMEM;
}

static double sq_norm(size_t n, const double *v)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return s;
}

/* One pair of paths; out = (L(x_K), L(X_T), |x_K|^2, |X_T|^2). */
static int one_path(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
                    const opt_params *p, const flow_params *fp, long K, uint64_t path,
                    sme_work *w, double out[4])
{
    size_t n = pb->n, m = (size_t)fp->substeps;
    double dt = p->lr / (double)m, amp = sqrt(p->lr * dt), now = 0.0;
    rng_stream rs = rng_stream_make(seed, RNG_SDE, path);
    memcpy(w->x, pb->x0, n * sizeof *w->x);
    memset(w->st, 0, o->type->state_size(n) * sizeof *w->st);
    if (o->type->init)
        o->type->init(w->st, n, p);
    f->start(pb->x0, n, p, pb, w->X, w->fw);
    int status = OD_OK;
    for (long k = 1; status == OD_OK && k <= K; k++) {
        rng_normals(&rs, (uint64_t)k, m * n, w->xi);
        for (size_t i = 0; i < n; i++)
            w->z[i] = 0.0;
        for (size_t j = 0; j < m; j++)
            for (size_t i = 0; i < n; i++)
                w->z[i] += w->xi[j * n + i];
        for (size_t i = 0; i < n; i++)
            w->z[i] /= sqrt((double)m);
        batch b = { fp->batch, w->z, NULL, 0 };
        status = o->type->step(w->st, n, k, p, w->x, pb, &b, w->dx);
        for (size_t i = 0; i < n; i++)
            w->x[i] += w->dx[i];
        for (size_t j = 0; status == OD_OK && j < m; j++, now += dt) {
            batch bj = { fp->batch, w->xi + j * n, NULL, 0 };
            status = f->rhs(now, w->X, w->f, n, p, pb, w->fw);
            if (status == OD_OK)
                status = pb->type->grad(pb, w->X, NULL, w->g);
            if (status == OD_OK)
                status = pb->type->grad(pb, w->X, &bj, w->gn);
            for (size_t i = 0; i < n; i++)
                w->X[i] += w->f[i] * dt - amp * (w->gn[i] - w->g[i]);   /* noise enters as in SGD */
        }
    }
    out[0] = pb->type->loss(pb, w->x);
    out[1] = pb->type->loss(pb, w->X);
    out[2] = sq_norm(n, w->x);
    out[3] = sq_norm(n, w->X);
    return status;
}

/* Mean and standard error of a[i*4 + c] - (d >= 0 ? a[i*4 + d] : 0) over N rows, in order. */
static void mean_se(const double *a, size_t N, int c, int d, double *mean, double *se)
{
    double s = 0.0, q = 0.0;
    for (size_t i = 0; i < N; i++)
        s += a[i * 4 + c] - (d >= 0 ? a[i * 4 + d] : 0.0);
    double mu = s / (double)N;
    for (size_t i = 0; i < N; i++) {
        double e = a[i * 4 + c] - (d >= 0 ? a[i * 4 + d] : 0.0) - mu;
        q += e * e;
    }
    *mean = mu;
    *se = sqrt(q / (double)(N - 1) / (double)N);
}

int sme_weak_error(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
                   double lr, const flow_params *fp, int threads, sme_result *res)
{
    if (pb->noise != PROBLEM_NOISE_GAUSS || f->dim(pb->n) != pb->n)
        return OD_ENOTSUP;
    opt_params p;
    char why[256];
    if (flow_params_at(o, f, lr, &p, why, sizeof why) != OD_OK)
        return OD_EDOM;
    long K = lround(fp->time / lr);
    size_t N = (size_t)fp->paths;
    double *vals = malloc(N * 4 * sizeof *vals);
    if (!vals)
        return OD_ENOMEM;
    int status = OD_OK;
#pragma omp parallel num_threads(threads)
    {
        sme_work w = { 0 };
        int s = sme_work_alloc(&w, o->type, f, pb->n, fp->substeps);
#pragma omp for schedule(dynamic, 64)
        for (size_t r = 0; r < N; r++)
            if (s == OD_OK)
                s = one_path(o, f, pb, seed, &p, fp, K, r, &w, vals + r * 4);
        if (s != OD_OK) {
#pragma omp critical(sme_status)
            status = s;
        }
        sme_work_free(&w);
    }
    if (status == OD_OK) {
        double unused;
        res->steps = K;
        mean_se(vals, N, 0, -1, &res->loss_sgd, &res->loss_sgd_se);
        mean_se(vals, N, 1, -1, &res->loss_sde, &res->loss_sde_se);
        mean_se(vals, N, 0, 1, &res->error, &res->error_se);
        mean_se(vals, N, 2, -1, &res->sq_sgd, &unused);
        mean_se(vals, N, 3, -1, &res->sq_sde, &unused);
        mean_se(vals, N, 2, 3, &res->sq_error, &res->sq_error_se);
    }
    free(vals);
    return status;
}
