/* tests/test_lora.c — problem `lora`: factor gradients and Hessian action against finite differences,
 * W(A0, B0) = W0 for every init, and LoRA-GA's first SGD step against full fine-tuning (the gap
 * is lr times G0's part beyond its top 2r singular directions, plus the exact lr^2 term). */
#include "testutil.h"
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
            fd[i] = (8 * (f1 - f2) - (f3 - f4)) / (12 * h);   /* error O(h^4) */
            fd[i] -= g[i];
        }
        double rel = norm(n, fd) / norm(n, g);
        print_message("init %-10s |g - fd|/|g| = %.2e\n", inits[k], rel);
        assert_true(rel <= 1e-7);
        assert_int_equal(pb->type->hvp(pb, x, v, hv), OD_OK);
        for (size_t i = 0; i < n; i++)
            xp[i] = x[i] + 1e-5 * v[i];
        pb->type->grad(pb, xp, NULL, gp);
        for (size_t i = 0; i < n; i++)
            xp[i] = x[i] - 1e-5 * v[i];
        pb->type->grad(pb, xp, NULL, gm);
        for (size_t i = 0; i < n; i++)
            fd[i] = (gp[i] - gm[i]) / 2e-5 - hv[i];
        rel = norm(n, fd) / norm(n, hv);
        assert_true(rel <= 1e-7);
        assert_int_equal(pb->type->hess_diag(pb, x, d), OD_OK);
        memset(v, 0, n * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            v[i] = 1.0;
            pb->type->hvp(pb, x, v, hv);
            v[i] = 0.0;
            assert_true(fabs(hv[i] - d[i]) <= 1e-12 * (1 + fabs(d[i])));
        }
        free(x), free(g), free(fd), free(xp), free(v), free(hv), free(gp), free(gm), free(d);
        problem_free(pb);
        config_free(c);
    }
}

/* Every init starts at W(A0, B0) = W0, the start of factorized = no. */
static void every_init_starts_at_w0(void **unused)
{
    (void)unused;
    config *cf = lora_config("factorized = no\n");
    problem *full = tu_problem(cf);
    size_t mk = full->type->weight(full, full->x0, NULL);
    double *W = malloc(mk * sizeof *W);
    assert_int_equal(mk, full->n);
    for (size_t k = 0; k < NINITS; k++) {
        char extra[64];
        snprintf(extra, sizeof extra, "init = %s\n", inits[k]);
        config *c = lora_config(extra);
        problem *pb = tu_problem(c);
        assert_int_equal(pb->type->weight(pb, pb->x0, W), mk);
        for (size_t i = 0; i < mk; i++)
            assert_true(fabs(W[i] - full->x0[i]) <= 1e-13);
        assert_true(fabs(pb->type->loss(pb, pb->x0) - full->type->loss(full, full->x0)) <= 1e-13);
        problem_free(pb);
        config_free(c);
    }
    free(W);
    problem_free(full);
    config_free(cf);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derivatives_match_finite_differences),
        cmocka_unit_test(every_init_starts_at_w0),
        cmocka_unit_test(lora_ga_first_step),
        cmocka_unit_test(per_block_lr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
