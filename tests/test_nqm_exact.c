/* tests/test_nqm_exact.c — the exact NQM modes (sim/theory/nqm_exact.c) against references that
 * share none of their algebra: the per-coordinate second-moment recursions iterated step by step
 * in long double, or raised to the k-th power by repeated squaring of the affine 4x4 matrix in
 * __float128 (113-bit mantissa: k eps < 1e-24 at k = 1e9, where long double's k eps is 5e-11). */
#include "testutil.h"
#include "../sim/theory/crossing.h"
#include "../sim/theory/exact.h"
#include "../sim/theory/nqm_exact.h"
#include "../sim/theory/nqm_precond.h"
#include "../sim/core/sincospi.h"
#include "../sim/core/status.h"
#include "../sim/kinds/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef __float128 q128;

/* One case: mode (NQM_SGD, NQM_HEAVY_BALL, NQM_EMA), lr, momentum, ema, precond power, batch. */
typedef struct xcase {
    int mode;
    double lr, mu, g, pw, B;
} xcase;

static double worst;                  /* the largest relative error met by any comparison */

static config *nqm_config(int dim, double hp, const xcase *x)
{
    char ini[1024];
    const char *type = x->mode == NQM_HEAVY_BALL ? "momentum" : x->pw > 0 ? "precond" : "sgd";
    int len = snprintf(ini, sizeof ini, "[experiment]\nseed = 3\n[problem]\ntype = nqm\ndim = %d\n"
                       "hessian_power = %.17g\n[run]\nsteps = 1\n[optimizer o]\ntype = %s\n"
                       "lr = %.17g\n", dim, hp, type, x->lr);
    if (x->mode == NQM_HEAVY_BALL)
        len += snprintf(ini + len, sizeof ini - len, "momentum = %.17g\n", x->mu);
    if (x->pw > 0)
        len += snprintf(ini + len, sizeof ini - len, "precond_power = %.17g\n", x->pw);
    if (x->mode == NQM_EMA)
        snprintf(ini + len, sizeof ini - len, "ema = %.17g\n", x->g);
    return tu_config(ini);
}

/* The affine moment recursion u' = T u + v of one coordinate, u = (xx) for SGD, (xx, xw, ww)
 * for heavy ball (w = lr v), (xx, x xbar, xbar xbar) for EMA; a and the noise sigma^2 formed in
 * double exactly as the program forms them. Returns the dimension; *obs the observed moment. */
static int coord_system(const xcase *x, double h, double c, q128 T[3][3], q128 v[3], int *obs)
{
    double hp = x->pw == 0 ? h : pow(h, 1 - x->pw), cp = x->pw == 0 ? c : c * pow(h, -2 * x->pw);
    double a = x->lr * hp, noise = isinf(x->B) ? 0.0 : x->lr * x->lr * cp / x->B;
    q128 A = a, q = 1 - A, mu = x->mu, g = x->g, m = 1 - g, s = noise;
    memset(T, 0, 9 * sizeof(q128));
    memset(v, 0, 3 * sizeof(q128));
    if (x->mode == NQM_SGD) {
        T[0][0] = q * q;
        v[0] = s;
        *obs = 0;
        return 1;
    }
    if (x->mode == NQM_HEAVY_BALL) {
        T[0][0] = q * q, T[0][1] = -2 * q * mu, T[0][2] = mu * mu;
        T[1][0] = A * q, T[1][1] = mu * (1 - 2 * A), T[1][2] = -mu * mu;
        T[2][0] = A * A, T[2][1] = 2 * A * mu, T[2][2] = mu * mu;
        v[0] = s, v[1] = -s, v[2] = s;
        *obs = 0;
        return 3;
    }
    T[0][0] = q * q;
    T[1][0] = m * q * q, T[1][1] = q * g;
    T[2][0] = m * m * q * q, T[2][1] = 2 * g * m * q, T[2][2] = g * g;
    v[0] = s, v[1] = m * s, v[2] = m * m * s;
    *obs = 2;
    return 3;
}

static void start_moments(const xcase *x, double s0, q128 u[3])
{
    u[0] = s0;
    u[1] = x->mode == NQM_EMA ? s0 : 0;
    u[2] = x->mode == NQM_EMA ? s0 : 0;
}

static void mat_mul(int n, q128 C[4][4], q128 A[4][4], q128 B[4][4])
{
    q128 R[4][4];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            q128 s = 0;
            for (int l = 0; l < n; l++)
                s += A[i][l] * B[l][j];
            R[i][j] = s;
        }
    memcpy(C, R, sizeof R);
}

/* E[x_k^2] (E[xbar_k^2]) of one coordinate: the augmented matrix [[T, v], [0, 1]] to the k-th
 * power by repeated squaring, in __float128. */
static q128 ref_moment(const xcase *x, double h, double c, double s0, long k)
{
    q128 T[3][3], v[3], u[3];
    int obs, m = coord_system(x, h, c, T, v, &obs), n = m + 1;
    q128 M[4][4] = { { 0 } }, R[4][4] = { { 0 } };
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++)
            M[i][j] = T[i][j];
        M[i][m] = v[i];
    }
    M[m][m] = 1;
    for (int i = 0; i < n; i++)
        R[i][i] = 1;
    for (long e = k; e > 0; e >>= 1) {
        if (e & 1)
            mat_mul(n, R, R, M);
        if (e > 1)
            mat_mul(n, M, M, M);
    }
    start_moments(x, s0, u);
    q128 r = R[obs][m];
    for (int j = 0; j < m; j++)
        r += R[obs][j] * u[j];
    return r;
}

static double ref_loss(const problem *pb, const xcase *x, const double *s0, long k)
{
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    q128 s = 0;
    for (size_t i = 0; i < pb->n; i++)
        s += (q128)h[i] * ref_moment(x, h[i], c[i], s0[i], k);
    return (double)(s / 2);
}

/* The stationary point of the recursion, (I - T) u = v solved in __float128 (Gauss). */
static double ref_stationary(const problem *pb, const xcase *x)
{
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    q128 s = 0;
    for (size_t i = 0; i < pb->n; i++) {
        q128 T[3][3], v[3], A[3][4];
        int obs, m = coord_system(x, h[i], c[i], T, v, &obs);
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < m; j++)
                A[r][j] = (r == j) - T[r][j];
            A[r][m] = v[r];
        }
        for (int p = 0; p < m; p++)
            for (int r = p + 1; r < m; r++) {
                q128 f = A[r][p] / A[p][p];
                for (int j = p; j <= m; j++)
                    A[r][j] -= f * A[p][j];
            }
        q128 u[3];
        for (int r = m - 1; r >= 0; r--) {
            q128 t = A[r][m];
            for (int j = r + 1; j < m; j++)
                t -= A[r][j] * u[j];
            u[r] = t / A[r][r];
        }
        s += (q128)h[i] * u[obs];
    }
    return (double)(s / 2);
}

/* Step-by-step iteration of the same recursions in long double, E[L] at k = 0..K into L[]. */
static void scan_losses(const problem *pb, const xcase *x, const double *s0, long K, double *L)
{
    const double *h, *c;
    pb->type->diag_facts(pb, &h, &c);
    size_t n = pb->n;
    long double (*T)[3][3] = malloc(n * sizeof *T), (*v)[3] = malloc(n * sizeof *v);
    long double (*u)[3] = malloc(n * sizeof *u);
    int m = 1, obs = 0;
    for (size_t i = 0; i < n; i++) {
        q128 Tq[3][3], vq[3], uq[3];
        m = coord_system(x, h[i], c[i], Tq, vq, &obs);
        start_moments(x, s0[i], uq);
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 3; j++)
                T[i][r][j] = (long double)Tq[r][j];
            v[i][r] = (long double)vq[r];
            u[i][r] = (long double)uq[r];
        }
    }
    for (long k = 0; k <= K; k++) {
        long double s = 0;
        for (size_t i = 0; i < n; i++)
            s += h[i] * u[i][obs];
        L[k] = (double)(s / 2);
        for (size_t i = 0; i < n; i++) {
            long double nu[3];
            for (int r = 0; r < m; r++) {
                nu[r] = v[i][r];
                for (int j = 0; j < m; j++)
                    nu[r] += T[i][r][j] * u[i][j];
            }
            memcpy(u[i], nu, sizeof nu);
        }
    }
    free(T);
    free(v);
    free(u);
}

/* Relative error, measured against 1e-290 at least: below that doubles lose digits to
 * gradual underflow (subnormals from 2.2e-308), and no target lives there. */
static void check_rel(double got, double want, double tol, const char *what, const xcase *x, double k)
{
    double rel = want == got ? 0.0 : fabs(got - want) / fmax(fabs(want), 1e-290);
    if (rel > worst)
        worst = rel;
    if (!(rel <= tol))
        fail_msg("%s (mode %d lr %.17g mu %.17g ema %.17g pw %g B %g) k = %.0f: exact %.17g, "
                 "reference %.17g, rel. error %.3g", what, x->mode, x->lr, x->mu, x->g, x->pw, x->B,
                 k, got, want, rel);
}

static double *ones(size_t n)
{
    double *s0 = malloc(n * sizeof *s0);
    for (size_t i = 0; i < n; i++)
        s0[i] = 1.0;
    return s0;
}

/* E[L] at the horizons ks[] against the __float128 matrix power. */
static void compare_horizons(int dim, double hp, const xcase *x, const double *ks, int nk,
                             const double *s0_in)
{
    config *c = nqm_config(dim, hp, x);
    problem *pb = tu_problem(c);
    double *s0 = s0_in ? NULL : ones(pb->n);
    const double *s = s0_in ? s0_in : s0;
    nqm_exact e;
    assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, x->B, s), OD_OK);
    assert_int_equal(e.mode, x->mode);
    for (int j = 0; j < nk; j++)
        check_rel(nqm_exact_loss(&e, ks[j]), ref_loss(pb, x, s, (long)ks[j]), 1e-12, "E[L]", x, ks[j]);
    if (e.stable)
        check_rel(nqm_exact_stationary(&e), ref_stationary(pb, x), 1e-12, "stationary", x, INFINITY);
    nqm_exact_free(&e);
    free(s0);
    problem_free(pb);
    config_free(c);
}

/* Issue 15.1 / 24.1: EMA with 1 - lr h_1 = +-ema exactly and 1e-12 .. 1e-3 away (both signs),
 * and 1 - lr h_1 = 0, against step-by-step iteration (long double), rel. error <= 1e-12. */
static void ema_degenerate_roots(void **unused)
{
    (void)unused;
    const double gs[] = { 0.5, 0.75, 0.9, 0.95, 0.99, 0.999 };
    const double offs[] = { 0, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3 };
    const double Bs[] = { 1.0, INFINITY };
    enum { K = 20000 };
    double *L = malloc((K + 1) * sizeof *L);
    double worst_here = 0;
    for (size_t gi = 0; gi < sizeof gs / sizeof *gs; gi++)
        for (size_t oi = 0; oi < sizeof offs / sizeof *offs; oi++)
            for (int sign = -1; sign <= 1; sign += 2)
                for (int bi = 0; bi < 2; bi++) {
                    /* h_1 = 1: q_1 = 1 - lr = sign*ema + off; 1 - (g + off) and 1 + g are exact
                     * for g >= 0.5 up to the rounding of g + off */
                    double lr = sign > 0 ? 1 - (gs[gi] + offs[oi]) : 1 + (gs[gi] - offs[oi]);
                    if (!(lr > 0))                /* q_1 = 1: not a learning rate */
                        continue;
                    xcase x = { NQM_EMA, lr, 0, gs[gi], 0, Bs[bi] };
                    config *c = nqm_config(6, 1.0, &x);
                    problem *pb = tu_problem(c);
                    double *s0 = ones(pb->n);
                    nqm_exact e;
                    assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, x.B, s0), OD_OK);
                    scan_losses(pb, &x, s0, K, L);
                    double before = worst;
                    worst = 0;
                    for (long k = 0; k <= K; k += k < 64 ? 1 : 97)
                        check_rel(nqm_exact_loss(&e, (double)k), L[k], 1e-12, "EMA degenerate", &x, (double)k);
                    worst_here = fmax(worst_here, worst);
                    worst = fmax(before, worst);
                    if (e.stable)
                        check_rel(nqm_exact_stationary(&e), ref_stationary(pb, &x), 1e-12,
                                  "EMA stationary", &x, INFINITY);
                    nqm_exact_free(&e);
                    free(s0);
                    problem_free(pb);
                    config_free(c);
                }
    /* q = 0 exactly (lr h_1 = 1): the hang of issue 24 */
    xcase x = { NQM_EMA, 1.0, 0, 0.9, 0, 1.0 };
    const double ks[] = { 0, 1, 2, 3, 10, 1000, 1e6, 1e9 };
    compare_horizons(6, 1.0, &x, ks, 8, NULL);
    print_message("EMA degenerate sweep: max rel. error %.3g\n", worst_here);
    free(L);
}

/* Issue 24.1: the exact EMA sweep over Zhang et al.'s grid (it contains lr = 1, lr h_1 = 1)
 * finishes, and its cells agree with the reference crossings. */
static void ema_zhang_grid_finishes(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = sweep\n[problem]\ntype = nqm\ndim = 100\n"
                          "[sweep]\nmode = exact\nbatch = 1, 64, inf\nlr = logspace(-5, 0.5, 100)\n"
                          "target = 0.01\nmax_steps = 1e9\n[optimizer s]\ntype = sgd\nema = 0.9\n");
    problem *pb = tu_problem(c);
    const sweep_params *sp = sweep_params_of(c);
    int has_one = 0;
    for (size_t l = 0; l < sp->lr.n; l++)
        has_one |= sp->lr.v[l] == 1.0;
    assert_true(has_one);
    sweep_result res;
    assert_int_equal(sweep_result_alloc(&res, c), OD_OK);
    double *s0 = exact_start_moments(pb);
    for (size_t cell = 0; cell < res.cells; cell++) {
        double steps, fl, div;
        assert_int_equal(sweep_cell(c, pb, s0, cell, &res, &steps, &fl, &div), OD_OK);
        sweep_cell_index ix = sweep_split(&res, cell);
        double lr = sp->lr.v[ix.l];
        if (steps > 0 && (lr == 1.0 || ix.l % 17 == 0)) {   /* the crossing, by the reference */
            xcase x = { NQM_EMA, lr, 0, 0.9, 0, sp->batch.v[ix.b] };
            assert_true(ref_loss(pb, &x, s0, (long)steps) <= 0.01);
            assert_true(ref_loss(pb, &x, s0, (long)steps - 1) > 0.01);
        }
    }
    /* the sweep's stationary risks (issue 15.5), against the recursion's fixed point; the same
     * bits on 1 and 2 threads */
    assert_int_equal(sweep_stationary(c, pb, 1, &res), OD_OK);
    size_t nst = res.O * res.NB * res.NL;
    double *one = malloc(nst * sizeof *one);
    assert_non_null(one);
    memcpy(one, res.stationary, nst * sizeof *one);
    assert_int_equal(sweep_stationary(c, pb, 2, &res), OD_OK);
    assert_memory_equal(one, res.stationary, nst * sizeof *one);
    free(one);
    for (size_t b = 0; b < res.NB; b++)
        for (size_t l = 0; l < res.NL; l += 7) {
            xcase x = { NQM_EMA, sp->lr.v[l], 0, 0.9, 0, sp->batch.v[b] };
            double got = res.stationary[b * res.NL + l];
            if (sp->lr.v[l] * 1.0 < 2)
                check_rel(got, ref_stationary(pb, &x), 1e-12, "sweep stationary", &x, INFINITY);
            else
                assert_true(isinf(got));
        }
    free(s0);
    sweep_result_free(&res);
    problem_free(pb);
    config_free(c);
}

/* Issue 24.2: long horizons (1e6 .. 1e9 steps), every mode, vs the __float128 matrix power. */
static void long_horizons(void **unused)
{
    (void)unused;
    const double ks[] = { 0, 1, 7, 1000, 1e6, 3e6, 1e7, 1e8, 3e8, 1e9 };
    const xcase cases[] = {
        { NQM_SGD, 1e-6, 0, 0, 0, 1 }, { NQM_SGD, 3e-7, 0, 0, 0, INFINITY },
        { NQM_SGD, 1e-5, 0, 0, 0.5, 1 }, { NQM_SGD, 2e-6, 0, 0, 0.25, INFINITY },
        { NQM_HEAVY_BALL, 1e-7, 0.9, 0, 0, 1 }, { NQM_HEAVY_BALL, 1e-7, 0.99, 0, 0, INFINITY },
        { NQM_HEAVY_BALL, 1e-8, 0.999, 0, 0, 1 }, { NQM_HEAVY_BALL, 2e-3, 0.9999, 0, 0, 4 },
        { NQM_EMA, 1e-6, 0, 0.9, 0, 1 }, { NQM_EMA, 3e-7, 0, 0.999, 0, INFINITY },
        { NQM_EMA, 1e-5, 0, 0.99, 0.5, 1 },
    };
    double before = worst;
    worst = 0;
    for (size_t j = 0; j < sizeof cases / sizeof *cases; j++)
        compare_horizons(12, 1.3, &cases[j], ks, 10, NULL);
    print_message("long horizons: max rel. error %.3g\n", worst);
    worst = fmax(before, worst);
}

/* Issue 24.2's case: Zhang et al.'s NQM (d = 1e4), heavy ball mu = 0.9, lr = 1e-5, B = 1,
 * target 0.01: the first crossing is step 134350315 (the old closed form said 134350304). */
static void heavy_ball_zhang_crossing(void **unused)
{
    (void)unused;
    xcase x = { NQM_HEAVY_BALL, 1e-5, 0.9, 0, 0, 1 };
    config *c = nqm_config(10000, 1.0, &x);
    problem *pb = tu_problem(c);
    double *s0 = ones(pb->n), frac;
    nqm_exact e;
    assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, 1.0, s0), OD_OK);
    long k = nqm_exact_steps(&e, 0.01, 1000000000L, &frac);
    double lk = ref_loss(pb, &x, s0, k), lprev = ref_loss(pb, &x, s0, k - 1);
    check_rel(nqm_exact_loss(&e, (double)k), lk, 1e-12, "Zhang heavy ball", &x, (double)k);
    check_rel(nqm_exact_loss(&e, (double)(k - 1)), lprev, 1e-12, "Zhang heavy ball", &x, (double)(k - 1));
    assert_true(lk <= 0.01 && lprev > 0.01);
    assert_int_equal(k, 134350315L);
    nqm_exact_free(&e);
    free(s0);
    problem_free(pb);
    config_free(c);
}

static double uniform(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*st >> 11) * 0x1.0p-53;
}

/* A monotone test function for crossing_bracket: kind 0 a sum of 3 exponentials over a floor
 * (smooth, like E[L]), 1 the same cut to 0 past a step (log f = -inf), 2 a staircase (flat runs
 * of 1000 steps); it counts its calls. */
typedef struct mono_fn {
    int kind;
    double w[3], r[3], floor_;
    long cut, calls;
} mono_fn;

static double mono_at(const void *ctx, long k)
{
    mono_fn *m = (mono_fn *)ctx;              /* the count is the test's own state */
    m->calls++;
    double x = m->kind == 2 ? (double)(k / 1000 * 1000) : (double)k, s = m->floor_;
    for (int j = 0; j < 3; j++)
        s += m->w[j] * exp(-x * m->r[j]);
    return m->kind == 1 && k >= m->cut ? 0.0 : s;
}

/* crossing_bracket finds what bisection finds on non-increasing functions, with fewer calls on
 * smooth ones (sums of exponentials: about 0.6 of its calls), and returns f at both sides. */
static void crossing_bracket_matches_bisection(void **unused)
{
    (void)unused;
    uint64_t st = 7;
    long calls_smooth = 0, bisect_smooth = 0;
    for (int t = 0; t < 600; t++) {
        mono_fn m = { t % 3, { 0 }, { 0 }, 0, 0, 0 };
        for (int j = 0; j < 3; j++) {
            m.w[j] = exp(10 * uniform(&st) - 5);
            m.r[j] = exp(-18 * uniform(&st));
        }
        m.floor_ = uniform(&st) < 0.5 ? 0.0 : 1e-3 * uniform(&st);
        long hi = (long)exp(1 + 20 * uniform(&st));
        m.cut = 1 + (long)(uniform(&st) * (double)hi);
        double f1 = mono_at(&m, 1), fhi = mono_at(&m, hi);
        double level = fhi + (f1 - fhi) * pow(uniform(&st), 4);
        if (!(f1 > level && fhi <= level))
            continue;
        long lo_b = 1, hi_b = hi, nb = 0;      /* plain bisection */
        while (hi_b - lo_b > 1) {
            long mid = lo_b + (hi_b - lo_b) / 2;
            nb++;
            if (mono_at(&m, mid) <= level)
                hi_b = mid;
            else
                lo_b = mid;
        }
        m.calls = 0;
        double fprev, fk;
        long guess = t % 2 ? 0 : (long)(uniform(&st) * (double)hi);
        long k = crossing_bracket(mono_at, &m, level, 1, f1, hi, fhi, guess, &fprev, &fk);
        if (k != hi_b)
            fail_msg("case %d (kind %d): crossing_bracket %ld, bisection %ld", t, m.kind, k, hi_b);
        assert_true(fk == mono_at(&m, k) && fprev == mono_at(&m, k - 1));
        assert_true(fk <= level && fprev > level);
        if (m.kind == 0) {
            calls_smooth += m.calls - 2;       /* the two checks above */
            bisect_smooth += nb;
        }
    }
    print_message("crossing_bracket: %ld calls on smooth cases, bisection %ld\n", calls_smooth,
                  bisect_smooth);
    assert_true(4 * calls_smooth < 3 * bisect_smooth);
}

/* The bracket search starts from the last crossing its thread found; the steps (and their
 * interpolated crossings) are the same in any order of the cells. */
static void steps_independent_of_order(void **unused)
{
    (void)unused;
    enum { NL = 12, NB = 14, N = 2 * NL * NB };   /* sgd and heavy ball, lr, batch 2^0..2^12, inf */
    double frac[2][N];
    long k[2][N];
    int found = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t m = 0; m < N; m++) {
            size_t j = pass ? N - 1 - m : m, b = j % NB, l = j / NB % NL;
            xcase x = { j < N / 2 ? NQM_SGD : NQM_HEAVY_BALL, pow(10.0, -3 + 3.5 * (double)l / (NL - 1)),
                        0.9, 0, 0, b + 1 < NB ? ldexp(1.0, (int)b) : INFINITY };
            config *c = nqm_config(300, 1.0, &x);
            problem *pb = tu_problem(c);
            double *s0 = ones(pb->n);
            nqm_exact e;
            assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, x.B, s0), OD_OK);
            k[pass][j] = nqm_exact_steps(&e, 0.01, 1000000000L, &frac[pass][j]);
            found += pass == 0 && k[pass][j] > 0;
            nqm_exact_free(&e);
            free(s0);
            problem_free(pb);
            config_free(c);
        }
    assert_memory_equal(k[0], k[1], sizeof k[0]);
    assert_memory_equal(frac[0], frac[1], sizeof frac[0]);
    assert_true(found > N / 2);
}

/* Heavy-ball cells take their roots out of the thread's memo and give them back when freed:
 * cells alive at once (same lr and momentum, other batch sizes) and cells set up from the
 * returned roots give the bits of cells set up alone. */
static void heavy_ball_roots_taken_and_given(void **unused)
{
    (void)unused;
    xcase x = { NQM_HEAVY_BALL, 0.3, 0.9, 0, 0, 1 };
    config *c = nqm_config(200, 1.0, &x);
    problem *pb = tu_problem(c);
    double *s0 = ones(pb->n), B[3] = { 1, 64, INFINITY }, want[3][4], ks[4] = { 1, 17, 300, 5000 };
    const opt_type *t = c->opt[0].type;
    const opt_params *p = &c->opt[0].p;
    nqm_exact e[3];
    for (int b = 0; b < 3; b++) {                 /* one at a time */
        assert_int_equal(nqm_exact_init(&e[0], pb, t, p, B[b], s0), OD_OK);
        for (int j = 0; j < 4; j++)
            want[b][j] = nqm_exact_loss(&e[0], ks[j]);
        nqm_exact_free(&e[0]);
    }
    for (int round = 0; round < 2; round++) {     /* all three alive, twice */
        for (int b = 0; b < 3; b++)
            assert_int_equal(nqm_exact_init(&e[b], pb, t, p, B[b], s0), OD_OK);
        for (int b = 0; b < 3; b++)
            for (int j = 0; j < 4; j++) {
                double got = nqm_exact_loss(&e[b], ks[j]);
                assert_memory_equal(&got, &want[b][j], sizeof got);
            }
        for (int b = round ? 2 : 0; round ? b >= 0 : b < 3; b += round ? -1 : 1)
            nqm_exact_free(&e[b]);
    }
    free(s0);
    problem_free(pb);
    config_free(c);
}

/* Issue 24.3: the first crossing, for oscillating heavy ball, EMA with 1 - lr h < 0 and SGD
 * started below its noise floor (E[L] not monotone), against a long-double step-by-step scan.
 * Targets sit just above local minima of E[L] and at random levels. */
static void first_crossing_matches_scan(void **unused)
{
    (void)unused;
    enum { K = 6000 };
    double *L = malloc((K + 1) * sizeof *L);
    uint64_t st = 42;
    int nonmono = 0, checked = 0;
    for (int t = 0; t < 240; t++) {
        xcase x;
        int kind = t % 3;
        if (kind == 0)
            x = (xcase){ NQM_HEAVY_BALL, 0.05 + 1.9 * uniform(&st), 0.5 + 0.49 * uniform(&st), 0, 0,
                         uniform(&st) < 0.5 ? INFINITY : 1 + 20 * uniform(&st) };
        else if (kind == 1)
            x = (xcase){ NQM_EMA, 1.0 + 0.95 * uniform(&st), 0, 0.3 + 0.69 * uniform(&st), 0,
                         uniform(&st) < 0.5 ? INFINITY : 1 + 20 * uniform(&st) };
        else
            x = (xcase){ NQM_SGD, 0.2 + 1.7 * uniform(&st), 0, 0, 0, 0.05 + 0.5 * uniform(&st) };
        config *c = nqm_config(1 + t % 4, 0.5 + uniform(&st), &x);
        problem *pb = tu_problem(c);
        double *s0 = ones(pb->n);
        for (size_t i = 0; kind == 2 && i < pb->n; i++)
            s0[i] = 0.05 * uniform(&st);          /* below the noise floor: E[L] rises */
        nqm_exact e;
        assert_int_equal(nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, x.B, s0), OD_OK);
        scan_losses(pb, &x, s0, K, L);
        double targets[8];
        int nt = 0;
        for (long k = 1; k < K && nt < 6; k++)        /* just above the first local minima */
            if (L[k] < L[k - 1] && L[k] < L[k + 1])
                targets[nt++] = L[k] * (1 + 1e-9);
        nonmono += nt > 0;
        targets[nt++] = L[0] * uniform(&st);
        targets[nt++] = L[K] * (1 + 1e-6);
        for (int j = 0; j < nt; j++) {
            if (!(targets[j] > 1e-280))            /* underflow, see check_rel */
                continue;
            long want = -1;
            for (long k = 0; k <= K && want < 0; k++)
                if (L[k] <= targets[j])
                    want = k;
            double frac;
            long got = nqm_exact_steps(&e, targets[j], K, &frac);
            if (got != want)
                fail_msg("first crossing (mode %d lr %.17g mu %.17g ema %.17g B %g) target %.17g: "
                         "exact %ld, scan %ld", x.mode, x.lr, x.mu, x.g, x.B, targets[j], got, want);
            checked++;
        }
        nqm_exact_free(&e);
        free(s0);
        problem_free(pb);
        config_free(c);
    }
    print_message("first crossings: %d checked, %d cases with a non-monotone E[L]\n", checked, nonmono);
    assert_true(nonmono > 60);
    free(L);
}

/* Random and adversarial cases against the __float128 reference (the report's search): random
 * modes, lr, momentum, ema, batch and horizons up to 1e9; near-degenerate heavy ball (double
 * root at a = (1 - sqrt mu)^2, mu = 0.25: disc = 0 exactly), EMA near q = +-ema and q = 0,
 * lr h near the stability edge. Prints the largest error. */
static void random_and_adversarial(void **unused)
{
    (void)unused;
    uint64_t st = 7;
    double before = worst;
    worst = 0;
    for (int t = 0; t < 160; t++) {
        xcase x = { t % 3, 0, 0, 0, 0, uniform(&st) < 0.3 ? INFINITY : pow(10, 4 * uniform(&st)) };
        double lr = pow(10, -8 + 8.3 * uniform(&st));
        x.lr = lr;
        if (x.mode == NQM_HEAVY_BALL) {
            x.mu = 1 - pow(10, -3 * uniform(&st));
            x.lr = fmin(lr, 1.9 * (1 + x.mu));
        } else {
            x.pw = uniform(&st) < 0.3 ? 0.5 * uniform(&st) : 0;
            x.lr = fmin(lr, 1.99);
        }
        if (x.mode == NQM_EMA)
            x.g = 1 - pow(10, -3 * uniform(&st));
        double delta = (uniform(&st) < 0.5 ? -1 : 1) * pow(10, -14 + 12 * uniform(&st));
        if (t % 4 == 3 && x.mode == NQM_HEAVY_BALL) {       /* near the double root */
            x.mu = 0.25;
            x.lr = 0.25 * (1 + (t % 8 == 3 ? 0 : delta));
        } else if (t % 4 == 3 && x.mode == NQM_EMA) {       /* q = +-g + delta, or q = delta */
            int w = t % 3;
            x.lr = w == 0 ? 1 - (x.g + delta) : w == 1 ? 1 + x.g - delta : 1 + delta;
        } else if (t % 4 == 3)                              /* near the edge lr h = 2 */
            x.lr = 2 * (1 - fabs(delta));
        double ks[6] = { 1, 2 + (double)(long)(100 * uniform(&st)) };
        for (int j = 2; j < 6; j++)
            ks[j] = (double)(long)pow(10, 2 + 7 * uniform(&st));
        compare_horizons(1 + t % 7, 0.3 + 1.5 * uniform(&st), &x, ks, 6, NULL);
    }
    print_message("random + adversarial: max rel. error %.3g\n", worst);
    worst = fmax(before, worst);
}

/* Issue 15.5: the stationary risks against the closed forms of docs/theory.md and against the fixed
 * point of the recursion (in compare_horizons above); here also B = inf (0) and unstable (inf). */
static void stationary_risks(void **unused)
{
    (void)unused;
    const double lr = 0.37, mu = 0.8, B = 5.0;
    xcase x = { NQM_HEAVY_BALL, lr, mu, 0, 0, B };
    config *c = nqm_config(12, 1.0, &x);
    problem *pb = tu_problem(c);
    const double *h, *cc;
    pb->type->diag_facts(pb, &h, &cc);
    double *s0 = ones(pb->n), want = 0.0;
    for (size_t i = 0; i < pb->n; i++)
        want += (1 + mu) * lr * cc[i] / (2 * B * (1 - mu) * (2 * mu + 2 - lr * h[i]));
    nqm_exact e;
    nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, B, s0);
    check_rel(nqm_exact_stationary(&e), want, 1e-13, "heavy ball stationary", &x, INFINITY);
    check_rel(nqm_exact_stationary(&e), ref_stationary(pb, &x), 1e-13, "heavy ball stationary", &x, INFINITY);
    nqm_exact_free(&e);
    nqm_exact_init(&e, pb, c->opt[0].type, &c->opt[0].p, INFINITY, s0);
    assert_true(nqm_exact_stationary(&e) == 0.0);
    nqm_exact_free(&e);
    opt_params p = c->opt[0].p;
    p.lr = 4.0;                                           /* lr h_1 > 2 (1 + mu) */
    nqm_exact_init(&e, pb, c->opt[0].type, &p, B, s0);
    assert_false(e.stable);
    assert_true(isinf(nqm_exact_stationary(&e)));
    nqm_exact_free(&e);
    /* EMA at q = 0: x is white noise sigma^2, xbar its EMA: (1 - g)/(1 + g) sigma^2 */
    xcase xe = { NQM_EMA, 1.0, 0, 0.9, 0, 2.0 };
    config *ce = nqm_config(1, 1.0, &xe);
    problem *pe = tu_problem(ce);
    nqm_exact_init(&e, pe, ce->opt[0].type, &ce->opt[0].p, 2.0, s0);
    check_rel(nqm_exact_stationary(&e), 0.5 * (0.1 / 1.9) * 0.5, 1e-15, "EMA q = 0", &xe, INFINITY);
    nqm_exact_free(&e);
    problem_free(pe);
    config_free(ce);
    free(s0);
    problem_free(pb);
    config_free(c);
}

static int report(void **unused)
{
    (void)unused;
    print_message("largest relative error of E[L] over every comparison: %.3g\n", worst);
    return 0;
}

/* sim/core/sincospi.h (the heavy ball phase): sin and cos of 2 pi t against long double's
 * sinl/cosl, absolute error <= 2^-52 (a value of size 1 to within 1 ulp: an error of the
 * reduction would show as ~1e-7 at the quarter turns, one of the kernels as more than 1e-15). */
static void sincos_turns_accuracy(void **unused)
{
    (void)unused;
    uint64_t st = 11;
    double worst_abs = 0.0;
    for (int j = 0; j < 200000; j++) {
        double t = j < 9 ? -0.5 + 0.125 * j : uniform(&st) - 0.5, s, c;
        if (j % 7 == 0 && j >= 9)
            t = (double)(long)(8 * t) / 8 + (uniform(&st) - 0.5) * 1e-12;   /* near n/8 */
        sincos_turns(t, &s, &c);
        long double x = 2 * 3.14159265358979323846264338327950288L * t;
        worst_abs = fmax(worst_abs, fmax(fabs(s - (double)sinl(x)), fabs(c - (double)cosl(x))));
    }
    print_message("sincos_turns: max abs. error %.3g\n", worst_abs);
    assert_true(worst_abs <= 0x1p-52);
}

/* exact_stationary (the engine's stationary_of, without the rest of the set-up) gives the bits
 * of exact_init's stationary risk: sgd, precond, momentum and averaging, stable or not. */
static void stationary_of_matches_init(void **unused)
{
    (void)unused;
    config *c = tu_config("[experiment]\nkind = sweep\n[problem]\ntype = nqm\ndim = 300\n"
                          "[sweep]\nmode = exact\nbatch = 1, 64, inf\nlr = logspace(-3, 0.5, 9)\n"
                          "target = 0.01\n[optimizer s]\ntype = sgd\n[optimizer p]\n"
                          "type = precond\nprecond_power = 0.5\n[optimizer m]\ntype = momentum\n"
                          "momentum = 0.9\n[optimizer a]\ntype = sgd\nema = 0.9\n");
    problem *pb = tu_problem(c);
    const sweep_params *sp = sweep_params_of(c);
    double *s0 = exact_start_moments(pb);
    int unstable = 0;
    for (size_t o = 0; o < c->nopt; o++)
        for (size_t l = 0; l < sp->lr.n; l++)
            for (size_t b = 0; b < sp->batch.n; b++) {
                opt_params p = c->opt[o].p;
                p.lr = sp->lr.v[l];
                exact e;
                double got;
                assert_int_equal(exact_init(&e, pb, c->opt[o].type, &p, sp->batch.v[b], s0), OD_OK);
                double want = e.engine->stationary(e.state);
                exact_free(&e);
                assert_int_equal(exact_stationary(pb, c->opt[o].type, &p, sp->batch.v[b], s0, &got),
                                 OD_OK);
                assert_memory_equal(&got, &want, sizeof got);
                unstable += isinf(want);
            }
    assert_true(unstable > 0);
    free(s0);
    problem_free(pb);
    config_free(c);
}

/* The per-thread memo behind the preconditioner's facts: the values of pow computed in place,
 * after a change of p and back, and after a change of the curvatures at the same address. */
static void precond_facts_memo(void **unused)
{
    (void)unused;
    enum { N = 37 };
    double h[N], c[N];
    for (size_t i = 0; i < N; i++)
        h[i] = 1.0 / (double)(i + 1), c[i] = 0.5 + (double)i;
    const double ps[4] = { 0.75, 0.75, 0.25, 0.75 };   /* a hit, two misses; round 2 starts at the last p */
    for (int round = 0; round < 2; round++) {
        for (int j = 0; j < 4; j++) {
            const double *hp, *cp;
            assert_int_equal(nqm_precond_facts(h, c, N, ps[j], &hp, &cp), OD_OK);
            for (size_t i = 0; i < N; i++) {
                assert_true(hp[i] == pow(h[i], 1 - ps[j]));
                assert_true(cp[i] == c[i] * pow(h[i], -2 * ps[j]));
            }
        }
        h[N / 2] *= 3.0;                  /* same arrays, new values: recomputed */
        c[N - 1] = 7.0;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ema_degenerate_roots),
        cmocka_unit_test(ema_zhang_grid_finishes),
        cmocka_unit_test(long_horizons),
        cmocka_unit_test(heavy_ball_zhang_crossing),
        cmocka_unit_test(first_crossing_matches_scan),
        cmocka_unit_test(crossing_bracket_matches_bisection),
        cmocka_unit_test(steps_independent_of_order),
        cmocka_unit_test(heavy_ball_roots_taken_and_given),
        cmocka_unit_test(random_and_adversarial),
        cmocka_unit_test(stationary_risks),
        cmocka_unit_test(sincos_turns_accuracy),
        cmocka_unit_test(precond_facts_memo),
        cmocka_unit_test(stationary_of_matches_init),
    };
    return cmocka_run_group_tests_name("nqm_exact", tests, NULL, report);
}
