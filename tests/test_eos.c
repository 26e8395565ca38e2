/* tests/test_eos.c — issue 27: Lanczos top-k eigenvalues against GSL's dense eigensolver on exact
 * Hessians (mlp, matreg, rosenbrock; relative error <= 1e-8), against closed forms on quadratics
 * (nqm spectrum, repeated eigenvalues), the preconditioned sharpness of a diagonal P, and the
 * trajectory's sharpness probe. */
#include "testutil.h"
#include "../sim/core/lanczos.h"
#include "../sim/core/status.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Dense H(x) from n Hessian-vector products, symmetrized; eigenvalues descending into ev. */
static void dense_eigenvalues(const problem *pb, const double *x, const double *d, double *ev)
{
    size_t n = pb->n;
    gsl_matrix *H = gsl_matrix_alloc(n, n);
    gsl_vector_view e = gsl_vector_view_array(ev, n);
    double *v = calloc(n, sizeof *v), *hv = malloc(n * sizeof *hv), *tmp = malloc(n * sizeof *tmp);
    lanczos_hessian op = { pb, x, d, tmp };
    for (size_t j = 0; j < n; j++) {
        v[j] = 1.0;
        assert_int_equal(lanczos_hessian_op(&op, v, hv), OD_OK);
        v[j] = 0.0;
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(H, i, j, hv[i]);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double s = 0.5 * (gsl_matrix_get(H, i, j) + gsl_matrix_get(H, j, i));
            gsl_matrix_set(H, i, j, s);
            gsl_matrix_set(H, j, i, s);
        }
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(n);
    assert_int_equal(gsl_eigen_symm(H, &e.vector, w), 0);
    gsl_sort_vector(&e.vector);
    for (size_t i = 0; i < n / 2; i++) {
        double t = ev[i];
        ev[i] = ev[n - 1 - i];
        ev[n - 1 - i] = t;
    }
    gsl_eigen_symm_free(w);
    gsl_matrix_free(H);
    free(v), free(hv), free(tmp);
}

/* Lanczos top-k at x (D = d or I) vs the dense solution: relative error <= 1e-8; returns the
 * iterations; eigenvectors checked by their residual |D H D u - S u| <= 1e-6 S_1. */
static size_t check_top(const problem *pb, const double *x, const double *d, size_t k, size_t m,
                        const double *start)
{
    size_t n = pb->n;
    double *ev = malloc(n * sizeof *ev), *top = malloc(k * sizeof *top);
    double *vec = malloc(k * n * sizeof *vec), *work = malloc(lanczos_work_size(n, m) * sizeof *work);
    double *tmp = malloc(n * sizeof *tmp), *hu = malloc(n * sizeof *hu);
    dense_eigenvalues(pb, x, d, ev);
    lanczos_hessian op = { pb, x, d, tmp };
    lanczos_info info;
    assert_int_equal(lanczos_top(n, k, m, lanczos_hessian_op, &op, start, 1e-10, work, top, vec,
                                 &info), OD_OK);
    double scale = fmax(fabs(ev[0]), fabs(ev[n - 1]));
    for (size_t i = 0; i < k; i++) {
        if (fabs(top[i] - ev[i]) > 1e-8 * fabs(ev[i]) + 1e-14 * scale)
            fail_msg("%s n = %zu: eigenvalue %zu Lanczos %.15g dense %.15g", pb->type->name, n, i,
                     top[i], ev[i]);
        assert_int_equal(lanczos_hessian_op(&op, vec + i * n, hu), OD_OK);
        double r = 0.0;
        for (size_t l = 0; l < n; l++)
            r += (hu[l] - top[i] * vec[i * n + l]) * (hu[l] - top[i] * vec[i * n + l]);
        if (!(sqrt(r) <= 1e-6 * scale))
            fail_msg("%s n = %zu: eigenvector %zu residual %g (scale %g)", pb->type->name, n, i,
                     sqrt(r), scale);
    }
    free(ev), free(top), free(vec), free(work), free(tmp), free(hu);
    return info.iters;
}

/* Problems and the GD lr that takes them 40 steps away from x0. */
static const char *const dense_problems[][2] = {
    { "type = mlp\ninputs = 4\nhidden = 12\noutputs = 2\nteacher_hidden = 3\nactivation = tanh\n"
      "bias = yes\nexamples = 80\n", "0.0213" },
    { "type = mlp\ninputs = 6\nhidden = 10\noutputs = 1\nteacher_hidden = 4\nactivation = tanh\n"
      "examples = 50\n", "0.0213" },
    { "type = matreg\nrows = 5\ncols = 4\nrank = 2\nexamples = 60\n", "0.0213" },
    { "type = rosenbrock\n", "0.000213" },
};

/* At x0 and at a point 40 GD steps in, for k = 1, 3, 5 (k = 1 on 2-D problems). */
static void lanczos_vs_dense(void **state)
{
    (void)state;
    for (size_t p = 0; p < sizeof dense_problems / sizeof *dense_problems; p++) {
        char ini[1024];
        snprintf(ini, sizeof ini, "[experiment]\nseed = 5\n[problem]\n%s[run]\nsteps = 1\n"
                 "[optimizer gd]\ntype = sgd\nlr = %s\n", dense_problems[p][0], dense_problems[p][1]);
        config *c = tu_config(ini);
        problem *pb = tu_problem(c);
        size_t n = pb->n;
        double *x = malloc(n * sizeof *x);
        for (int at = 0; at < 2; at++) {
            if (at)
                tu_iterate(c, pb, &c->opt[0], INFINITY, 40, x);
            else
                memcpy(x, pb->x0, n * sizeof *x);
            size_t ks[3] = { 1, 3, 5 };
            for (int j = 0; j < 3 && ks[j] <= n / 2 + (n < 4); j++) {
                size_t it = check_top(pb, x, NULL, ks[j], 300, NULL);
                print_message("  %-10s n = %3zu k = %zu: %zu Lanczos iterations\n", pb->type->name,
                              n, ks[j], it);
            }
        }
        free(x);
        problem_free(pb);
        config_free(c);
    }
}

/* The nqm's H = diag(i^-p) (closed form); a quadratic with a 3-fold top eigenvalue, which a
 * single Krylov sequence cannot see more than once without the breakdown restart. */
static void lanczos_closed_forms(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 2\n[problem]\ntype = nqm\ndim = 200\n"
                          "hessian_power = 1.3\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n, k = 4;
    double top[4], *work = malloc(lanczos_work_size(n, 200) * sizeof *work), tmp[200];
    lanczos_hessian op = { pb, pb->x0, NULL, tmp };
    assert_int_equal(lanczos_top(n, k, 200, lanczos_hessian_op, &op, NULL, 1e-12, work, top,
                                 NULL, NULL), OD_OK);
    for (size_t i = 0; i < k; i++)
        assert_true(fabs(top[i] - pow((double)(i + 1), -1.3)) <= 1e-10 * top[i]);
    free(work);
    problem_free(pb);
    config_free(c);
    c = tu_config("[experiment]\nseed = 2\n[problem]\ntype = quadratic\ndim = 6\n"
                  "eigenvalues = 3.25, 3.25, 3.25, 1.5, 0.75, 0.5\n[run]\nsteps = 1\n"
                  "[optimizer o]\ntype = sgd\nlr = 0.1\n");
    pb = tu_problem(c);
    n = pb->n;
    double ev[4], w6[7 * 6 + 6 + 42 + 72], t6[6];
    assert_true(lanczos_work_size(6, 6) <= sizeof w6 / sizeof *w6);
    lanczos_hessian op6 = { pb, pb->x0, NULL, t6 };
    assert_int_equal(lanczos_top(n, 4, 6, lanczos_hessian_op, &op6, NULL, 1e-12, w6, ev, NULL,
                                 NULL), OD_OK);
    const double want[4] = { 3.25, 3.25, 3.25, 1.5 };
    for (size_t i = 0; i < 4; i++)
        if (!(fabs(ev[i] - want[i]) <= 1e-12 * want[i]))
            fail_msg("quadratic: eigenvalue %zu %.17g want %.17g", i, ev[i], want[i]);
    problem_free(pb);
    config_free(c);
}

/* lambda_max(P^-1 H) for H = diag(h) (nqm) and P = diag(p): max h_i/p_i (closed form), and on the
 * mlp against the dense D H D, D = P^-1/2. */
static void preconditioned_sharpness(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 2\n[problem]\ntype = nqm\ndim = 50\n"
                          "hessian_power = 1\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    double d[50], want[50], tmp[50], top[2], *work = malloc(lanczos_work_size(n, 50) * sizeof *work);
    for (size_t i = 0; i < n; i++) {
        double p = 1.0 / (1.0 + 0.37 * (double)((i * 7) % 11)), h = 1.0 / (double)(i + 1);
        d[i] = 1.0 / sqrt(p);
        want[i] = h / p;
    }
    gsl_vector_view wv = gsl_vector_view_array(want, n);
    gsl_sort_vector(&wv.vector);
    lanczos_hessian op = { pb, pb->x0, d, tmp };
    assert_int_equal(lanczos_top(n, 2, 50, lanczos_hessian_op, &op, NULL, 1e-12, work, top, NULL,
                                 NULL), OD_OK);
    assert_true(fabs(top[0] - want[n - 1]) <= 1e-10 * want[n - 1]);
    assert_true(fabs(top[1] - want[n - 2]) <= 1e-10 * want[n - 2]);
    free(work);
    problem_free(pb);
    config_free(c);
    c = tu_config("[experiment]\nseed = 8\n[problem]\n" "type = mlp\ninputs = 4\nhidden = 9\n"
                  "outputs = 2\nteacher_hidden = 3\nactivation = tanh\nexamples = 70\n[run]\n"
                  "steps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
    pb = tu_problem(c);
    n = pb->n;
    double *dd = malloc(n * sizeof *dd);
    for (size_t i = 0; i < n; i++)
        dd[i] = 1.0 / sqrt(0.05 + 0.9 * fabs(sin(1.7 * (double)i)));
    check_top(pb, pb->x0, dd, 3, n, NULL);
    free(dd);
    problem_free(pb);
    config_free(c);
}

/* Cost of one probe on the EoS figure's network: cold and warm-started Lanczos (iterations and
 * wall time, printed; not asserted: benchmarks are not timed tests). */
static void probe_cost(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 1\n[problem]\ntype = mlp\ninputs = 8\n"
                          "hidden = 32\noutputs = 1\nteacher_hidden = 8\nactivation = tanh\n"
                          "examples = 256\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.2\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n, m = 100;
    double *x = malloc(n * sizeof *x), *tmp = malloc(n * sizeof *tmp), *vec = malloc(n * sizeof *vec);
    double *work = malloc(lanczos_work_size(n, m) * sizeof *work), s, s2;
    memcpy(x, pb->x0, n * sizeof *x);
    lanczos_hessian op = { pb, x, NULL, tmp };
    lanczos_info cold, warm;
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double tc;
    assert_int_equal(lanczos_top(n, 1, m, lanczos_hessian_op, &op, NULL, 1e-10, work, &s, vec,
                                 &cold), OD_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tc = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 10, x);   /* ten GD steps on */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(lanczos_top(n, 1, m, lanczos_hessian_op, &op, vec, 1e-10, work, &s2, vec,
                                 &warm), OD_OK);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    double tw = (double)(t2.tv_sec - t0.tv_sec) + 1e-9 * (double)(t2.tv_nsec - t0.tv_nsec);
    print_message("  probe cost, mlp n = %zu, N = 256: cold %zu HVPs (%.2f ms), "
                  "warm %zu HVPs (%.2f ms); S = %.6g -> %.6g\n", n, cold.iters, 1e3 * tc,
                  warm.iters, 1e3 * tw, s, s2);
    assert_true(warm.iters <= cold.iters);
    free(x), free(tmp), free(vec), free(work);
    problem_free(pb);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanczos_vs_dense),
        cmocka_unit_test(lanczos_closed_forms),
        cmocka_unit_test(preconditioned_sharpness),
        cmocka_unit_test(probe_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
