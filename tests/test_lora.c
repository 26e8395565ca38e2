/* tests/test_lora.c — problem `lora`: factor gradients and Hessian action against finite differences,
 * W(A0, B0) = W0 for every init, LoRA-GA's first SGD step against full fine-tuning (the gap is lr
 * times G0's part beyond its top 2r singular directions, plus the exact lr^2 term), per-block lr,
 * precond from zero_b, Adam's rescaling symmetry (lr_ratio ~ init scale^2), LoRA-Pro; problem
 * `mlp_lora` (gradients, the pretrained start, frozen layers). */
#include "testutil.h"
#include "../optimizers/lora_pro_solve.h"
#include "../sim/core/matmul.h"
#include "../sim/core/replicate.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY "type = lora\nrows = 12\ncols = 9\nrank = 2\ndelta_rank = 6\nexamples = 200\n" \
             "alpha = 4\n"
/* Problem mlp_lora: a small network (the middle layer adapted). */
#define MLP_BODY "type = mlp_lora\ninputs = 3\nwidth = 7\noutputs = 2\nrank = 2\ndelta_rank = 3\n" \
                 "examples = 40\nlabel_noise = 0.1\nalpha = 3\n"
static const char *const inits[] = { "zero_b", "zero_a", "gaussian", "orthogonal", "lora_ga" };
#define NINITS (sizeof inits / sizeof inits[0])

static config *lora_config(const char *extra)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n" BODY "%s[run]\nsteps = 1\n"
             "[optimizer o]\ntype = sgd\nlr = 0.01\n", extra);
    return tu_config(ini);
}

static double norm(size_t n, const double *v) { return sqrt(problem_dot(n, v, v)); }

/* |g - fd|_2 / |g|_2 for the exact gradient g at x (into g) and fourth-order central differences
 * of the loss (step 1e-4, error O(h^4)); fd and xp are scratch of pb->n values. */
static double grad_fd_error(const problem *pb, const double *x, double *g, double *fd, double *xp)
{
    size_t n = pb->n;
    pb->type->grad(pb, x, NULL, g);
    for (size_t i = 0; i < n; i++) {
        double h = 1e-4;
        memcpy(xp, x, n * sizeof *x);
        xp[i] = x[i] + h;
        double f1 = pb->type->loss(pb, xp);
        xp[i] = x[i] - h;
        double f2 = pb->type->loss(pb, xp);
        xp[i] = x[i] + 2 * h;
        double f3 = pb->type->loss(pb, xp);
        xp[i] = x[i] - 2 * h;
        double f4 = pb->type->loss(pb, xp);
        fd[i] = (8 * (f1 - f2) - (f3 - f4)) / (12 * h) - g[i];
    }
    return norm(n, fd) / norm(n, g);
}

/* |H v - (g(x + h v) - g(x - h v))/2h|_2 / |H v|_2 (h = 1e-5), H v into hv; gp, gm, xp: scratch. */
static double hvp_fd_error(const problem *pb, const double *x, const double *v, double *hv,
                           double *gp, double *gm, double *xp)
{
    size_t n = pb->n;
    assert_int_equal(pb->type->hvp(pb, x, v, hv), OD_OK);
    for (size_t i = 0; i < n; i++)
        xp[i] = x[i] + 1e-5 * v[i];
    pb->type->grad(pb, xp, NULL, gp);
    for (size_t i = 0; i < n; i++)
        xp[i] = x[i] - 1e-5 * v[i];
    pb->type->grad(pb, xp, NULL, gm);
    for (size_t i = 0; i < n; i++)
        gp[i] = (gp[i] - gm[i]) / 2e-5 - hv[i];
    return norm(n, gp) / norm(n, hv);
}

/* The Hessian diagonal at x (into d) equals (H e_i)_i to 1e-12; v, hv: scratch. */
static void diag_is_hvp_diagonal(const problem *pb, const double *x, double *d, double *v,
                                 double *hv)
{
    assert_int_equal(pb->type->hess_diag(pb, x, d), OD_OK);
    memset(v, 0, pb->n * sizeof *v);
    for (size_t i = 0; i < pb->n; i++) {
        v[i] = 1.0;
        pb->type->hvp(pb, x, v, hv);
        v[i] = 0.0;
        assert_true(fabs(hv[i] - d[i]) <= 1e-12 * (1 + fabs(d[i])));
    }
}

/* |g - central differences|_2 <= 1e-7 |g|_2 at a random point, and the same for H v. */
static void derivatives_match_finite_differences(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NINITS; k++) {
        char extra[64];
        snprintf(extra, sizeof extra, "init = %s\n", inits[k]);
        config *c = lora_config(extra);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *fd = malloc(n * sizeof *fd),
               *xp = malloc(n * sizeof *xp), *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv),
               *gp = malloc(n * sizeof *gp), *gm = malloc(n * sizeof *gm), *d = malloc(n * sizeof *d);
        rng_stream s = rng_stream_make(7, RNG_INIT, k);
        rng_normals(&s, 0, n, x);
        rng_normals(&s, n, n, v);
        for (size_t i = 0; i < n; i++)
            x[i] = pb->x0[i] + 0.3 * x[i];
        double rel = grad_fd_error(pb, x, g, fd, xp);
        print_message("init %-10s |g - fd|/|g| = %.2e\n", inits[k], rel);
        assert_true(rel <= 1e-7);
        assert_true(hvp_fd_error(pb, x, v, hv, gp, gm, xp) <= 1e-7);
        diag_is_hvp_diagonal(pb, x, d, v, hv);
        free(x), free(g), free(fd), free(xp), free(v), free(hv), free(gp), free(gm), free(d);
        problem_free(pb);
        config_free(c);
    }
}

/* Every init of `names` starts at the weight of the factorized = no problem's start, with its loss
 * (within tol); make builds a config from extra [problem] lines. */
static void starts_at_unfactorized(config *(*make)(const char *), const char *const *names,
                                   size_t count, double tol)
{
    config *cf = make("factorized = no\n");
    problem *full = tu_problem(cf);
    size_t mk = full->type->weight(full, full->x0, NULL);
    double *W = malloc(mk * sizeof *W);
    assert_int_equal(mk, full->n);
    for (size_t k = 0; k < count; k++) {
        char extra[64];
        snprintf(extra, sizeof extra, "init = %s\n", names[k]);
        config *c = make(extra);
        problem *pb = tu_problem(c);
        assert_int_equal(pb->type->weight(pb, pb->x0, W), mk);
        for (size_t i = 0; i < mk; i++)
            assert_true(fabs(W[i] - full->x0[i]) <= tol);
        assert_true(fabs(pb->type->loss(pb, pb->x0) - full->type->loss(full, full->x0)) <= tol);
        problem_free(pb);
        config_free(c);
    }
    free(W);
    problem_free(full);
    config_free(cf);
}

/* Every init starts at W(A0, B0) = W0, the start of factorized = no. */
static void every_init_starts_at_w0(void **unused)
{
    (void)unused;
    starts_at_unfactorized(lora_config, inits, NINITS, 1e-13);
}

/* |W_1^LoRA - W_1^full|_F after one full-batch SGD step of size lr from init `init`. */
static double first_step_gap(const char *init, double lr, double *dW)
{
    char extra[64];
    snprintf(extra, sizeof extra, "init = %s\n", init);
    config *c = lora_config(extra), *cf = lora_config("factorized = no\n");
    problem *pb = tu_problem(c), *full = tu_problem(cf);
    c->opt[0].p.lr = cf->opt[0].p.lr = lr;
    size_t mk = full->n;
    double *x = malloc(pb->n * sizeof *x), *w = malloc(mk * sizeof *w), *W = malloc(mk * sizeof *W);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 1, x);
    tu_iterate(cf, full, &cf->opt[0], INFINITY, 1, w);
    pb->type->weight(pb, x, W);
    for (size_t i = 0; i < mk; i++)
        dW[i] = W[i] - w[i];
    double gap = norm(mk, dW);
    free(x), free(w), free(W);
    problem_free(pb), problem_free(full);
    config_free(c), config_free(cf);
    return gap;
}

/* LoRA-GA: gap/lr -> sqrt(sum_{i>2r} sigma_i(G0)^2), error O(lr) (log-log slope 1); the gap is
 * exactly lr (G0 - s^2 (A0 A0^T G0 + G0 B0^T B0)) + lr^2 s^3 G0 B0^T A0^T G0; zero_b and
 * gaussian starts are farther from the full step. */
static void lora_ga_first_step(void **unused)
{
    (void)unused;
    config *c = lora_config("init = lora_ga\n"), *cf = lora_config("factorized = no\n");
    problem *pb = tu_problem(c), *full = tu_problem(cf);
    const size_t m = 12, k = 9, r = 2, mk = m * k;
    const double s = 2.0;
    assert_true(pb->factor_scale == s);
    double *G = malloc(mk * sizeof *G), *P = malloc(mk * sizeof *P), *T = malloc(mk * sizeof *T),
           *dW = malloc(mk * sizeof *dW), *BA = malloc(k * m * sizeof *BA);
    full->type->grad(full, full->x0, NULL, G);
    /* singular values of G0 */
    gsl_matrix *M = gsl_matrix_alloc(m, k), *V = gsl_matrix_alloc(k, k);
    gsl_vector *S = gsl_vector_alloc(k), *wk = gsl_vector_alloc(k);
    memcpy(M->data, G, mk * sizeof *G);
    gsl_linalg_SV_decomp(M, V, S, wk);
    double tail = 0.0;
    for (size_t i = 2 * r; i < k; i++)
        tail += gsl_vector_get(S, i) * gsl_vector_get(S, i);
    tail = sqrt(tail);
    /* first-order term G0 - s^2 (A0 A0^T G0 + G0 B0^T B0) and second-order G0 B0^T A0^T G0 */
    const double *A0 = pb->x0, *B0 = pb->x0 + m * r;
    gsl_matrix_const_view Av = gsl_matrix_const_view_array(A0, m, r),
                          Bv = gsl_matrix_const_view_array(B0, r, k),
                          Gv = gsl_matrix_const_view_array(G, m, k);
    gsl_matrix_view Pv = gsl_matrix_view_array(P, m, k), Tv = gsl_matrix_view_array(T, m, k),
                    BAv = gsl_matrix_view_array(BA, k, m);
    gsl_matrix *rk = gsl_matrix_alloc(r, k), *mr = gsl_matrix_alloc(m, r);
    gsl_matrix_memcpy(&Pv.matrix, &Gv.matrix);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Av.matrix, &Gv.matrix, 0.0, rk);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -s * s, &Av.matrix, rk, 1.0, &Pv.matrix);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &Gv.matrix, &Bv.matrix, 0.0, mr);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -s * s, mr, &Bv.matrix, 1.0, &Pv.matrix);
    gsl_blas_dgemm(CblasTrans, CblasTrans, 1.0, &Bv.matrix, &Av.matrix, 0.0, &BAv.matrix);
    gsl_matrix *mm_ = gsl_matrix_alloc(m, m);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Gv.matrix, &BAv.matrix, 0.0, mm_);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, s * s * s, mm_, &Gv.matrix, 0.0, &Tv.matrix);
    print_message("sigma(G0):");
    for (size_t i = 0; i < k; i++)
        print_message(" %.4g", gsl_vector_get(S, i));
    print_message("\ntail sqrt(sum_{i>2r} sigma_i^2) = %.10g, |first-order term| = %.10g\n", tail,
                  norm(mk, P));
    assert_true(fabs(norm(mk, P) - tail) <= 1e-10 * tail);
    /* (W_1^LoRA - W_1^full)/lr = P + lr T: |./lr - P| = lr |T| (slope 1); the norm gap/lr tends
     * to |P| = tail (T is orthogonal to P here, so |gap/lr - tail| is O(lr^2)). */
    double lrs[4] = { 0.04, 0.02, 0.01, 0.005 }, fit[2][4];
    for (int j = 0; j < 4; j++) {
        double gap = first_step_gap("lora_ga", lrs[j], dW), exact = 0.0, lin = 0.0;
        for (size_t i = 0; i < mk; i++) {
            double e = dW[i] - lrs[j] * P[i] - lrs[j] * lrs[j] * T[i], l = dW[i] / lrs[j] - P[i];
            exact += e * e;
            lin += l * l;
        }
        fit[0][j] = gap;
        fit[1][j] = sqrt(lin);
        print_message("lr %-6g gap/lr = %.10g  |gap/lr - tail| = %.3e  |dW/lr - P| = %.4e  "
                      "|dW - exact terms| = %.2e\n", lrs[j], gap / lrs[j], fabs(gap / lrs[j] - tail),
                      sqrt(lin), sqrt(exact));
        assert_true(sqrt(exact) <= 1e-13 * (1 + gap));
    }
    for (int f = 0; f < 2; f++) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int j = 0; j < 4; j++) {
            double lx = log(lrs[j]), ly = log(fit[f][j]);
            sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
        }
        double slope = (4 * sxy - sx * sy) / (4 * sxx - sx * sx);
        print_message("log-log slope of %s vs lr: %.5f\n", f ? "|dW/lr - P|" : "gap", slope);
        assert_true(fabs(slope - 1.0) < 0.01);
    }
    assert_true(fabs(fit[0][3] / lrs[3] - tail) <= 1e-3 * tail);
    double ga = first_step_gap("lora_ga", 0.005, dW);
    for (size_t j = 0; j < 2; j++) {
        const char *other = j ? "gaussian" : "zero_b";
        double o = first_step_gap(other, 0.005, dW);
        print_message("lr 0.005: gap/lr %s %.6g vs lora_ga %.6g\n", other, o / 0.005, ga / 0.005);
        assert_true(o > ga);
    }
    gsl_matrix_free(mm_), gsl_matrix_free(rk), gsl_matrix_free(mr);
    gsl_matrix_free(M), gsl_matrix_free(V), gsl_vector_free(S), gsl_vector_free(wk);
    free(G), free(P), free(T), free(dW), free(BA);
    problem_free(pb), problem_free(full);
    config_free(c), config_free(cf);
}

/* lr_ratio = rho: the first step moves block A by lr times the rule's direction and block B by
 * rho lr times it (sgd: -g; adam: -g/(|g| + eps)); decoupled weight decay scales the same way. */
static void per_block_lr(void **unused)
{
    (void)unused;
    const char *rules[2] = { "type = sgd\nlr = 0.03\n", "type = adam\nlr = 0.03\neps = 1e-8\n" };
    for (int k = 0; k < 2; k++) {
        char ini[1024];
        snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n" BODY "init = gaussian\n"
                 "[run]\nsteps = 1\n[optimizer o]\n%slr_ratio = 4\nweight_decay = 0.5\n",
                 rules[k]);
        config *c = tu_config(ini);
        problem *pb = tu_problem(c);
        size_t n = pb->n, nA = 12 * 2;
        double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g);
        pb->type->grad(pb, pb->x0, NULL, g);
        tu_iterate(c, pb, &c->opt[0], INFINITY, 1, x);
        double worst = 0.0;
        for (size_t i = 0; i < n; i++) {
            double rho = i < nA ? 1.0 : 4.0, lr = 0.03 * rho,
                   dir = k ? g[i] / (fabs(g[i]) + 1e-8) : g[i],
                   want = pb->x0[i] * (1 - lr * 0.5) - lr * dir;
            worst = fmax(worst, fabs(x[i] - want));
        }
        print_message("%s: worst deviation from the per-block first step %.2e\n", k ? "adam" : "sgd",
                      worst);
        assert_true(worst <= 1e-15);
        free(x), free(g);
        problem_free(pb);
        config_free(c);
    }
}

/* P (p x p) = X (X^T X)^-1 X^T for X p x r (Cholesky, independent of the solver's Jacobi path). */
static void projector(const double *X, size_t p, size_t r, double *P)
{
    double *S = malloc(r * r * sizeof *S), *Y = malloc(p * r * sizeof *Y);
    matmul(1, 0, r, r, p, 1.0, X, X, 0.0, S);
    gsl_matrix_view Sv = gsl_matrix_view_array(S, r, r);
    gsl_linalg_cholesky_decomp1(&Sv.matrix);
    gsl_linalg_cholesky_invert(&Sv.matrix);
    matmul(0, 0, p, r, r, 1.0, X, S, 0.0, Y);
    matmul(0, 1, p, p, r, 1.0, Y, X, 0.0, P);
    free(S), free(Y);
}

static double fro_diff(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

/* |H_A - G_A|^2 + |H_B - G_B|^2 */
static double pro_objective(size_t nA, size_t nB, const double *HA, const double *HB,
                            const double *GA, const double *GB)
{
    double a = fro_diff(nA, HA, GA), b = fro_diff(nB, HB, GB);
    return a * a + b * b;
}

/* LoRA-Pro's acceptance identities on random A, B, G (several shapes, several C each). */
static void lora_pro_identities(void **unused)
{
    (void)unused;
    const size_t shapes[3][3] = { { 7, 2, 5 }, { 10, 3, 8 }, { 6, 4, 9 } };
    double worst_id = 0.0, worst_sym = 0.0, min_margin = INFINITY, best_gain = INFINITY;
    for (size_t sh = 0; sh < 3; sh++) {
        size_t m = shapes[sh][0], r = shapes[sh][1], k = shapes[sh][2], mk = m * k;
        double *A = malloc(m * r * sizeof *A), *B = malloc(r * k * sizeof *B),
               *G = malloc(mk * sizeof *G), *GA = malloc(m * r * sizeof *GA),
               *GB = malloc(r * k * sizeof *GB), *HA = malloc(m * r * sizeof *HA),
               *HB = malloc(r * k * sizeof *HB), *HA2 = malloc(m * r * sizeof *HA2),
               *HB2 = malloc(r * k * sizeof *HB2), *PA = malloc(m * m * sizeof *PA),
               *PB = malloc(k * k * sizeof *PB), *L = malloc(mk * sizeof *L),
               *R = malloc(mk * sizeof *R), *T = malloc(mk * sizeof *T),
               *C = malloc(r * r * sizeof *C), *S = malloc(r * r * sizeof *S),
               *U = malloc(r * r * sizeof *U), *work = malloc(lora_pro_work_size(m, r, k) * sizeof *work);
        rng_stream st = rng_stream_make(31, RNG_INIT, sh);
        rng_normals(&st, 0, m * r, A);
        rng_normals(&st, m * r, r * k, B);
        rng_normals(&st, m * r + r * k, mk, G);
        matmul(0, 1, m, r, k, 1.0, G, B, 0.0, GA);             /* G_A = G B^T */
        matmul(1, 0, r, k, m, 1.0, A, G, 0.0, GB);             /* G_B = A^T G */
        projector(A, m, r, PA);
        double *Bt = malloc(k * r * sizeof *Bt);
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < k; j++)
                Bt[j * r + i] = B[i * k + j];
        projector(Bt, k, r, PB);
        free(Bt);
        /* R = P_A G + G P_B - P_A G P_B */
        matmul(0, 0, m, k, m, 1.0, PA, G, 0.0, T);
        matmul(0, 0, m, k, k, 1.0, G, PB, 0.0, R);
        for (size_t i = 0; i < mk; i++)
            R[i] += T[i];
        matmul(0, 0, m, k, k, -1.0, T, PB, 1.0, R);
        /* C: LoRA-Pro's (NULL), the symmetric choice, random ones */
        lora_pro_solve(A, B, GA, GB, NULL, m, r, k, HA2, HB2, work);
        double fstar = pro_objective(m * r, r * k, HA2, HB2, GA, GB);
        for (int trial = 0; trial < 6; trial++) {
            if (trial == 0) {
                lora_pro_solve(A, B, GA, GB, NULL, m, r, k, HA, HB, work);
            } else if (trial == 1) {
                /* C_sym = -1/2 (A^T A)^-1 A^T G_A (B B^T)^-1 */
                matmul(1, 0, r, r, m, 1.0, A, A, 0.0, S);
                gsl_matrix_view Sv = gsl_matrix_view_array(S, r, r);
                gsl_linalg_cholesky_decomp1(&Sv.matrix);
                gsl_linalg_cholesky_invert(&Sv.matrix);
                matmul(0, 1, r, r, k, 1.0, B, B, 0.0, U);
                gsl_matrix_view Uv = gsl_matrix_view_array(U, r, r);
                gsl_linalg_cholesky_decomp1(&Uv.matrix);
                gsl_linalg_cholesky_invert(&Uv.matrix);
                double *AtGA = malloc(r * r * sizeof *AtGA), *tmp = malloc(r * r * sizeof *tmp);
                matmul(1, 0, r, r, m, 1.0, A, GA, 0.0, AtGA);
                matmul(0, 0, r, r, r, 1.0, S, AtGA, 0.0, tmp);
                matmul(0, 0, r, r, r, -0.5, tmp, U, 0.0, C);
                lora_pro_solve(A, B, GA, GB, C, m, r, k, HA, HB, work);
                /* H_A = [I - P_A/2] G_A (B B^T)^-1, H_B = (A^T A)^-1 G_B [I - P_B/2] */
                double *X = malloc(m * r * sizeof *X), *Y = malloc(m * r * sizeof *Y),
                       *Z = malloc(r * k * sizeof *Z), *Z2 = malloc(r * k * sizeof *Z2);
                matmul(0, 0, m, r, r, 1.0, GA, U, 0.0, X);
                matmul(0, 0, m, r, m, -0.5, PA, X, 0.0, Y);
                for (size_t i = 0; i < m * r; i++)
                    Y[i] += X[i];
                matmul(0, 0, r, k, r, 1.0, S, GB, 0.0, Z);
                matmul(0, 0, r, k, k, -0.5, Z, PB, 0.0, Z2);
                for (size_t i = 0; i < r * k; i++)
                    Z2[i] += Z[i];
                worst_sym = fmax(worst_sym, fmax(fro_diff(m * r, HA, Y), fro_diff(r * k, HB, Z2)) /
                                 norm(mk, G));
                free(X), free(Y), free(Z), free(Z2), free(AtGA), free(tmp);
            } else {
                rng_normals(&st, 10000 + (size_t)trial * r * r, r * r, C);
                lora_pro_solve(A, B, GA, GB, C, m, r, k, HA, HB, work);
            }
            matmul(0, 0, m, k, r, 1.0, HA, B, 0.0, L);
            matmul(0, 0, m, k, r, 1.0, A, HB, 1.0, L);
            worst_id = fmax(worst_id, fro_diff(mk, L, R) / norm(mk, G));
            assert_true(pro_objective(m * r, r * k, HA, HB, GA, GB) >= fstar * (1 - 1e-12));
        }
        /* residual |(I - P_A) G (I - P_B)| vs plain LoRA's |A A^T G + G B^T B - G| */
        double pro_res = fro_diff(mk, G, R);
        matmul(0, 0, m, k, r, 1.0, A, GB, 0.0, L);
        matmul(0, 0, m, k, r, 1.0, GA, B, 1.0, L);
        double lora_res = fro_diff(mk, L, G);
        min_margin = fmin(min_margin, lora_res - pro_res);
        assert_true(pro_res <= lora_res);
        /* no random perturbation of the Sylvester C does better */
        for (int trial = 0; trial < 200; trial++) {
            double scale = trial < 100 ? 1e-3 : 1.0;
            double *E = malloc(r * r * sizeof *E), *C0 = malloc(r * r * sizeof *C0);
            rng_normals(&st, 50000 + (size_t)trial * r * r, r * r, E);
            /* C* recovered from H_A = X0 + A C*: C* = (A^T A)^-1 A^T (H_A - G_A (B B^T)^+) */
            lora_pro_solve(A, B, GA, GB, NULL, m, r, k, HA, HB, work);
            memset(C0, 0, r * r * sizeof *C0);
            lora_pro_solve(A, B, GA, GB, C0, m, r, k, HA2, HB2, work);   /* C = 0: X0, Y0 */
            for (size_t i = 0; i < m * r; i++)
                HA2[i] = HA[i] - HA2[i];                      /* A C* */
            matmul(1, 0, r, r, m, 1.0, A, A, 0.0, S);
            gsl_matrix_view Sv = gsl_matrix_view_array(S, r, r);
            gsl_linalg_cholesky_decomp1(&Sv.matrix);
            gsl_linalg_cholesky_invert(&Sv.matrix);
            matmul(1, 0, r, r, m, 1.0, A, HA2, 0.0, U);
            matmul(0, 0, r, r, r, 1.0, S, U, 0.0, C0);        /* C* */
            for (size_t i = 0; i < r * r; i++)
                C0[i] += scale * E[i];
            lora_pro_solve(A, B, GA, GB, C0, m, r, k, HA2, HB2, work);
            double f = pro_objective(m * r, r * k, HA2, HB2, GA, GB);
            best_gain = fmin(best_gain, (f - fstar) / fstar);
            assert_true(f >= fstar);
            free(E), free(C0);
        }
        free(A), free(B), free(G), free(GA), free(GB), free(HA), free(HB), free(HA2), free(HB2);
        free(PA), free(PB), free(L), free(R), free(T), free(C), free(S), free(U), free(work);
    }
    print_message("LoRA-Pro: max |H_A B + A H_B - (P_A G + G P_B - P_A G P_B)|/|G| = %.2e over "
                  "6 C each; symmetric closed form %.2e; min (LoRA - Pro residual) %.4g; "
                  "min relative objective increase by perturbing C %.2e\n", worst_id, worst_sym,
                  min_margin, best_gain);
    assert_true(worst_id <= 1e-10 && worst_sym <= 1e-10);
}

/* Full-batch SGD trajectories from the same zero_b start: LoRA-Pro's first step is -lr P_A G0
 * (B0 = 0), and its |W_t - W_t^full|_F stays below plain LoRA's at every step t = 1..T. */
static void lora_pro_tracks_full(void **unused)
{
    (void)unused;
    const char *body = "[experiment]\nseed = 3\n[problem]\ntype = lora\nrows = 16\ncols = 12\n"
                       "rank = 2\ndelta_rank = 6\nexamples = 300\n%s[run]\nsteps = 1\n"
                       "[optimizer lora]\ntype = sgd\nlr = 0.05\n[optimizer pro]\ntype = lora_pro\n"
                       "lr = 0.05\n";
    char ini[1024];
    snprintf(ini, sizeof ini, body, "");
    config *c = tu_config(ini);
    snprintf(ini, sizeof ini, body, "factorized = no\n");
    config *cf = tu_config(ini);
    problem *pb = tu_problem(c), *full = tu_problem(cf);
    const size_t m = 16, k = 12, r = 2, mk = m * k, T = 200;
    replicate rl, rp, rf;
    assert_int_equal(replicate_init(&rl, pb, c->opt[0].type, &c->opt[0].p, INFINITY, 3, 0), OD_OK);
    assert_int_equal(replicate_init(&rp, pb, c->opt[1].type, &c->opt[1].p, INFINITY, 3, 0), OD_OK);
    assert_int_equal(replicate_init(&rf, full, cf->opt[0].type, &cf->opt[0].p, INFINITY, 3, 0), OD_OK);
    double *W = malloc(mk * sizeof *W), *G = malloc(mk * sizeof *G), *PA = malloc(m * m * sizeof *PA),
           *want = malloc(mk * sizeof *want);
    full->type->grad(full, full->x0, NULL, G);
    projector(pb->x0, m, r, PA);
    matmul(0, 0, m, k, m, -0.05, PA, G, 0.0, want);
    for (size_t i = 0; i < mk; i++)
        want[i] += full->x0[i];
    double worst = -INFINITY;
    size_t worst_t = 0;
    for (size_t t = 1; t <= T; t++) {
        assert_int_equal(replicate_step(&rl), OD_OK);
        assert_int_equal(replicate_step(&rp), OD_OK);
        assert_int_equal(replicate_step(&rf), OD_OK);
        pb->type->weight(pb, rp.x, W);
        if (t == 1)
            assert_true(fro_diff(mk, W, want) <= 1e-13);
        double gp = fro_diff(mk, W, rf.x);
        pb->type->weight(pb, rl.x, W);
        double gl = fro_diff(mk, W, rf.x);
        if (t == 1 || t == 10 || t == 50 || t == T)
            print_message("t = %3zu: |W - W_full| lora %.6f  lora_pro %.6f\n", t, gl, gp);
        if (gp - gl > worst)
            worst = gp - gl, worst_t = t;
    }
    print_message("max over t of (lora_pro - lora) = %.3g at t = %zu\n", worst, worst_t);
    assert_true(worst < 0);
    replicate_free(&rl), replicate_free(&rp), replicate_free(&rf);
    free(W), free(G), free(PA), free(want);
    problem_free(pb), problem_free(full);
    config_free(c), config_free(cf);
}

/* precond from zero_b: A's gradient and Hessian diagonal are both 0 at B = 0, so its first step
 * is 0 (0 * 0^-p = 0) while B moves by -lr g_B diag_B^-p; further steps lower the loss. */
static void precond_from_zero_b(void **unused)
{
    (void)unused;
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n" BODY "init = zero_b\n"
             "[run]\nsteps = 1\n[optimizer o]\ntype = precond\nlr = 0.05\nprecond_power = 0.5\n");
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    size_t n = pb->n, nA = 12 * 2;
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *d = malloc(n * sizeof *d);
    pb->type->grad(pb, pb->x0, NULL, g);
    pb->type->hess_diag(pb, pb->x0, d);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 1, x);
    double worst = 0.0, moved = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (i < nA) {
            assert_true(g[i] == 0.0 && d[i] == 0.0);
            assert_true(x[i] == pb->x0[i]);
            continue;
        }
        assert_true(d[i] > 0.0);
        worst = fmax(worst, fabs(x[i] - (pb->x0[i] - 0.05 * g[i] / sqrt(d[i]))));
        moved = fmax(moved, fabs(x[i] - pb->x0[i]));
    }
    print_message("precond from zero_b: A unchanged, B step off by %.2e (largest move %.3g)\n",
                  worst, moved);
    assert_true(worst <= 1e-15 * fmax(1.0, moved) && moved > 0.0);
    double f0 = pb->type->loss(pb, pb->x0);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 100, x);
    double f = pb->type->loss(pb, x);
    print_message("loss %.6g -> %.6g after 100 steps\n", f0, f);
    assert_true(isfinite(f) && f < f0);
    free(x), free(g), free(d);
    problem_free(pb);
    config_free(c);
}

/* Adam (eps = 0) on W = W_f + s A B is invariant under A -> c A, B -> B/c with lr_A -> c lr_A,
 * lr_B -> lr_B/c (A's gradient scales by 1/c, B's by c, and Adam's direction ignores both): so
 * (init_std c, lr c lr0, lr_ratio rho/c^2) follows the same W_t as (1, lr0, rho), with the same
 * minibatches. The LoRA+ ratio is therefore only defined together with A's init scale. The same
 * holds for LoRA of the middle layer of a network (mlp_lora), whose loss also sees only M. */
static void adam_rescaling_symmetry(void **unused)
{
    (void)unused;
    const char *const bodies[] = { BODY, MLP_BODY };
    const double c = 3.0, lr0 = 0.01, rho = 8.0;
    for (int p = 0; p < 2; p++) {
        double *W[3] = { NULL, NULL, NULL };
        size_t mk = 0;
        for (int k = 0; k < 3; k++) {
            /* k = 0: (1, lr0, rho); k = 1: (c, c lr0, rho/c^2); k = 2: (c, c lr0, rho) differs */
            char ini[1024];
            snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n%sinit = zero_b\n"
                     "init_std = %.17g\n[run]\nsteps = 1\n[optimizer o]\ntype = adam\nlr = %.17g\n"
                     "eps = 0\nlr_ratio = %.17g\n", bodies[p], k ? c : 1.0, k ? c * lr0 : lr0,
                     k == 1 ? rho / (c * c) : rho);
            config *cf = tu_config(ini);
            problem *pb = tu_problem(cf);
            double *x = malloc(pb->n * sizeof *x);
            tu_iterate(cf, pb, &cf->opt[0], 16, 60, x);
            mk = pb->type->weight(pb, x, NULL);
            W[k] = malloc(mk * sizeof *W[k]);
            pb->type->weight(pb, x, W[k]);
            free(x);
            problem_free(pb);
            config_free(cf);
        }
        double same = fro_diff(mk, W[0], W[1]) / norm(mk, W[0]),
               other = fro_diff(mk, W[0], W[2]) / norm(mk, W[0]);
        print_message("%s: Adam, 60 steps, B = 16: |W(1, lr, rho) - W(c, c lr, rho/c^2)|/|W| = "
                      "%.2e; with rho kept: %.2e\n", p ? "mlp_lora" : "lora", same, other);
        assert_true(same <= 1e-12);
        assert_true(other >= 1e-3);
        for (int k = 0; k < 3; k++)
            free(W[k]);
    }
}

/* [sweep] axis/values: every optimizer with the key becomes variants NAME@KEY=VALUE with the key
 * set (type keys and the shared training keys alike); bad values and a key set in the section
 * are refused with a message. */
static void sweep_axis_variants(void **unused)
{
    (void)unused;
    const char *head = "[experiment]\nkind = sweep\n[problem]\ntype = lora\nexamples = 0\n"
                       "label_noise = 0\n[sweep]\nbatch = inf\nlr = 0.01, 0.1\ntarget = 0.01\n";
    char ini[1024], err[1024];
    snprintf(ini, sizeof ini, "%saxis = lr_ratio\nvalues = 1, 4, 16\n[optimizer a]\ntype = adam\n"
             "[optimizer s]\ntype = sgd\n", head);
    config *c = tu_config(ini);
    assert_int_equal(c->nopt, 6);
    assert_string_equal(c->opt[1].name, "a@lr_ratio=4");
    assert_true(c->opt[1].p.train.lr_ratio == 4.0 && c->opt[5].p.train.lr_ratio == 16.0);
    assert_string_equal(c->opt[5].section, "s");
    config_free(c);
    snprintf(ini, sizeof ini, "%saxis = beta2\nvalues = 0.9, 0.99\n[optimizer a]\ntype = adam\n"
             "[optimizer s]\ntype = sgd\n", head);
    c = tu_config(ini);
    assert_int_equal(c->nopt, 3);
    assert_string_equal(c->opt[2].name, "s");
    config_free(c);
    const char *bad[][2] = {
        { "axis = beta2\nvalues = 0.9, 1.5\n[optimizer a]\ntype = adam\n", "beta2 of [optimizer a]" },
        { "axis = lr_ratio\nvalues = 2\n[optimizer a]\ntype = adam\nlr_ratio = 3\n",
          "swept by [sweep] axis" },
        { "axis = beta2\nvalues = 0.9\n[optimizer s]\ntype = sgd\n", "no optimizer has" },
        { "axis = lr_ratio\n[optimizer a]\ntype = adam\n", "axis and values go together" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(ini, sizeof ini, "%s%s", head, bad[i][0]);
        assert_int_equal(tu_config_status(ini, err, sizeof err), OD_EINPUT);
        if (!strstr(err, bad[i][1]))
            fail_msg("expected '%s' in: %s", bad[i][1], err);
    }
}

static const char *const mlp_inits[] = { "zero_b", "zero_a", "gaussian" };

static config *mlp_lora_config(const char *extra)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n" MLP_BODY "%s[run]\nsteps = 1\n"
             "[optimizer o]\ntype = adam\nlr = 0.01\nlr_ratio = %d\n", extra,
             strstr(extra, "factorized = no") ? 1 : 4);
    return tu_config(ini);
}

/* dL/dA = s G B^T, dL/dB = s A^T G (and dL/dM = G with factorized = no) against fourth-order
 * differences of the loss to 1e-7 relative at a random point, for every init; a minibatch of all
 * N examples in order gives the full gradient; H v against central differences of the gradient
 * (1e-7), and the Hessian diagonal equals (H e_i)_i. */
static void mlp_lora_gradients(void **unused)
{
    (void)unused;
    for (size_t k = 0; k <= 3; k++) {
        char extra[64];
        snprintf(extra, sizeof extra, k < 3 ? "init = %s\n" : "factorized = no\n",
                 k < 3 ? mlp_inits[k] : "");
        config *c = mlp_lora_config(extra);
        problem *pb = tu_problem(c);
        size_t n = pb->n, N = pb->examples;
        assert_int_equal(n, k < 3 ? 2 * 7 * 2 : 7 * 7);
        double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *fd = malloc(n * sizeof *fd),
               *xp = malloc(n * sizeof *xp), *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv);
        size_t *idx = malloc(N * sizeof *idx);
        rng_stream s = rng_stream_make(7, RNG_INIT, k);
        rng_normals(&s, 0, n, x);
        for (size_t i = 0; i < n; i++)
            x[i] = pb->x0[i] + 0.5 * x[i];
        double rel = grad_fd_error(pb, x, g, fd, xp);
        print_message("mlp_lora %-15s |g - fd|/|g| = %.2e\n", k < 3 ? mlp_inits[k] : "factorized = no",
                      rel);
        assert_true(rel <= 1e-7);
        for (size_t j = 0; j < N; j++)
            idx[j] = j;
        batch b = { .B = (double)N, .idx = idx, .nidx = N };
        assert_int_equal(pb->type->grad(pb, x, &b, fd), OD_OK);
        for (size_t i = 0; i < n; i++)
            assert_true(fabs(fd[i] - g[i]) <= 1e-14 * (1 + fabs(g[i])));
        rng_normals(&s, n, n, v);
        assert_true(hvp_fd_error(pb, x, v, hv, g, fd, xp) <= 1e-7);
        diag_is_hvp_diagonal(pb, x, g, v, hv);
        free(x), free(g), free(fd), free(xp), free(idx), free(v), free(hv);
        problem_free(pb);
        config_free(c);
    }
}

/* Every init starts at M(A0, B0) = M0, the start of factorized = no (the pretrained weight), with
 * the pretrained network's loss; s = alpha/rank. */
static void mlp_lora_starts_pretrained(void **unused)
{
    (void)unused;
    starts_at_unfactorized(mlp_lora_config, mlp_inits, 3, 1e-14);
    config *c = mlp_lora_config("");
    problem *pb = tu_problem(c);
    assert_true(pb->factor_scale == 1.5);
    problem_free(pb);
    config_free(c);
}

/* The frozen layers do not move: after 200 Adam steps on minibatches (lr_ratio 4) the loss at x0 is
 * bit-identical to before, and the trained factors' M_t, put into the independently built
 * factorized = no problem (its own W1, W3 from the seed), gives the same loss and the gradient
 * (s G B^T, s A^T G) from that problem's G. */
static void mlp_lora_frozen_layers(void **unused)
{
    (void)unused;
    config *c = mlp_lora_config("init = zero_b\n"), *cf = mlp_lora_config("factorized = no\n");
    problem *pb = tu_problem(c), *full = tu_problem(cf);
    size_t n = pb->n, nn = full->n, w = 7, r = 2;
    double f0 = pb->type->loss(pb, pb->x0);
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *M = malloc(nn * sizeof *M),
           *G = malloc(nn * sizeof *G), *h = malloc(n * sizeof *h);
    tu_iterate(c, pb, &c->opt[0], 8, 200, x);
    assert_true(pb->type->loss(pb, pb->x0) == f0);
    pb->type->weight(pb, x, M);
    double f = pb->type->loss(pb, x), ff = full->type->loss(full, M);
    print_message("mlp_lora: loss %.6g -> %.6g after 200 Adam steps (unfactorized at M_t: %.6g)\n",
                  f0, f, ff);
    assert_true(f < 0.5 * f0);
    assert_true(fabs(f - ff) <= 1e-13 * f);
    pb->type->grad(pb, x, NULL, g);
    full->type->grad(full, M, NULL, G);
    matmul(0, 1, w, r, w, 1.5, G, x + w * r, 0.0, h);
    matmul(1, 0, r, w, w, 1.5, x, G, 0.0, h + w * r);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(h[i] - g[i]) <= 1e-12 * (1 + fabs(g[i])));
    free(x), free(g), free(M), free(G), free(h);
    problem_free(pb), problem_free(full);
    config_free(c), config_free(cf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derivatives_match_finite_differences),
        cmocka_unit_test(every_init_starts_at_w0),
        cmocka_unit_test(lora_ga_first_step),
        cmocka_unit_test(per_block_lr),
        cmocka_unit_test(precond_from_zero_b),
        cmocka_unit_test(adam_rescaling_symmetry),
        cmocka_unit_test(lora_pro_identities),
        cmocka_unit_test(lora_pro_tracks_full),
        cmocka_unit_test(sweep_axis_variants),
        cmocka_unit_test(mlp_lora_gradients),
        cmocka_unit_test(mlp_lora_starts_pretrained),
        cmocka_unit_test(mlp_lora_frozen_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
