/* sim/kinds/sme_exact.c — exact Ornstein-Uhlenbeck transition for linear SMEs (docs/theory.md,
 * "SME weak errors without integrator bias"). With J = -A, A = Q diag(a) Q^T, over one step h:
 *   mean   e^{-Ah} X + h phi1(-Ah) f0,            phi_i = (1 - e^{-a_i h})/a_i  (= h phi1)
 *   noise  eta = int_0^h e^{-A(h-s)} D dW(s),     z = W(h)/sqrt(h)
 *   E[eta | z] = Q diag(phi_i/sqrt(h)) Q^T D z,
 *   Cov[eta | z] = Q R Q^T,  R_ij = G_ij (psi_ij - phi_i phi_j / h),  G = Q^T D D^T Q,
 *   psi_ij = (1 - e^{-(a_i + a_j) h})/(a_i + a_j)   (= h when a_i + a_j = 0).
 * R is a conditional covariance (positive semidefinite); its square root comes from its
 * eigen-decomposition with round-off negatives clipped to 0. */
#include "sme_exact.h"
#include "../core/status.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* (1 - e^{-a h})/a without cancellation, h at a = 0. */
static double phi_h(double a, double h) { return a == 0.0 ? h : -expm1(-a * h) / a; }

void sme_exact_free(sme_exact *t)
{
    if (!t)
        return;
    free(t->E), free(t->c), free(t->Bz), free(t->Bx);
    memset(t, 0, sizeof *t);
}

/* J (drift Jacobian, from differences of the affine drift), f0 = f(0) and D (diffusion per unit
 * Brownian increment, from the problem's noise at unit draws). */
static int probe(const opt_flow *f, const opt_params *p, const problem *pb, double B, double *J,
                 double *f0, double *D)
{
    size_t n = pb->n;
    double *x = calloc(n, sizeof *x), *fx = malloc(n * sizeof *fx), *g = malloc(n * sizeof *g);
    double *gn = malloc(n * sizeof *gn), *e = calloc(n, sizeof *e);
    double *work = malloc((4 * n + n) * sizeof *work);
    int s = x && fx && g && gn && e && work ? OD_OK : OD_ENOMEM;
    if (s == OD_OK)
        s = f->rhs(0.0, x, f0, n, p, pb, work);
    if (s == OD_OK)
        s = pb->type->grad(pb, x, NULL, g);
    for (size_t j = 0; s == OD_OK && j < n; j++) {
        batch b = { B, e, NULL, 0, NULL };
        x[j] = e[j] = 1.0;
        s = f->rhs(0.0, x, fx, n, p, pb, work);
        x[j] = 0.0;
        if (s == OD_OK)
            s = pb->type->grad(pb, x, &b, gn);
        e[j] = 0.0;
        for (size_t i = 0; i < n; i++) {
            J[i * n + j] = fx[i] - f0[i];
            D[i * n + j] = -sqrt(p->lr) * (gn[i] - g[i]);   /* noise enters as in SGD */
        }
    }
    free(x), free(fx), free(g), free(gn), free(e), free(work);
    return s;
}

static int is_diagonal(size_t n, const double *M)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (i != j && M[i * n + j] != 0.0)
                return 0;
    return 1;
}

/* Symmetric to round-off: |J_ij - J_ji| <= 1e-12 max|J|. Then J is symmetrized. */
static int symmetrize(size_t n, double *J)
{
    double big = 0.0;
    for (size_t i = 0; i < n * n; i++)
        big = fmax(big, fabs(J[i]));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            if (fabs(J[i * n + j] - J[j * n + i]) > 1e-12 * big)
                return 0;
            J[i * n + j] = J[j * n + i] = 0.5 * (J[i * n + j] + J[j * n + i]);
        }
    return 1;
}

/* Eigen-decomposition of the symmetric n x n matrix M (destroyed): values l, vectors V (columns,
 * row-major n x n). */
static int eigen(size_t n, double *M, double *l, double *V)
{
    gsl_matrix_view m = gsl_matrix_view_array(M, n, n), v = gsl_matrix_view_array(V, n, n);
    gsl_vector_view lv = gsl_vector_view_array(l, n);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(n);
    if (!w)
        return OD_ENOMEM;
    int s = gsl_eigen_symmv(&m.matrix, &lv.vector, &v.matrix, w);
    gsl_eigen_symmv_free(w);
    return s ? OD_EDOM : OD_OK;
}

static void diag_transition(sme_exact *t, const double *J, const double *f0, const double *D,
                            double h)
{
    size_t n = t->n;
    for (size_t i = 0; i < n; i++) {
        double a = -J[i * n + i], d = D[i * n + i], ph = phi_h(a, h);
        double r = d * d * (phi_h(2.0 * a, h) - ph * ph / h);
        t->E[i] = exp(-a * h);
        t->c[i] = ph * f0[i];
        t->Bz[i] = ph / sqrt(h) * d;
        t->Bx[i] = sqrt(fmax(r, 0.0));
    }
}

/* Dense case; J is overwritten. scratch: 5 n x n + 2n doubles. */
static int dense_transition(sme_exact *t, double *J, const double *f0, const double *D,
                            double h, double *scratch)
{
    size_t n = t->n, nn = n * n;
    double *Q = scratch, *Dq = Q + nn, *R = Dq + nn, *V = R + nn, *T = V + nn, *a = T + nn;
    double *ph = a + n;
    for (size_t i = 0; i < nn; i++)
        J[i] = -J[i];                                   /* A = -J */
    int s = eigen(n, J, a, Q);
    if (s != OD_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        ph[i] = phi_h(a[i], h);
    for (size_t i = 0; i < n; i++)                      /* Dq = Q^T D */
        for (size_t j = 0; j < n; j++) {
            double v = 0.0;
            for (size_t k = 0; k < n; k++)
                v += Q[k * n + i] * D[k * n + j];
            Dq[i * n + j] = v;
        }
    for (size_t i = 0; i < n; i++)                      /* R = (Dq Dq^T) o K */
        for (size_t j = 0; j < n; j++) {
            double g = 0.0;
            for (size_t k = 0; k < n; k++)
                g += Dq[i * n + k] * Dq[j * n + k];
            R[i * n + j] = g * (phi_h(a[i] + a[j], h) - ph[i] * ph[j] / h);
        }
    if ((s = eigen(n, R, T, V)) != OD_OK)               /* R = V diag(T) V^T */
        return s;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double e = 0.0, c = 0.0, bz = 0.0, bx = 0.0;
            for (size_t k = 0; k < n; k++) {
                double qik = Q[i * n + k];
                e += qik * exp(-a[k] * h) * Q[j * n + k];
                c += qik * ph[k] * Q[j * n + k];
                bz += qik * ph[k] / sqrt(h) * Dq[k * n + j];
                bx += qik * V[k * n + j];
            }
            t->E[i * n + j] = e;
            R[i * n + j] = c;                            /* h phi1(-Ah), applied to f0 below */
            t->Bz[i * n + j] = bz;
            t->Bx[i * n + j] = bx * sqrt(fmax(T[j], 0.0));
        }
    for (size_t i = 0; i < n; i++) {
        double c = 0.0;
        for (size_t j = 0; j < n; j++)
            c += R[i * n + j] * f0[j];
        t->c[i] = c;
    }
    return OD_OK;
}

int sme_exact_alloc(sme_exact *t, const opt_flow *f, const opt_params *p, const problem *pb,
                    double B, double h)
{
    size_t n = pb->n, nn = n * n;
    memset(t, 0, sizeof *t);
    if (!f->affine || !pb->spectrum || pb->noise != PROBLEM_NOISE_GAUSS || f->dim(n) != n)
        return OD_ENOTSUP;
    double *J = malloc(nn * sizeof *J), *D = malloc(nn * sizeof *D), *f0 = malloc(n * sizeof *f0);
    int s = J && D && f0 ? probe(f, p, pb, B, J, f0, D) : OD_ENOMEM;
    if (s == OD_OK && !symmetrize(n, J))
        s = OD_ENOTSUP;
    t->n = n;
    t->diag = s == OD_OK && is_diagonal(n, J) && is_diagonal(n, D);
    size_t sz = t->diag ? n : nn;
    if (s == OD_OK) {
        t->E = malloc(sz * sizeof *t->E);
        t->c = malloc(n * sizeof *t->c);
        t->Bz = malloc(sz * sizeof *t->Bz);
        t->Bx = malloc(sz * sizeof *t->Bx);
        s = t->E && t->c && t->Bz && t->Bx ? OD_OK : OD_ENOMEM;
    }
    if (s == OD_OK && t->diag)
        diag_transition(t, J, f0, D, h);
    else if (s == OD_OK) {
        double *scratch = malloc((5 * nn + 2 * n) * sizeof *scratch);
        s = scratch ? dense_transition(t, J, f0, D, h, scratch) : OD_ENOMEM;
        free(scratch);
    }
    free(J), free(D), free(f0);
    if (s != OD_OK)
        sme_exact_free(t);
    return s;
}

/* out += M v (M n x n, or its diagonal). */
static void mul_add(const sme_exact *t, const double *M, const double *v, double *out)
{
    size_t n = t->n;
    for (size_t i = 0; i < n; i++) {
        if (t->diag) {
            out[i] += M[i] * v[i];
            continue;
        }
        double s = 0.0;
        for (size_t j = 0; j < n; j++)
            s += M[i * n + j] * v[j];
        out[i] += s;
    }
}

void sme_exact_step(const sme_exact *t, const double *z, const double *xi, double *X,
                    double *tmp)
{
    memcpy(tmp, t->c, t->n * sizeof *tmp);
    mul_add(t, t->E, X, tmp);
    mul_add(t, t->Bz, z, tmp);
    mul_add(t, t->Bx, xi, tmp);
    memcpy(X, tmp, t->n * sizeof *X);
}
