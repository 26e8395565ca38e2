/* tests/test_muon.c — Muon's orthogonalization against the acceptance bounds of issue 16: Newton-Schulz
 * singular values in [0.68, 1.14], the SVD polar factor orthogonal to 1e-12, the first step on
 * 1/2 |W - W*|_F^2 equal to -lr*polar(W0 - W*), the momentum and shape scales of the second step,
 * and the fallback on vector blocks equal to Adam. */
#include "testutil.h"
#include "../sim/kinds/update_sv.h"
#include "../sim/core/rng.h"
#include "../sim/core/status.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* matreg's Gaussian model without noise, L = 1/2 |W - W*|_F^2, and one muon section. */
static config *plain_matrix(size_t r, size_t c, const char *muon)
{
    char ini[1024];
    snprintf(ini, sizeof ini, "[experiment]\nseed = 21\n[problem]\ntype = matreg\nrows = %zu\n"
             "cols = %zu\nrank = 1\nexamples = 0\nlabel_noise = 0\ninit_scale = 1\n[run]\nsteps = 1\n"
             "[optimizer o]\ntype = muon\n%s\n", r, c, muon);
    return tu_config(ini);
}

/* dx of Muon's first step from W = W* + G (so the gradient is G). */
static void first_step(const config *c, const problem *pb, const double *G, double *dx)
{
    size_t n = pb->n;
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = pb->xstar[i] + G[i];
    const cfg_optimizer *o = &c->opt[0];
    double *st = opt_state_alloc(o->type, n, &o->p);
    assert_int_equal(o->type->step(st, n, 1, &o->p, x, pb, NULL, dx), OD_OK);
    free(st);
    free(x);
}

/* Singular values (descending, min(r, c) of them) of the r x c row-major matrix A. */
static void singular_values(const double *A, size_t r, size_t c, double *s)
{
    size_t p = r >= c ? r : c, q = r >= c ? c : r;
    gsl_matrix *M = gsl_matrix_alloc(p, q), *V = gsl_matrix_alloc(q, q);
    gsl_vector_view S = gsl_vector_view_array(s, q);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            gsl_matrix_set(M, r >= c ? i : j, r >= c ? j : i, A[i * c + j]);
    assert_int_equal(gsl_linalg_SV_decomp_jacobi(M, V, &S.vector), 0);
    gsl_matrix_free(M);
    gsl_matrix_free(V);
}

/* G = U diag(t) V^T (r x c) with U, V the singular vectors of a seeded Gaussian matrix. */
static void with_singular_values(size_t r, size_t c, const double *t, uint64_t tag, double *G)
{
    size_t p = r >= c ? r : c, q = r >= c ? c : r;
    gsl_matrix *U = gsl_matrix_alloc(p, q), *V = gsl_matrix_alloc(q, q);
    gsl_vector *s = gsl_vector_alloc(q);
    rng_stream st = rng_stream_make(77, RNG_INIT, tag);
    rng_normals(&st, 0, p * q, U->data);
    assert_int_equal(gsl_linalg_SV_decomp_jacobi(U, V, s), 0);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < q; j++) {
            double g = 0.0;
            for (size_t k = 0; k < q; k++)
                g += gsl_matrix_get(U, i, k) * t[k] * gsl_matrix_get(V, j, k);
            G[r >= c ? i * c + j : j * c + i] = g;
        }
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(s);
}

static const size_t shapes[][2] = { { 4, 4 }, { 6, 3 }, { 3, 7 }, { 1, 5 }, { 5, 1 }, { 9, 8 } };
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* Inputs with |G|_F = 1 and singular values in [1e-2, 1]: `small` of them at 1.0001e-2 (1, half,
 * all but one) and the rest equal, or (profile 3) q-1 log-spaced in [1.0001e-2, 0.6] and one that
 * fills the norm; 5 steps map them into [0.68, 1.14] (the quintic's range on [1e-2, 1] is
 * [0.6818, 1.1344], its extremes at inputs 0.261 and 0.032; 4 steps reach 1.20). */
static void newton_schulz_band(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NSHAPES; k++)
        for (int profile = 0; profile < 4; profile++) {
            size_t r = shapes[k][0], c = shapes[k][1], q = r < c ? r : c;
            size_t small = q == 1 ? 0 : profile == 0 ? 1 : profile == 1 ? q / 2 : q - 1;
            double t[16], s[16], lo = 1.0001e-2;
            for (size_t i = 0; i < q; i++)
                t[i] = i < small ? lo : sqrt((1.0 - (double)small * lo * lo) / (double)(q - small));
            if (profile == 3 && q >= 3) {
                double ss = 0.0;
                for (size_t i = 0; i + 1 < q; i++) {
                    t[i] = lo * pow(0.6 / lo, (double)i / (double)(q - 2));
                    ss += t[i] * t[i];
                }
                t[q - 1] = sqrt(1.0 - ss);
            }
            config *c0 = plain_matrix(r, c, "lr = 1\nmomentum = 0\nscale = none");
            problem *pb = tu_problem(c0);
            double *G = malloc(r * c * sizeof *G), *dx = malloc(r * c * sizeof *dx);
            with_singular_values(r, c, t, 10 * k + (uint64_t)profile, G);
            first_step(c0, pb, G, dx);
            singular_values(dx, r, c, s);
            for (size_t i = 0; i < q; i++)
                if (!(s[i] >= 0.68 && s[i] <= 1.14))
                    fail_msg("%zux%zu profile %d: singular value %zu (descending) of NS(G) = %.6f", r,
                             c, profile, i, s[i]);
            free(G), free(dx);
            problem_free(pb);
            config_free(c0);
        }
}

/* ortho = svd on seeded Gaussian (full-rank) blocks: Q^T Q = I (or Q Q^T for wide Q) to 1e-12. */
static void svd_polar_is_orthogonal(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < NSHAPES; k++) {
        size_t r = shapes[k][0], c = shapes[k][1], q = r < c ? r : c, p = r < c ? c : r;
        config *c0 = plain_matrix(r, c, "lr = 1\nmomentum = 0\nscale = none\northo = svd");
        problem *pb = tu_problem(c0);
        double *G = malloc(r * c * sizeof *G), *dx = malloc(r * c * sizeof *dx), err = 0.0;
        rng_stream st = rng_stream_make(78, RNG_INIT, k);
        rng_normals(&st, 0, r * c, G);
        first_step(c0, pb, G, dx);
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                double d = 0.0;
                for (size_t l = 0; l < p; l++)
                    d += r >= c ? dx[l * c + a] * dx[l * c + b] : dx[a * c + l] * dx[b * c + l];
                err += (d - (a == b)) * (d - (a == b));
            }
        if (!(sqrt(err) <= 1e-12))
            fail_msg("%zux%zu: |Q^T Q - I|_F = %.3g", r, c, sqrt(err));
        free(G), free(dx);
        problem_free(pb);
        config_free(c0);
    }
}

/* polar(G) = G (G^T G)^-1/2 by the eigen-decomposition of G^T G (r >= c, full column rank): an
 * independent route to U V^T. */
static void polar_by_eigen(const double *G, size_t r, size_t c, double *P)
{
    gsl_matrix *M = gsl_matrix_alloc(c, c), *E = gsl_matrix_alloc(c, c);
    gsl_vector *ev = gsl_vector_alloc(c);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(c);
    for (size_t a = 0; a < c; a++)
        for (size_t b = 0; b < c; b++) {
            double d = 0.0;
            for (size_t l = 0; l < r; l++)
                d += G[l * c + a] * G[l * c + b];
            gsl_matrix_set(M, a, b, d);
        }
    gsl_eigen_symmv(M, ev, E, w);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double s = 0.0;                          /* (G E diag(ev^-1/2) E^T)_ij */
            for (size_t k = 0; k < c; k++) {
                double ge = 0.0;
                for (size_t l = 0; l < c; l++)
                    ge += G[i * c + l] * gsl_matrix_get(E, l, k);
                s += ge * gsl_matrix_get(E, j, k) / sqrt(gsl_vector_get(ev, k));
            }
            P[i * c + j] = s;
        }
    gsl_eigen_symmv_free(w);
    gsl_vector_free(ev);
    gsl_matrix_free(E);
    gsl_matrix_free(M);
}

/* On L = 1/2 |W - W*|_F^2 from W0 = x0 with momentum 0, the first step is -lr*polar(W0 - W*):
 * tall, square (shape scale 1) and with Nesterov off and momentum 0.9 (m = (1-mu) g, same sign). */
static void first_step_is_polar(void **unused)
{
    (void)unused;
    const char *opts[] = { "lr = 0.05\nmomentum = 0\nscale = none\northo = svd",
                           "lr = 0.05\nmomentum = 0\northo = svd",
                           "lr = 0.05\nmomentum = 0.9\nnesterov = no\nscale = none\northo = svd" };
    const size_t dims[][2] = { { 7, 4 }, { 5, 5 }, { 6, 2 } };
    for (int k = 0; k < 3; k++) {
        size_t r = dims[k][0], c = dims[k][1], n = r * c;
        config *c0 = plain_matrix(r, c, opts[k]);
        problem *pb = tu_problem(c0);
        double *G = malloc(n * sizeof *G), *dx = malloc(n * sizeof *dx), *P = malloc(n * sizeof *P);
        for (size_t i = 0; i < n; i++)
            G[i] = pb->x0[i] - pb->xstar[i];
        first_step(c0, pb, G, dx);
        polar_by_eigen(G, r, c, P);
        double err = 0.0;
        for (size_t i = 0; i < n; i++)
            err = fmax(err, fabs(dx[i] + 0.05 * P[i]));
        if (!(err <= 1e-12))
            fail_msg("case %d (%zux%zu): max |dx + lr polar| = %.3g", k, r, c, err);
        free(G), free(dx), free(P);
        problem_free(pb);
        config_free(c0);
    }
}

/* Two steps with momentum mu: m1 = (1-mu) g1, m2 = mu m1 + (1-mu) g2, u2 = (1-mu) g2 + mu m2
 * (Nesterov) or m2; dx2 = -lr s(r, c) polar(u2), s = 0.2 sqrt(max(r, c)) (rms) or sqrt(r/c). */
static void second_step_follows_the_momentum(void **unused)
{
    (void)unused;
    const char *opts[] = { "lr = 0.1\nmomentum = 0.8\nscale = rms\northo = svd",
                           "lr = 0.1\nmomentum = 0.8\nnesterov = no\northo = svd" };
    const size_t r = 7, c = 4, n = r * c;
    const double mu = 0.8, scale[] = { 0.2 * sqrt(7.0), sqrt(7.0 / 4.0) };
    for (int k = 0; k < 2; k++) {
        config *c0 = plain_matrix(r, c, opts[k]);
        problem *pb = tu_problem(c0);
        const cfg_optimizer *o = &c0->opt[0];
        double *st = opt_state_alloc(o->type, n, &o->p), x[28], dx[28], g1[28], u[28], P[28];
        memcpy(x, pb->x0, sizeof x);
        assert_int_equal(o->type->step(st, n, 1, &o->p, x, pb, NULL, dx), OD_OK);
        for (size_t i = 0; i < n; i++) {
            g1[i] = x[i] - pb->xstar[i];
            x[i] += dx[i];
        }
        assert_int_equal(o->type->step(st, n, 2, &o->p, x, pb, NULL, dx), OD_OK);
        for (size_t i = 0; i < n; i++) {
            double g2 = x[i] - pb->xstar[i], m2 = mu * (1 - mu) * g1[i] + (1 - mu) * g2;
            u[i] = k == 0 ? (1 - mu) * g2 + mu * m2 : m2;
        }
        polar_by_eigen(u, r, c, P);
        for (size_t i = 0; i < n; i++)
            assert_true(fabs(dx[i] + 0.1 * scale[k] * P[i]) <= 1e-12);
        free(st);
        problem_free(pb);
        config_free(c0);
    }
}

/* A problem without blocks is one vector: Muon is then its fallback, Adam with the same betas. */
static void vector_blocks_take_the_fallback(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nseed = 4\n[problem]\ntype = quadratic\ndim = 5\ncond = 20\n"
                          "noise = isotropic\nnoise_scale = 0.3\n[run]\nsteps = 1\n"
                          "[optimizer m]\ntype = muon\nlr = 0.01\nbeta2 = 0.97\n"
                          "[optimizer a]\ntype = adam\nlr = 0.01\nbeta2 = 0.97\neps = 1e-10\n");
    problem *pb = tu_problem(c);
    double xm[5], xa[5];
    tu_iterate(c, pb, &c->opt[0], 4.0, 200, xm);
    tu_iterate(c, pb, &c->opt[1], 4.0, 200, xa);
    for (size_t i = 0; i < 5; i++)
        assert_true(fabs(xm[i] - xa[i]) <= 1e-13 * (1 + fabs(xa[i])));
    problem_free(pb);
    config_free(c);
}

/* The recorded update spectrum (sim/kinds/update_sv.c): a block built with singular values t
 * gives t back (descending) to 1e-12; Muon's exact polar step (svd, lr 1, no scale) gives all
 * ones. */
static void update_spectrum(void **unused)
{
    (void)unused;
    const size_t sh[][2] = { { 4, 4 }, { 6, 3 }, { 3, 7 }, { 9, 8 } };
    for (size_t k = 0; k < 4; k++) {
        size_t r = sh[k][0], c = sh[k][1], q = r < c ? r : c;
        config *c0 = plain_matrix(r, c, "lr = 1\nmomentum = 0\nscale = none\northo = svd");
        problem *pb = tu_problem(c0);
        double t[9], *G = malloc(r * c * sizeof *G), *dx = malloc(r * c * sizeof *dx);
        for (size_t i = 0; i < q; i++)
            t[i] = 3.0 / (double)(i + 1) + 0.25 * (double)(i % 2);
        with_singular_values(r, c, t, 40 + k, G);
        update_sv u;
        assert_int_equal(update_sv_open(&u, pb, 1, 2), OD_OK);
        assert_int_equal(u.nmat, 1);
        assert_int_equal(update_sv_take(&u, pb, 1, G), OD_OK);
        first_step(c0, pb, G, dx);
        assert_int_equal(update_sv_take(&u, pb, 2, dx), OD_OK);
        double want[9];
        memcpy(want, t, q * sizeof *t);
        for (size_t i = 0; i < q; i++)        /* descending */
            for (size_t j = i + 1; j < q; j++)
                if (want[j] > want[i]) {
                    double w = want[i];
                    want[i] = want[j];
                    want[j] = w;
                }
        for (size_t i = 0; i < q; i++) {
            assert_true(fabs(u.sv[0][i] - want[i]) <= 1e-12 * want[0]);
            assert_true(fabs(u.sv[0][q + i] - 1.0) <= 1e-12);
        }
        assert_int_equal(update_sv_take(&u, pb, 3, dx), OD_OK);   /* past its room: ignored */
        assert_int_equal(u.m, 2);
        update_sv_free(&u);
        free(G), free(dx);
        problem_free(pb);
        config_free(c0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(update_spectrum),
        cmocka_unit_test(newton_schulz_band),
        cmocka_unit_test(svd_polar_is_orthogonal),
        cmocka_unit_test(first_step_is_polar),
        cmocka_unit_test(second_step_follows_the_momentum),
        cmocka_unit_test(vector_blocks_take_the_fallback),
    };
    return cmocka_run_group_tests_name("muon", tests, NULL, NULL);
}
