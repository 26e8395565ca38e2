/* tests/test_eos.c — issue 27: Lanczos top-k eigenvalues against GSL's dense eigensolver on exact
 * Hessians (mlp, matreg, rosenbrock; relative error <= 1e-8), against closed forms on quadratics
 * (nqm spectrum, repeated eigenvalues), the preconditioned sharpness of a diagonal P, and the
 * trajectory's sharpness probe; the mlp's exact third derivative D^3L[u, u, .] against the symmetric
 * difference of exact HVPs and against the closed form of the quartic 1-1-1 linear network. */
#include "testutil.h"
#include "../sim/core/lanczos.h"
#include "../sim/core/problems/net.h"
#include "../sim/core/status.h"
#include "../sim/core/replicate.h"
#include "../sim/kinds/flow.h"
#include "../optimizers/sgd.h"

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

/* The top k eigenvalues of D H(x0) D (D = diag(d), or I for d NULL) of the problem given by its
 * [problem] lines (seed 2), Lanczos to tol 1e-12 with m = dim iterations at most. */
static void top_at_x0(const char *problem_text, const double *d, size_t k, double *top)
{
    char ini[512];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 2\n[problem]\n%s[run]\nsteps = 1\n"
             "[optimizer o]\ntype = sgd\nlr = 0.1\n", problem_text);
    config *c = tu_config(ini);
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    double *work = malloc((lanczos_work_size(n, n) + n) * sizeof *work);
    lanczos_hessian op = { pb, pb->x0, d, work + lanczos_work_size(n, n) };
    assert_int_equal(lanczos_top(n, k, n, lanczos_hessian_op, &op, NULL, 1e-12, work, top, NULL,
                                 NULL), OD_OK);
    free(work);
    problem_free(pb);
    config_free(c);
}

/* The nqm's H = diag(i^-p) (closed form); a quadratic with a 3-fold top eigenvalue, which a
 * single Krylov sequence cannot see more than once without the breakdown restart. */
static void lanczos_closed_forms(void **state)
{
    (void)state;
    double top[4];
    top_at_x0("type = nqm\ndim = 200\nhessian_power = 1.3\n", NULL, 4, top);
    for (size_t i = 0; i < 4; i++)
        assert_true(fabs(top[i] - pow((double)(i + 1), -1.3)) <= 1e-10 * top[i]);
    top_at_x0("type = quadratic\ndim = 6\neigenvalues = 3.25, 3.25, 3.25, 1.5, 0.75, 0.5\n", NULL,
              4, top);
    const double want[4] = { 3.25, 3.25, 3.25, 1.5 };
    for (size_t i = 0; i < 4; i++)
        if (!(fabs(top[i] - want[i]) <= 1e-12 * want[i]))
            fail_msg("quadratic: eigenvalue %zu %.17g want %.17g", i, top[i], want[i]);
}

/* lambda_max(P^-1 H) for H = diag(h) (nqm) and P = diag(p): max h_i/p_i (closed form), and on the
 * mlp against the dense D H D, D = P^-1/2. */
static void preconditioned_sharpness(void **state)
{
    (void)state;
    size_t n = 50;
    double d[50], want[50], top[2];
    for (size_t i = 0; i < n; i++) {
        double p = 1.0 / (1.0 + 0.37 * (double)((i * 7) % 11)), h = 1.0 / (double)(i + 1);
        d[i] = 1.0 / sqrt(p);
        want[i] = h / p;
    }
    gsl_vector_view wv = gsl_vector_view_array(want, n);
    gsl_sort_vector(&wv.vector);
    top_at_x0("type = nqm\ndim = 50\nhessian_power = 1\n", d, 2, top);
    assert_true(fabs(top[0] - want[n - 1]) <= 1e-10 * want[n - 1]);
    assert_true(fabs(top[1] - want[n - 2]) <= 1e-10 * want[n - 2]);
    config *c = tu_config("[experiment]\nseed = 8\n[problem]\n" "type = mlp\ninputs = 4\nhidden = 9\n"
                          "outputs = 2\nteacher_hidden = 3\nactivation = tanh\nexamples = 70\n[run]\n"
                          "steps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
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

/* The self-stabilization model (Damian, Nichani & Lee 2023, sec. 4): w = (x1, x2, y),
 *   L = 1/2 (x - c)^T A (x - c) + 1/2 S(x) y^2,  S(x) = s0 + a.x,
 * whose top eigenvalue at y = 0 is S(x) (> lambda_max(A)): gradient flow from y = 0 raises it
 * (progressive sharpening, a.(c - x0) > 0) past 2/lr; the central flow instead follows
 * x(t) = c + e^(-At)(x0 - c) until S = 2/lr at t*, then the gradient flow projected on the line
 * S(x) = 2/lr: x = x* + s d, d = a_perp/|a|, s(t) = s_eq (1 - e^(-k (t - t*))), k = d.A d,
 * s_eq = d.A (c - x*)/k, with sigma^2 = -2 a.A(x - c)/|a|^2 — all in closed form. */
static const double SS_A[2][2] = { { 1.0, 0.3 }, { 0.3, 0.5 } }, SS_C[2] = { 2.0, 1.0 };
static const double SS_a[2] = { 1.0, 0.5 }, SS_s0 = 1.5, SS_LR = 2.0 / 3.0;

static double ss_S(const double *w) { return SS_s0 + SS_a[0] * w[0] + SS_a[1] * w[1]; }

static void ss_Ax(const double *x, double *out)     /* A (x - c) */
{
    for (int i = 0; i < 2; i++)
        out[i] = SS_A[i][0] * (x[0] - SS_C[0]) + SS_A[i][1] * (x[1] - SS_C[1]);
}

static double ss_loss(const problem *pb, const double *w)
{
    (void)pb;
    double r[2];
    ss_Ax(w, r);
    return 0.5 * (r[0] * (w[0] - SS_C[0]) + r[1] * (w[1] - SS_C[1])) + 0.5 * ss_S(w) * w[2] * w[2];
}

static int ss_grad(const problem *pb, const double *w, const batch *b, double *g)
{
    (void)pb, (void)b;
    ss_Ax(w, g);
    for (int i = 0; i < 2; i++)
        g[i] += 0.5 * w[2] * w[2] * SS_a[i];
    g[2] = ss_S(w) * w[2];
    return OD_OK;
}

static int ss_hvp(const problem *pb, const double *w, const double *v, double *hv)
{
    (void)pb;
    for (int i = 0; i < 2; i++)
        hv[i] = SS_A[i][0] * v[0] + SS_A[i][1] * v[1] + w[2] * SS_a[i] * v[2];
    hv[2] = w[2] * (SS_a[0] * v[0] + SS_a[1] * v[1]) + ss_S(w) * v[2];
    return OD_OK;
}

static const problem_type ss_type = { .name = "selfstab", .loss = ss_loss, .grad = ss_grad,
                                      .hvp = ss_hvp };

/* e^(-At) v for the symmetric 2 x 2 A (closed-form eigenpairs). */
static void ss_expm(double t, const double *v, double *out)
{
    double p = 0.5 * (SS_A[0][0] + SS_A[1][1]), q = 0.5 * (SS_A[0][0] - SS_A[1][1]);
    double r = hypot(q, SS_A[0][1]), l1 = p + r, l2 = p - r, th = 0.5 * atan2(SS_A[0][1], q);
    double e1[2] = { cos(th), sin(th) }, e2[2] = { -sin(th), cos(th) };
    double c1 = e1[0] * v[0] + e1[1] * v[1], c2 = e2[0] * v[0] + e2[1] * v[1];
    for (int i = 0; i < 2; i++)
        out[i] = exp(-l1 * t) * c1 * e1[i] + exp(-l2 * t) * c2 * e2[i];
}

static void ss_gradient_flow(double t, const double *x0, double *x)
{
    double d[2] = { x0[0] - SS_C[0], x0[1] - SS_C[1] };
    ss_expm(t, d, x);
    x[0] += SS_C[0], x[1] += SS_C[1];
}

/* The central flow in closed form at t (x into x, sigma^2 returned); *tstar: the edge time. */
static double ss_central(double t, const double *x0, double *x, double *tstar)
{
    double lo = 0.0, hi = 100.0, edge = 2.0 / SS_LR, xs[2];
    for (int it = 0; it < 200; it++) {          /* bisection on S(x(t)) = 2/lr */
        double mid = 0.5 * (lo + hi);
        ss_gradient_flow(mid, x0, xs);
        if (ss_S(xs) < edge)
            lo = mid;
        else
            hi = mid;
    }
    *tstar = 0.5 * (lo + hi);
    if (t <= *tstar) {
        ss_gradient_flow(t, x0, x);
        return 0.0;
    }
    ss_gradient_flow(*tstar, x0, xs);
    double na = hypot(SS_a[0], SS_a[1]), d[2] = { -SS_a[1] / na, SS_a[0] / na }, Ad[2], r[2];
    double cx[2] = { SS_C[0] - xs[0] + SS_C[0], SS_C[1] - xs[1] + SS_C[1] };   /* A(c - x*) */
    ss_Ax(cx, r);
    for (int i = 0; i < 2; i++)
        Ad[i] = SS_A[i][0] * d[0] + SS_A[i][1] * d[1];
    double k = d[0] * Ad[0] + d[1] * Ad[1], seq = (d[0] * r[0] + d[1] * r[1]) / k;
    double s = seq * -expm1(-k * (t - *tstar));
    x[0] = xs[0] + s * d[0], x[1] = xs[1] + s * d[1];
    ss_Ax(x, r);
    return -2.0 * (SS_a[0] * r[0] + SS_a[1] * r[1]) / (na * na);
}

/* D^3L(x)[u, u, .] of the mlp: (a) tanh with biases, against (H(x + h u) u - H(x - h u) u)/(2h)
 * and its Richardson extrapolation with h/2 (errors O(h^2), O(h^4)); (b) the 1-1-1 linear
 * network, L = m p^2/2 - c p + const, p = w1 w2, m = mean x_j^2, c = mean x_j y_j, where
 * u^T H u = m q^2 + 2 (m p - c) u1 u2, q = u1 w2 + w1 u2, so
 *   D^3L[u, u, .] = (2 m q u2 + 2 m w2 u1 u2, 2 m q u1 + 2 m w1 u1 u2). */
static void fd3(const problem *pb, const double *x, const double *u, double h, double *out)
{
    size_t n = pb->n;
    double *y = calloc(n, sizeof *y), *hp = malloc(n * sizeof *hp), *hm = malloc(n * sizeof *hm);
    for (size_t l = 0; l < n; l++)
        y[l] = x[l] + h * u[l];
    assert_int_equal(pb->type->hvp(pb, y, u, hp), OD_OK);
    for (size_t l = 0; l < n; l++)
        y[l] = x[l] - h * u[l];
    assert_int_equal(pb->type->hvp(pb, y, u, hm), OD_OK);
    for (size_t l = 0; l < n; l++)
        out[l] = (hp[l] - hm[l]) / (2.0 * h);
    free(y), free(hp), free(hm);
}

/* D^3L[u, u, .] of a two-hidden-layer tanh net with biases and squared error (the layers the
 * mlp problem does not build), against the Richardson-extrapolated difference of exact HVPs;
 * 1200 examples, so the sums run in two chunks. */
static void third_derivative_two_layers(void **state)
{
    (void)state;
    net m;
    memset(&m, 0, sizeof m);
    net_shape(&m, 3, 5, 4, 2, 1);
    m.act = NET_TANH;
    m.out = &net_squared;
    m.N = 1200;
    double *X = malloc(m.N * 3 * sizeof *X), *Y = malloc(m.N * 2 * sizeof *Y);
    for (size_t i = 0; i < m.N * 3; i++)
        X[i] = sin(0.37 * (double)i + 0.1);
    for (size_t i = 0; i < m.N * 2; i++)
        Y[i] = cos(0.91 * (double)i);
    m.X = X, m.Y = Y;
    problem_type type = { .hvp = net_problem_hvp, .d3 = net_problem_d3 };
    problem pb = { .type = &type, .n = m.n, .data = &m, .threads = 2 };
    size_t n = m.n;
    double *x = malloc(n * sizeof *x), *u = malloc(n * sizeof *u), *t = malloc(n * sizeof *t);
    double *t2 = malloc(n * sizeof *t2);
    double *f[2] = { malloc(n * sizeof(double)), malloc(n * sizeof(double)) };
    for (size_t l = 0; l < n; l++) {
        x[l] = 0.6 * sin(1.7 * (double)l + 0.3);
        u[l] = cos(1.1 * (double)l * (double)l + 0.5) / sqrt((double)n);
    }
    assert_int_equal(net_d3(&m, x, u, t), OD_OK);
    assert_int_equal(pb.type->d3(&pb, x, u, t2), OD_OK);      /* 2 threads: the same bits */
    assert_memory_equal(t, t2, n * sizeof *t);
    fd3(&pb, x, u, 1e-3, f[0]);
    fd3(&pb, x, u, 5e-4, f[1]);
    double e = 0.0, nt = 0.0;
    for (size_t l = 0; l < n; l++) {
        e = fmax(e, fabs(t[l] - (4.0 * f[1][l] - f[0][l]) / 3.0));
        nt = fmax(nt, fabs(t[l]));
    }
    print_message("  D^3L[u,u,.] (two hidden layers, n = %zu): |exact - Richardson|_inf = %.2e of "
                  "%.3g\n", n, e, nt);
    assert_true(nt > 1e-3);
    assert_true(e <= 1e-8 * nt);
    m.out = &net_cross_entropy;
    assert_int_equal(net_d3(&m, x, u, t), OD_ENOTSUP);
    free(X), free(Y), free(x), free(u), free(t), free(t2), free(f[0]), free(f[1]);
}

static void third_derivative(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 5\n[problem]\ntype = mlp\ninputs = 3\nhidden = 6\n"
                          "outputs = 2\nteacher_hidden = 2\nactivation = tanh\nbias = yes\n"
                          "examples = 40\nlabel_noise = 0.3\n[run]\nsteps = 1\n"
                          "[optimizer o]\ntype = sgd\nlr = 0.1\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    double *x = malloc(n * sizeof *x), *u = malloc(n * sizeof *u), *t = malloc(n * sizeof *t);
    double *f1 = malloc(n * sizeof *f1), *f2 = malloc(n * sizeof *f2), nu = 0.0;
    for (size_t l = 0; l < n; l++) {     /* off x0, with nonzero biases */
        x[l] = pb->x0[l] + 0.3 * sin(2.1 * (double)l + 0.4);
        u[l] = cos(1.3 * (double)l * (double)l + 0.2);
        nu += u[l] * u[l];
    }
    for (size_t l = 0; l < n; l++)
        u[l] /= sqrt(nu);
    assert_non_null(pb->type->d3);
    assert_int_equal(pb->type->d3(pb, x, u, t), OD_OK);
    fd3(pb, x, u, 1e-3, f1);
    fd3(pb, x, u, 5e-4, f2);
    double e1 = 0.0, e2 = 0.0, nt = 0.0;
    for (size_t l = 0; l < n; l++) {
        e1 = fmax(e1, fabs(t[l] - f1[l]));
        e2 = fmax(e2, fabs(t[l] - (4.0 * f2[l] - f1[l]) / 3.0));
        nt = fmax(nt, fabs(t[l]));
    }
    print_message("  D^3L[u,u,.] (mlp, n = %zu): |exact - symmetric difference h = 1e-3|_inf = %.2e, "
                  "- Richardson = %.2e, |exact|_inf = %.3g\n", n, e1, e2, nt);
    assert_true(nt > 1e-2);
    assert_true(e1 <= 1e-5 * nt);
    assert_true(e2 <= 1e-8 * nt);
    assert_true(e2 < e1);
    problem_free(pb);
    config_free(c);
    free(x), free(u), free(t), free(f1), free(f2);

    c = tu_config("[experiment]\nseed = 2\n[problem]\ntype = mlp\ninputs = 1\nhidden = 1\n"
                  "outputs = 1\nteacher_hidden = 1\nactivation = linear\nexamples = 30\n"
                  "label_noise = 0.5\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\nlr = 0.1\n");
    pb = tu_problem(c);
    const net *m = pb->data;
    assert_int_equal(pb->n, 2);
    double mm = 0.0, w[2] = { 0.7, -1.3 }, v[2] = { 0.6, 0.8 }, got[2], want[2];
    for (size_t j = 0; j < m->N; j++)
        mm += m->X[j] * m->X[j] / (double)m->N;
    double q = v[0] * w[1] + w[0] * v[1];
    want[0] = 2.0 * mm * q * v[1] + 2.0 * mm * w[1] * v[0] * v[1];
    want[1] = 2.0 * mm * q * v[0] + 2.0 * mm * w[0] * v[0] * v[1];
    assert_int_equal(pb->type->d3(pb, w, v, got), OD_OK);
    for (int i = 0; i < 2; i++)
        assert_true(fabs(got[i] - want[i]) <= 1e-13 * fabs(want[i]));
    problem_free(pb);
    config_free(c);
}

static void central_flow_closed_form(void **state)
{
    (void)state;
    double x0[3] = { 0.0, 0.0, 0.0 };
    problem pb = { .type = &ss_type, .n = 3, .x0 = x0, .fstar = NAN };
    opt_params p;
    sgd_params sp;
    memset(&p, 0, sizeof p);
    memset(&sp, 0, sizeof sp);
    sp.lr = SS_LR;
    sp.central_k = 2;
    memcpy(&p, &sp, sizeof sp);
    double ts, xc[3], xg[3], xe[3], w[3];
    ss_central(0.0, x0, xe, &ts);
    const double t[6] = { 0.5 * ts, ts - 0.05, ts + 0.5, ts + 2.0, ts + 6.0, ts + 20.0 };
    double xs[18], xgs[18];
    char err[256];
    assert_int_equal(flow_solve(&opt_flow_central, &p, &pb, x0, FLOW_RK8PD, 1e-11, 6, t, xs, err,
                                sizeof err), OD_OK);
    assert_int_equal(flow_solve(&opt_flow_gradient, &p, &pb, x0, FLOW_RK8PD, 1e-11, 6, t, xgs,
                                err, sizeof err), OD_OK);
    double *work = calloc(flow_work_size(&opt_flow_central, 3), sizeof *work);
    for (int j = 0; j < 6; j++) {
        double sig = ss_central(t[j], x0, xe, &ts), out[3];
        memcpy(xc, xs + 3 * j, sizeof xc);
        memcpy(xg, xgs + 3 * j, sizeof xg);
        double e = hypot(xc[0] - xe[0], xc[1] - xe[1]) + fabs(xc[2]);
        assert_int_equal(opt_flow_central.extra(xc, 3, &p, &pb, work, out), OD_OK);
        w[0] = xe[0], w[1] = xe[1], w[2] = 0.0;
        double pred = ss_loss(&pb, w) + 0.5 * sig * ss_S(w);
        print_message("  t = %7.4f (t* = %.4f): |x_central - closed form| = %.2e, S = %.12f, "
                      "sigma^2 %.10f (closed %.10f), predicted loss %.10f (closed %.10f), "
                      "gradient flow S = %.4f\n", t[j], ts, e, out[0], out[1], sig, out[2], pred,
                      ss_S(xg));
        /* the flow's edge band (S_i >= (1 - 1e-6) 2/lr counts as at the edge, relaxing at rate
         * 1/lr: optimizers/central_flow.c) moves x by <= 1e-6 (2/lr)/|grad S| = 2.7e-6 along
         * grad S = a, and sigma^2 by the relaxation term 2 (1e-6 2/lr)/lr/|a|^2 = 7.2e-6 */
        assert_true(e <= 1e-7 + 3e-6);
        assert_true(fabs(out[1] - sig) <= 1e-8 + 8e-6);
        assert_true(fabs(out[2] - pred) <= 1e-7 * fabs(pred) + 0.5 * 8e-6 * 3.0);
        assert_true(out[0] <= 2.0 / SS_LR * (1 + 1e-8));
    }
    assert_true(ss_S(xgs + 15) > 2.0 / SS_LR + 0.5);    /* the gradient flow is past the edge */
    free(work);
}

/* The central flow's right-hand side on the mlp past the edge (2/lr = S_1(x)/2 at x = 2000 GD
 * steps from x0, where g is small enough that s > 0): with the exact grad S (the type's d3) and
 * with the symmetric HVP difference (the same type without d3) the variance s and dx/dt agree to
 * the difference's error (~1e-9 relative). */
static void central_flow_exact_vs_difference(void **state)
{
    (void)state;
    config *c = tu_config("[experiment]\nseed = 4\n[problem]\ntype = mlp\ninputs = 4\nhidden = 8\n"
                          "outputs = 2\nteacher_hidden = 2\nactivation = tanh\nexamples = 50\n"
                          "label_noise = 0.5\n[run]\nsteps = 1\n[optimizer o]\ntype = sgd\n"
                          "lr = 0.1\n");
    problem *pb = tu_problem(c);
    size_t n = pb->n;
    problem_type nod3 = *pb->type;
    nod3.d3 = NULL;
    problem pb2 = *pb;
    pb2.type = &nod3;
    opt_params p;
    sgd_params sp;
    memset(&p, 0, sizeof p);
    memset(&sp, 0, sizeof sp);
    sp.lr = 1.0, sp.central_k = 1;
    memcpy(&p, &sp, sizeof sp);
    double *w1 = calloc(flow_work_size(&opt_flow_central, n), sizeof *w1);
    double *w2 = calloc(flow_work_size(&opt_flow_central, n), sizeof *w2);
    double *f1 = malloc(n * sizeof *f1), *f2 = malloc(n * sizeof *f2), o1[3], o2[3];
    double *x = malloc(n * sizeof *x);
    memcpy(x, pb->x0, n * sizeof *x);
    tu_iterate(c, pb, &c->opt[0], INFINITY, 2000, x);
    assert_int_equal(opt_flow_central.extra(x, n, &p, pb, w1, o1), OD_OK);     /* S_1 at lr 1 */
    sp.lr = 2.0 * 2.0 / o1[0];
    memcpy(&p, &sp, sizeof sp);
    assert_int_equal(opt_flow_central.extra(x, n, &p, pb, w1, o1), OD_OK);
    assert_int_equal(opt_flow_central.extra(x, n, &p, &pb2, w2, o2), OD_OK);
    assert_int_equal(opt_flow_central.rhs(0.0, x, f1, n, &p, pb, w1), OD_OK);
    assert_int_equal(opt_flow_central.rhs(0.0, x, f2, n, &p, &pb2, w2), OD_OK);
    double d = 0.0, nf = 0.0;
    for (size_t l = 0; l < n; l++) {
        d = fmax(d, fabs(f1[l] - f2[l]));
        nf = fmax(nf, fabs(f1[l]));
    }
    print_message("  central flow at S_1 = 2 x 2/lr (n = %zu): s = %.10g exact, %.10g by "
                  "difference; |dx/dt exact - difference|_inf = %.2e of %.3g\n", n, o1[1], o2[1],
                  d, nf);
    assert_true(o1[1] > 0.0);
    assert_true(fabs(o1[1] - o2[1]) <= 1e-7 * o1[1]);
    assert_true(d <= 1e-7 * nf);
    free(w1), free(w2), free(f1), free(f2), free(x);
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
        cmocka_unit_test(central_flow_closed_form),
        cmocka_unit_test(third_derivative),
        cmocka_unit_test(third_derivative_two_layers),
        cmocka_unit_test(central_flow_exact_vs_difference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
