/* sim/kinds/sme.c — SGD and the solution of its stochastic modified equation on shared Brownian
 * paths, weak errors without integrator bias (docs/theory.md, "SME weak errors"). Linear SMEs
 * (affine drift, constant Hessian and noise covariance) take the exact Ornstein-Uhlenbeck
 * transition over half steps (sme_exact.h); others take stochastic Heun substeps (weak order 2
 * for additive noise) of dt = lr/m, and a coarse Heun path on the pair sums of the same
 * increments estimates the remaining bias, (E L(X_coarse) - E L(X))/3.
 * Coupling: SGD step k takes z_k = (W((k+1/2)lr) - W((k-1/2)lr))/sqrt(lr), the increment over
 * the interval centred on k*lr, so the SDE's response to it matches SGD's to O(lr^2); each SGD
 * path is paired with two SDE paths whose Brownian bridges inside every interval are mirror
 * images (same law, same z_k), so the part of L linear in the bridges cancels in their mean.
 * (Sigma/B)^(1/2) xi is the problem's own noise model: grad(X, batch xi) - grad(X), and it
 * enters with the gradient's sign, as it does in SGD. */
#include "sme.h"
#include "sme_exact.h"
#include "flow.h"
#include "../core/rng.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sme_work {
    double *x, *dx, *st, *st2, *xi, *z, *f, *f1, *g, *gn, *tmp, *fw;   /* x: 2n (mirror's) */
    double *pool;                     /* the normals of SME_CHUNK(draws) intervals */
    double *X[2], *Xc[2], *nv[2];     /* the mirrored SDE paths, their coarse paths, pair sums */
} sme_work;

static void sme_work_free(sme_work *w)
{
    double **v[] = { &w->x, &w->dx, &w->st, &w->st2, &w->xi, &w->pool, &w->z, &w->f, &w->f1, &w->g, &w->gn,
                     &w->tmp, &w->fw, &w->X[0], &w->X[1], &w->Xc[0], &w->Xc[1], &w->nv[0],
                     &w->nv[1] };
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        free(*v[k]);
}

/* Intervals whose normals one stream block holds: the generator fills whole batches of lanes,
 * so a few normals per call would waste most of its work. */
#define SME_CHUNK(draws) ((draws) >= 256 ? 1 : 256 / (draws))

/* draws: normals per interval (exact: 2 halves x (z', xi); Heun: m substeps x n). */
static int sme_work_alloc(sme_work *w, const opt_type *type, const problem *pb, size_t draws)
{
    size_t n = pb->n, sts = opt_state_len(type, pb);
    double **v[] = { &w->x, &w->dx, &w->z, &w->f, &w->f1, &w->g, &w->gn, &w->tmp, &w->X[0],
                     &w->X[1], &w->Xc[0], &w->Xc[1], &w->nv[0], &w->nv[1] };
    int ok = 1;
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        ok &= (*v[k] = malloc(2 * n * sizeof(double))) != NULL;
    w->st = calloc(sts ? sts : 1, sizeof(double));
    w->st2 = calloc(sts ? sts : 1, sizeof(double));
    w->xi = malloc(2 * draws * sizeof(double));        /* and the mirrored path's */
    w->pool = malloc(SME_CHUNK(draws) * draws * sizeof(double));
    w->fw = malloc(5 * n * sizeof(double));
    return ok && w->st && w->st2 && w->xi && w->pool && w->fw ? OD_OK : OD_ENOMEM;
}

static double sq_norm(size_t n, const double *v)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return s;
}

/* One stochastic Heun step of dX = f dt + noise with the additive noise increment nv:
 * Xbar = X + f(X) dt + nv;  X <- X + (f(X) + f(Xbar)) dt/2 + nv  (weak order 2). */
static int heun(const opt_flow *f, const opt_params *p, const problem *pb, double now, double dt,
                const double *nv, double *X, sme_work *w)
{
    size_t n = pb->n;
    int s = f->rhs(now, X, w->f, n, p, pb, w->fw);
    for (size_t i = 0; i < n; i++)
        w->tmp[i] = X[i] + w->f[i] * dt + nv[i];
    if (s == OD_OK)
        s = f->rhs(now + dt, w->tmp, w->f1, n, p, pb, w->fw);
    for (size_t i = 0; i < n; i++)
        X[i] += 0.5 * (w->f[i] + w->f1[i]) * dt + nv[i];
    return s;
}

/* Heun substeps g0 .. g0+cnt-1 (global index, dt = lr/m) of twin a on the unit increments xi
 * (cnt x n); at every odd global index the coarse path takes one step on the pair's sum. */
static int heun_substeps(const opt_flow *f, const problem *pb, const opt_params *p, double B,
                         size_t m, long g0, size_t cnt, const double *xi, int a, sme_work *w)
{
    size_t n = pb->n;
    double dt = p->lr / (double)m, amp = sqrt(p->lr * dt);
    int s = OD_OK;
    for (size_t j = 0; s == OD_OK && j < cnt; j++) {
        long g = g0 + (long)j;
        batch bj = { B, xi + j * n, NULL, 0, NULL };
        double *nv = w->nv[a] + (size_t)(g % 2) * n;
        s = pb->type->grad(pb, w->X[a], NULL, w->g);
        if (s == OD_OK)
            s = pb->type->grad(pb, w->X[a], &bj, w->gn);   /* constant Sigma: any point */
        for (size_t i = 0; i < n; i++)
            nv[i] = -amp * (w->gn[i] - w->g[i]);           /* noise enters as in SGD */
        if (s == OD_OK)
            s = heun(f, p, pb, (double)g * dt, dt, nv, w->X[a], w);
        if (s == OD_OK && g % 2 == 1) {
            for (size_t i = 0; i < n; i++)
                w->nv[a][i] += w->nv[a][n + i];
            s = heun(f, p, pb, (double)(g - 1) * dt, 2.0 * dt, w->nv[a], w->Xc[a], w);
        }
    }
    return s;
}

/* The mirror image of interval k's increments, a map that keeps their law. Middle intervals:
 * W over the interval kept, its bridge reflected, so SGD's z_k is unchanged. Interval 0 (the SDE
 * uses its second half only): those increments negated. Interval K (the SDE uses its first
 * half): the first half's bridge reflected, the second half (SGD's only) negated; SGD's last
 * step is then taken for both. Exact layout [z'_0 | xi_0 | z'_1 | xi_1] (xi: the half-step's
 * own bridge); Heun: m x n unit increments. */
static void mirror(size_t n, size_t m, int exact, int last, long k, const double *xi,
                   double *out)
{
    size_t hm = m / 2;
    for (size_t i = 0; i < n; i++) {
        if (exact) {
            out[i] = k == 0 ? xi[i] : last ? xi[i] : xi[2 * n + i];
            out[2 * n + i] = k == 0 || last ? -xi[2 * n + i] : xi[i];
            out[n + i] = -xi[n + i];
            out[3 * n + i] = -xi[3 * n + i];
            continue;
        }
        double mean = 0.0, mean0 = 0.0;
        for (size_t j = 0; j < m; j++)
            mean += xi[j * n + i] / (double)m;
        for (size_t j = 0; j < hm; j++)
            mean0 += xi[j * n + i] / (double)hm;
        for (size_t j = 0; j < m; j++)
            out[j * n + i] = k == 0       ? -xi[j * n + i]
                             : !last      ? 2.0 * mean - xi[j * n + i]
                             : j < hm     ? 2.0 * mean0 - xi[j * n + i]
                                          : -xi[j * n + i];
    }
}

/* SGD's noise for interval k from its increments (either layout). */
static void sgd_noise(size_t n, size_t m, int exact, const double *xi, double *z)
{
    for (size_t i = 0; i < n; i++) {
        double zs = 0.0;
        for (size_t j = 0; j < m; j++)
            zs += xi[(exact ? 2 * j : j) * n + i];
        z[i] = zs / sqrt((double)m);
    }
}

/* Twin a of the SDE through the halves [h0, h1) (0: first, 1: second) of interval k. */
static int sde_interval(const opt_flow *f, const problem *pb, const opt_params *p, double B,
                        const sme_exact *ex, size_t m, long k, int h0, int h1, const double *xi,
                        int a, sme_work *w)
{
    size_t n = pb->n;
    int s = OD_OK;
    for (int h = h0; s == OD_OK && h < h1; h++) {
        if (ex)
            sme_exact_step(ex, xi + 2 * n * (size_t)h, xi + 2 * n * (size_t)h + n, w->X[a],
                           w->tmp);
        else
            s = heun_substeps(f, pb, p, B, m, (long)m * k - (long)m / 2 + h * (long)m / 2,
                              m / 2, xi + (size_t)h * (m / 2) * n, a, w);
    }
    return s;
}

/* SGD's step k from (x, st) with the noise of increments xi into x. */
static int sgd_step(const cfg_optimizer *o, const problem *pb, const opt_params *p, double B,
                    size_t m, int exact, long k, const double *xi, double *x, sme_work *w)
{
    size_t n = pb->n;
    sgd_noise(n, m, exact, xi, w->z);
    batch b = { B, w->z, NULL, 0, NULL };
    int s = o->type->step(w->st, n, k, p, x, pb, &b, w->dx);
    for (size_t i = 0; i < n; i++)
        x[i] += w->dx[i];
    return s;
}

/* One SGD path and its two mirrored SDE paths. out = (mean L(x_K), mean L(X_T), mean |x_K|^2,
 * mean |X_T|^2, mean L(Xc_T) of the coarse Heun paths or NaN), means over the mirror pair.
 * Interval k (normals k % chunk of block k / chunk of the path's stream) is
 * [(k - 1/2) lr, (k + 1/2) lr]: the SDE takes its
 * second half for k = 0, both for 0 < k < K, its first half for k = K. */
static int one_path(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
                    const opt_params *p, const flow_params *fp, const sme_exact *ex, long K,
                    uint64_t path, sme_work *w, double out[SME_COLS])
{
    size_t n = pb->n, m = ex ? 2 : (size_t)fp->substeps, draws = ex ? 4 * n : m * n;
    size_t sts = opt_state_len(o->type, pb);
    rng_stream rs = rng_stream_make(seed, RNG_SDE, path);
    memcpy(w->x, pb->x0, n * sizeof *w->x);
    memset(w->st, 0, sts * sizeof *w->st);
    if (o->type->init)
        o->type->init(w->st, n, p);
    f->start(pb->x0, n, p, pb, w->X[0], w->fw);
    for (int a = 0; a < 2; a++) {
        memcpy(w->X[a], w->X[0], n * sizeof *w->X[0]);
        memcpy(w->Xc[a], w->X[0], n * sizeof *w->X[0]);
    }
    int status = OD_OK;
    for (long k = 0; status == OD_OK && k <= K; k++) {
        size_t chunk = SME_CHUNK(draws), at = (size_t)k % chunk;   /* block k / chunk */
        if (at == 0)
            rng_normals(&rs, (uint64_t)k / chunk, chunk * draws, w->pool);
        memcpy(w->xi, w->pool + at * draws, draws * sizeof *w->xi);
        mirror(n, m, ex != NULL, k == K, k, w->xi, w->xi + draws);
        if (k == K && k > 0) {            /* the last step for both: x + n holds the mirror's */
            memcpy(w->x + n, w->x, n * sizeof *w->x);
            memcpy(w->st2, w->st, sts * sizeof *w->st);
            status = sgd_step(o, pb, p, fp->batch, m, ex != NULL, k, w->xi + draws, w->x + n, w);
            memcpy(w->st, w->st2, sts * sizeof *w->st);
        }
        if (k > 0 && status == OD_OK)
            status = sgd_step(o, pb, p, fp->batch, m, ex != NULL, k, w->xi, w->x, w);
        for (int a = 0; status == OD_OK && a < 2; a++)
            status = sde_interval(f, pb, p, fp->batch, ex, m, k, k == 0, k == K ? 1 : 2,
                                  w->xi + (size_t)a * draws, a, w);
    }
    const double *x1 = w->x + (K > 0 ? n : 0);
    out[0] = 0.5 * (pb->type->loss(pb, w->x) + pb->type->loss(pb, x1));
    out[1] = 0.5 * (pb->type->loss(pb, w->X[0]) + pb->type->loss(pb, w->X[1]));
    out[2] = 0.5 * (sq_norm(n, w->x) + sq_norm(n, x1));
    out[3] = 0.5 * (sq_norm(n, w->X[0]) + sq_norm(n, w->X[1]));
    out[4] = ex ? NAN : 0.5 * (pb->type->loss(pb, w->Xc[0]) + pb->type->loss(pb, w->Xc[1]));
    return status;
}

/* Mean and standard error of a[i*W + c] - (d >= 0 ? a[i*W + d] : 0) over N rows, in order. */
static void mean_se(const double *a, size_t N, int c, int d, double *mean, double *se)
{
    double s = 0.0, q = 0.0;
    for (size_t i = 0; i < N; i++)
        s += a[i * SME_COLS + c] - (d >= 0 ? a[i * SME_COLS + d] : 0.0);
    double mu = s / (double)N;
    for (size_t i = 0; i < N; i++) {
        double e = a[i * SME_COLS + c] - (d >= 0 ? a[i * SME_COLS + d] : 0.0) - mu;
        q += e * e;
    }
    *mean = mu;
    *se = sqrt(q / (double)(N - 1) / (double)N);
}

int sme_weak_error(const cfg_optimizer *o, const opt_flow *f, const problem *pb, uint64_t seed,
                   double lr, const flow_params *fp, int threads, sme_result *res)
{
    memset(res, 0, sizeof *res);             /* padding too: results compare bytewise */
    if (pb->noise != PROBLEM_NOISE_GAUSS || f->dim(pb->n) != pb->n)
        return OD_ENOTSUP;
    opt_params p;
    char why[256];
    if (flow_params_at(o, f, lr, &p, why, sizeof why) != OD_OK)
        return OD_EDOM;
    sme_exact ex;
    int status = sme_exact_alloc(&ex, f, &p, pb, fp->batch, 0.5 * lr);
    if (status != OD_OK && status != OD_ENOTSUP)
        return status;
    int exact = status == OD_OK;
    if (!exact && fp->substeps % 2)          /* half the substeps on either side of a step */
        return OD_EDOM;
    long K = lround(fp->time / lr);
    size_t N = (size_t)fp->paths, n = pb->n;
    size_t draws = (exact ? 4 : (size_t)fp->substeps) * n;
    double *vals = malloc(N * SME_COLS * sizeof *vals);
    status = vals ? OD_OK : OD_ENOMEM;
#pragma omp parallel num_threads(threads) if (status == OD_OK)
    {
        sme_work w = { 0 };
        int s = status == OD_OK ? sme_work_alloc(&w, o->type, pb, draws) : status;
#pragma omp for schedule(dynamic, 64)
        for (size_t r = 0; r < N; r++)
            if (s == OD_OK)
                s = one_path(o, f, pb, seed, &p, fp, exact ? &ex : NULL, K, r, &w,
                             vals + r * SME_COLS);
        if (s != OD_OK) {
#pragma omp critical(sme_status)
            status = s;
        }
        sme_work_free(&w);
    }
    if (status == OD_OK) {
        double unused;
        res->steps = K;
        res->exact = exact;
        mean_se(vals, N, 0, -1, &res->loss_sgd, &res->loss_sgd_se);
        mean_se(vals, N, 1, -1, &res->loss_sde, &res->loss_sde_se);
        mean_se(vals, N, 0, 1, &res->error, &res->error_se);
        mean_se(vals, N, 2, -1, &res->sq_sgd, &unused);
        mean_se(vals, N, 3, -1, &res->sq_sde, &unused);
        mean_se(vals, N, 2, 3, &res->sq_error, &res->sq_error_se);
        /* Heun's weak error is C dt^2: E L(Xc) - E L(X) = 3 C dt^2, so the bias is a third */
        mean_se(vals, N, 4, 1, &res->bias, &res->bias_se);
        res->bias /= 3.0;
        res->bias_se /= 3.0;
    }
    free(vals);
    sme_exact_free(&ex);
    return status;
}
