/* sim/core/problems/net.c — loss, backpropagation, R-operator Hessian-vector products (Pearlmutter
 * 1994) and the Hessian diagonal of a network of L <= 2 hidden layers; all exact. Per example,
 * a_0 = x, z_l = W_l a_(l-1) + b_l, a_l = act(z_l) (l <= L), f = z_(L+1), r = dl/df, H_f = d2l/df2:
 *   g_(L+1) = r, s_l = W_(l+1)^T g_(l+1), g_l = s_l .* act'(z_l); dW_l = g_l a_(l-1)^T, db_l = g_l;
 *   direction (V_l, c_l): Ra_0 = 0, Rz_l = W_l Ra_(l-1) + V_l a_(l-1) + c_l, Ra_l = act'(z_l) .* Rz_l,
 *   Rg_(L+1) = H_f Rz_(L+1), Rg_l = (V_(l+1)^T g_(l+1) + W_(l+1)^T Rg_(l+1)) .* act'(z_l)
 *   + s_l .* act''(z_l) .* Rz_l; H.v on (W_l, b_l) = (Rg_l a_(l-1)^T + g_l Ra_(l-1)^T, Rg_l).
 * Hessian diagonal: d2L/dW_l[i,j]^2 = mean a_(l-1),j^2 (H_z_l)_ii (a = 1 for b_l), with
 *   (H_z_(L+1))_qq = (H_f)_qq, (H_z_l)_ii = act'(z_l,i)^2 Q_(l+1)(W_(l+1)[:,i]) + act''(z_l,i) s_l,i,
 *   where Q_l(u) = u^T H_z_l u: Q_(L+1)(u) = u^T H_f u, and for l <= L
 *   Q_l(u) = Q_(l+1)(W_(l+1) (act'(z_l) .* u)) + sum_i act''(z_l,i) s_l,i u_i^2.
 * Cross-entropy: p = softmax(f), l = logsumexp(f) - f_y, r = p - e_y, H_f = diag(p) - p p^T.
 * Third derivative D^3L[u, u, .] = d/de H(x + e u) u at e = 0 (squared error, H_f = I): the
 * forward-mode derivative (') of the R-operator pass above along u = (U_l, c_l) with v = u:
 *   Rz_1' = 0, Rz_l' = 2 U_l Ra_(l-1) + W_l Ra_(l-1)', Ra_l' = act''(z_l) .* Rz_l.^2 + act'(z_l) .* Rz_l',
 *   Rg_(L+1)' = Rz_(L+1)', Rg_l' = (2 U_(l+1)^T Rg_(l+1) + W_(l+1)^T Rg_(l+1)') .* act'(z_l)
 *   + 2 (U_(l+1)^T g_(l+1) + W_(l+1)^T Rg_(l+1)) .* act''(z_l) .* Rz_l
 *   + s_l .* (act'''(z_l) .* Rz_l.^2 + act''(z_l) .* Rz_l');
 *   D^3L[u, u, .] on (W_l, b_l) = mean (Rg_l' a_(l-1)^T + 2 Rg_l Ra_(l-1)^T + g_l Ra_(l-1)'^T, Rg_l')
 * (tanh''' = (1 - t^2)(6 t^2 - 2); relu and linear: 0; the l2 term has none).
 * Full-data sums run over fixed chunks of examples (net.h), added in chunk order. */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"

#ifdef _OPENMP
#include <omp.h>
#endif

const char *const net_activations[] = { "tanh", "relu", "linear", NULL };

static double squared_grad(const net *m, size_t j, double *fr)
{
    for (size_t q = 0; q < m->k; q++)
        fr[q] -= m->Y ? m->Y[j * m->k + q] : 0.0;
    return 0.5 * problem_dot(m->k, fr, fr);
}

static void squared_hvp(const net *m, size_t j, const double *r, const double *rf, double *rr)
{
    (void)j, (void)r;
    memcpy(rr, rf, m->k * sizeof *rr);
}

static double squared_hdiag(const net *m, size_t j, const double *r, size_t q)
{
    (void)m, (void)j, (void)r, (void)q;
    return 1.0;
}

static double squared_quad(const net *m, size_t j, const double *r, const double *w, size_t stride)
{
    (void)j, (void)r;
    double c = 0.0;
    for (size_t q = 0; q < m->k; q++)
        c += w[q * stride] * w[q * stride];
    return c;
}

const net_out net_squared = { squared_grad, squared_hvp, squared_hdiag, squared_quad };

/* p_q = r_q + [q = y] */
static double ce_p(const net *m, size_t j, const double *r, size_t q)
{
    return r[q] + (q == m->label[j] ? 1.0 : 0.0);
}

static double ce_grad(const net *m, size_t j, double *fr)
{
    double mx = fr[0], s = 0.0;
    for (size_t q = 1; q < m->k; q++)
        mx = fr[q] > mx ? fr[q] : mx;
    for (size_t q = 0; q < m->k; q++)
        s += exp(fr[q] - mx);
    double l = mx + log(s) - fr[m->label[j]];
    for (size_t q = 0; q < m->k; q++)
        fr[q] = exp(fr[q] - mx) / s - (q == m->label[j] ? 1.0 : 0.0);
    return l;
}

static void ce_hvp(const net *m, size_t j, const double *r, const double *rf, double *rr)
{
    double pr = 0.0;
    for (size_t q = 0; q < m->k; q++)
        pr += ce_p(m, j, r, q) * rf[q];
    for (size_t q = 0; q < m->k; q++)
        rr[q] = ce_p(m, j, r, q) * (rf[q] - pr);
}

static double ce_hdiag(const net *m, size_t j, const double *r, size_t q)
{
    double p = ce_p(m, j, r, q);
    return p * (1.0 - p);
}

static double ce_quad(const net *m, size_t j, const double *r, const double *w, size_t stride)
{
    double a = 0.0, b = 0.0;
    for (size_t q = 0; q < m->k; q++) {
        double p = ce_p(m, j, r, q);
        a += p * w[q * stride] * w[q * stride];
        b += p * w[q * stride];
    }
    return a - b * b;
}

const net_out net_cross_entropy = { ce_grad, ce_hvp, ce_hdiag, ce_quad };

size_t net_layout(size_t d, size_t h, size_t h2, size_t k, int bias, problem_block *b)
{
    static const char *const wn[3][3] = { { "W" }, { "W1", "W2" }, { "W1", "W2", "W3" } };
    static const char *const bn[3][3] = { { "b" }, { "b1", "b2" }, { "b1", "b2", "b3" } };
    size_t L = h ? (h2 ? 2 : 1) : 0, w[4] = { d, h, h2, 0 }, nb = 0;
    w[L + 1] = k;
    for (size_t l = 1; l <= L + 1; l++) {
        if (b)
            b[nb] = (problem_block){ "", w[l], w[l - 1] };
        if (b)
            snprintf(b[nb].name, sizeof b[nb].name, "%s", wn[L][l - 1]);
        nb++;
        if (bias) {
            if (b)
                b[nb] = (problem_block){ "", w[l], 0 };
            if (b)
                snprintf(b[nb].name, sizeof b[nb].name, "%s", bn[L][l - 1]);
            nb++;
        }
    }
    return nb;
}

void net_shape(net *m, size_t d, size_t h, size_t h2, size_t k, int bias)
{
    m->d = d, m->h = h, m->h2 = h ? h2 : 0, m->k = k, m->bias = bias;
    m->L = h ? (m->h2 ? 2 : 1) : 0;
    m->width[0] = d, m->width[1] = h, m->width[2] = m->h2;
    m->width[m->L + 1] = k;
    size_t o = 0;
    for (size_t l = 1; l <= m->L + 1; l++) {
        m->oW[l - 1] = o;
        o += m->width[l] * m->width[l - 1];
        m->ob[l - 1] = o;
        o += bias ? m->width[l] : 0;
    }
    m->n = o;
    m->threads = 1;
}

/* act(z), act'(z), act''(z). */
static double activate(int act, double z, double *d1, double *d2)
{
    if (act == NET_TANH) {
        double t = tanh(z);
        *d1 = 1.0 - t * t;
        *d2 = -2.0 * t * *d1;
        return t;
    }
    *d2 = 0.0;
    if (act == NET_RELU) {
        *d1 = z > 0 ? 1.0 : 0.0;
        return z > 0 ? z : 0.0;
    }
    *d1 = 1.0;
    return z;
}

/* sum_i a_i b_i, vectorized (the order of the sum is fixed by the build: reproducible run to run,
 * not identical across vector widths). */
static double dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Per-example scratch, per layer l = 1..L+1 of width w_l: z, act', act'', s, g (dl/dz_l; g[L+1] =
 * r = dl/df), the activations ab (l <= L), and for H v and the diagonal Rz, Ra, Rg, u, w;
 * a[0] is the example's input row, a[l] = ab[l]. */
typedef struct pass {
    const double *a[NET_MAX_HIDDEN + 2];
    double *z[NET_MAX_HIDDEN + 2], *d1[NET_MAX_HIDDEN + 2], *d2[NET_MAX_HIDDEN + 2];
    double *s[NET_MAX_HIDDEN + 2], *g[NET_MAX_HIDDEN + 2], *ab[NET_MAX_HIDDEN + 2];
    double *rz[NET_MAX_HIDDEN + 2], *ra[NET_MAX_HIDDEN + 2], *rg[NET_MAX_HIDDEN + 2];
    double *u[NET_MAX_HIDDEN + 2], *w[NET_MAX_HIDDEN + 2];
    double *rz2[NET_MAX_HIDDEN + 2], *ra2[NET_MAX_HIDDEN + 2], *rg2[NET_MAX_HIDDEN + 2];
    double *mem;
} pass;

enum { PASS_FIELDS = 14 };

static int pass_alloc(const net *m, pass *p)
{
    size_t total = 1;
    for (size_t l = 1; l <= m->L + 1; l++)
        total += PASS_FIELDS * m->width[l];
    memset(p, 0, sizeof *p);
    if (!(p->mem = calloc(total, sizeof *p->mem)))
        return OD_ENOMEM;
    double *q = p->mem;
    for (size_t l = 1; l <= m->L + 1; l++) {
        double **f[PASS_FIELDS] = { &p->z[l],   &p->d1[l],  &p->d2[l],  &p->s[l],  &p->g[l],
                                    &p->ab[l],  &p->rz[l],  &p->ra[l],  &p->rg[l], &p->u[l],
                                    &p->w[l],   &p->rz2[l], &p->ra2[l], &p->rg2[l] };
        for (int i = 0; i < PASS_FIELDS; i++, q += m->width[l])
            *f[i] = q;
        p->a[l] = p->ab[l];
    }
    return OD_OK;
}

/* out = W in + b of layer l (W: rows x cols at x + oW, b at x + ob where biased and `with`). */
static void affine_b(const net *m, const double *x, size_t l, const double *in, int with,
                     double *out)
{
    size_t rows = m->width[l], cols = m->width[l - 1];
    const double *W = x + m->oW[l - 1], *b = x + m->ob[l - 1];
    for (size_t i = 0; i < rows; i++)
        out[i] = dot(cols, W + i * cols, in) + (m->bias && with ? b[i] : 0.0);
}

static void affine(const net *m, const double *x, size_t l, const double *in, double *out)
{
    affine_b(m, x, l, in, 1, out);
}

/* out = W^T in for layer l's W (rows x cols): out_c = sum_q W_qc in_q, q ascending. */
static void affine_t(const net *m, const double *x, size_t l, const double *in, double *out)
{
    size_t rows = m->width[l], cols = m->width[l - 1];
    const double *W = x + m->oW[l - 1];
    memset(out, 0, cols * sizeof *out);
    for (size_t q = 0; q < rows; q++) {
        double c = in[q];
        const double *Wq = W + q * cols;
#pragma omp simd
        for (size_t i = 0; i < cols; i++)
            out[i] += Wq[i] * c;
    }
}

/* Outputs f of example j at x into p->g[L+1], with z, a, act', act'' of the hidden layers. */
static void outputs(const net *m, const double *x, size_t j, pass *p)
{
    p->a[0] = m->X + j * m->d;
    for (size_t l = 1; l <= m->L; l++) {
        affine(m, x, l, p->a[l - 1], p->z[l]);
        for (size_t i = 0; i < m->width[l]; i++)
            p->ab[l][i] = activate(m->act, p->z[l][i], &p->d1[l][i], &p->d2[l][i]);
    }
    affine(m, x, m->L + 1, p->a[m->L], p->g[m->L + 1]);
}

/* g_(L+1) = c r given, then s_l = W_(l+1)^T g_(l+1), g_l = s_l .* act'(z_l), l = L..1. */
static void backward(const net *m, const double *x, pass *p)
{
    for (size_t l = m->L; l >= 1; l--) {
        affine_t(m, x, l + 1, p->g[l + 1], p->s[l]);
        for (size_t i = 0; i < m->width[l]; i++)
            p->g[l][i] = p->s[l][i] * p->d1[l][i];
    }
}

/* Forward pass of example j: outputs, r = dl/df into g[L+1], and backward; returns l. */
static double forward(const net *m, const double *x, size_t j, pass *p)
{
    outputs(m, x, j, p);
    double l = m->out->grad(m, j, p->g[m->L + 1]);
    backward(m, x, p);
    return l;
}

/* Layer l's block of out += (e a^T + e2 a2^T, e), the second term only when a2 is given. */
static void accumulate(const net *m, size_t l, const double *e, const double *a, const double *e2,
                       const double *a2, double *out)
{
    size_t rows = m->width[l], cols = m->width[l - 1];
    double *W = out + m->oW[l - 1], *b = out + m->ob[l - 1];
    for (size_t i = 0; i < rows; i++) {
        double *Wi = W + i * cols, c = e[i], c2 = a2 ? e2[i] : 0.0;
        if (a2) {
#pragma omp simd
            for (size_t k = 0; k < cols; k++)
                Wi[k] += c * a[k] + c2 * a2[k];
        } else {
#pragma omp simd
            for (size_t k = 0; k < cols; k++)
                Wi[k] += c * a[k];
        }
        if (m->bias)
            b[i] += c;
    }
}

/* One example's contribution to a full-data sum into out; v: direction (H v) or NULL. */
typedef double (*example_fn)(const net *m, const double *x, const double *v, size_t j, double c,
                             pass *p, double *out);

static double loss_example(const net *m, const double *x, const double *v, size_t j, double c,
                           pass *p, double *out)
{
    (void)v, (void)c, (void)out;
    outputs(m, x, j, p);
    return m->out->grad(m, j, p->g[m->L + 1]);
}

/* c: CR sampling's weight 1/(N p_j) (1 otherwise); r is scaled before backprop. */
static double grad_example(const net *m, const double *x, const double *v, size_t j, double c,
                           pass *p, double *out)
{
    (void)v;
    outputs(m, x, j, p);
    double l = m->out->grad(m, j, p->g[m->L + 1]);
    for (size_t q = 0; c != 1.0 && q < m->k; q++)
        p->g[m->L + 1][q] *= c;
    backward(m, x, p);
    for (size_t l1 = 1; l1 <= m->L + 1; l1++)
        accumulate(m, l1, p->g[l1], p->a[l1 - 1], NULL, NULL, out);
    return l;
}

/* Forward and backward pass of example j with the R-operator along v: Rz, Ra, Rg per layer, and
 * U^T g, W^T Rg in u, w (l <= L); returns the example's loss. */
static double r_pass(const net *m, const double *x, const double *v, size_t j, pass *p)
{
    size_t L = m->L;
    double l = forward(m, x, j, p);
    for (size_t l1 = 1; l1 <= L + 1; l1++) {             /* Rz_l, Ra_l */
        affine(m, v, l1, p->a[l1 - 1], p->rz[l1]);
        if (l1 > 1) {                                     /* + W Ra */
            affine_b(m, x, l1, p->ra[l1 - 1], 0, p->u[l1]);
            for (size_t i = 0; i < m->width[l1]; i++)
                p->rz[l1][i] += p->u[l1][i];
        }
        if (l1 <= L)
            for (size_t i = 0; i < m->width[l1]; i++)
                p->ra[l1][i] = p->d1[l1][i] * p->rz[l1][i];
    }
    m->out->hvp(m, j, p->g[L + 1], p->rz[L + 1], p->rg[L + 1]);
    for (size_t l1 = L; l1 >= 1; l1--) {                 /* Rg_l */
        affine_t(m, v, l1 + 1, p->g[l1 + 1], p->u[l1]);
        affine_t(m, x, l1 + 1, p->rg[l1 + 1], p->w[l1]);
        for (size_t i = 0; i < m->width[l1]; i++)
            p->rg[l1][i] = (p->u[l1][i] + p->w[l1][i]) * p->d1[l1][i] +
                           p->s[l1][i] * p->d2[l1][i] * p->rz[l1][i];
    }
    return l;
}

static double hvp_example(const net *m, const double *x, const double *v, size_t j, double c,
                          pass *p, double *out)
{
    (void)c;
    size_t L = m->L;
    double l = r_pass(m, x, v, j, p);
    accumulate(m, 1, p->rg[1], p->a[0], NULL, NULL, out);
    for (size_t l1 = 2; l1 <= L + 1; l1++)
        accumulate(m, l1, p->rg[l1], p->a[l1 - 1], p->g[l1], p->ra[l1 - 1], out);
    return l;
}

/* act'''(z) from a = act(z) and act'(z). */
static double activate3(int act, double a, double d1)
{
    return act == NET_TANH ? d1 * (6.0 * a * a - 2.0) : 0.0;
}

/* Layer l's weight block of out += c e a^T (no bias term). */
static void outer_add(const net *m, size_t l, double c, const double *e, const double *a,
                      double *out)
{
    size_t rows = m->width[l], cols = m->width[l - 1];
    double *W = out + m->oW[l - 1];
    for (size_t i = 0; i < rows; i++) {
        double ci = c * e[i];
        double *Wi = W + i * cols;
#pragma omp simd
        for (size_t k = 0; k < cols; k++)
            Wi[k] += ci * a[k];
    }
}

/* One example's D^3L[u, u, .] (squared error; the header's formulas) into out. */
static double d3_example(const net *m, const double *x, const double *u, size_t j, double c,
                         pass *p, double *out)
{
    (void)c;
    size_t L = m->L;
    double l = r_pass(m, x, u, j, p);
    for (size_t l1 = 1; l1 <= L + 1; l1++) {             /* Rz', Ra' (rg2 as scratch) */
        size_t wl = m->width[l1];
        if (l1 == 1)
            memset(p->rz2[1], 0, wl * sizeof *p->rz2[1]);
        else {
            affine_b(m, u, l1, p->ra[l1 - 1], 0, p->rz2[l1]);
            affine_b(m, x, l1, p->ra2[l1 - 1], 0, p->rg2[l1]);
            for (size_t i = 0; i < wl; i++)
                p->rz2[l1][i] = 2.0 * p->rz2[l1][i] + p->rg2[l1][i];
        }
        if (l1 <= L)
            for (size_t i = 0; i < wl; i++)
                p->ra2[l1][i] = p->d2[l1][i] * p->rz[l1][i] * p->rz[l1][i] +
                                p->d1[l1][i] * p->rz2[l1][i];
    }
    memcpy(p->rg2[L + 1], p->rz2[L + 1], m->k * sizeof *p->rg2[L + 1]);   /* H_f = I */
    for (size_t l1 = L; l1 >= 1; l1--) {                 /* Rg' */
        for (size_t i = 0; i < m->width[l1]; i++)        /* u = s_l' = U^T g + W^T Rg */
            p->u[l1][i] += p->w[l1][i];
        affine_t(m, u, l1 + 1, p->rg[l1 + 1], p->rg2[l1]);
        affine_t(m, x, l1 + 1, p->rg2[l1 + 1], p->w[l1]);
        for (size_t i = 0; i < m->width[l1]; i++) {
            double rz = p->rz[l1][i], s = p->s[l1][i], d2 = p->d2[l1][i];
            double d3 = activate3(m->act, p->ab[l1][i], p->d1[l1][i]);
            p->rg2[l1][i] = (2.0 * p->rg2[l1][i] + p->w[l1][i]) * p->d1[l1][i] +
                            2.0 * p->u[l1][i] * d2 * rz + s * (d3 * rz * rz + d2 * p->rz2[l1][i]);
        }
    }
    for (size_t l1 = 1; l1 <= L + 1; l1++) {
        accumulate(m, l1, p->rg2[l1], p->a[l1 - 1], NULL, NULL, out);
        if (l1 > 1) {                                     /* Ra_0 = Ra_0' = 0 */
            outer_add(m, l1, 2.0, p->rg[l1], p->ra[l1 - 1], out);
            outer_add(m, l1, 1.0, p->g[l1], p->ra2[l1 - 1], out);
        }
    }
    return l;
}

/* Q_l(u) = u^T H_z_l u for u (width w_l) in p->u[l]; uses p->w[l + 1] and deeper. */
static double quad_at(const net *m, const double *x, size_t j, pass *p, size_t l)
{
    if (l == m->L + 1)
        return m->out->quad(m, j, p->g[l], p->u[l], 1);
    double c = 0.0;
    for (size_t i = 0; i < m->width[l]; i++) {
        c += p->d2[l][i] * p->s[l][i] * p->u[l][i] * p->u[l][i];
        p->w[l][i] = p->d1[l][i] * p->u[l][i];
    }
    size_t rows = m->width[l + 1], cols = m->width[l];
    const double *W = x + m->oW[l];
    for (size_t q = 0; q < rows; q++)
        p->u[l + 1][q] = dot(cols, W + q * cols, p->w[l]);
    return quad_at(m, x, j, p, l + 1) + c;
}

static double diag_example(const net *m, const double *x, const double *v, size_t j, double c,
                           pass *p, double *out)
{
    (void)v, (void)c;
    size_t L = m->L;
    double l = forward(m, x, j, p);
    for (size_t l1 = L + 1; l1 >= 1; l1--) {
        size_t rows = m->width[l1], cols = m->width[l1 - 1];
        const double *a = p->a[l1 - 1];
        double *D = out + m->oW[l1 - 1];
        for (size_t i = 0; i < rows; i++) {
            double hz;
            if (l1 == L + 1) {
                hz = m->out->hdiag(m, j, p->g[l1], i);
            } else {                                      /* column i of W_(l+1) */
                const double *W = x + m->oW[l1];
                for (size_t q = 0; q < m->width[l1 + 1]; q++)
                    p->u[l1 + 1][q] = W[q * rows + i];
                hz = p->d1[l1][i] * p->d1[l1][i] * quad_at(m, x, j, p, l1 + 1) +
                     p->d2[l1][i] * p->s[l1][i];
            }
            for (size_t k = 0; k < cols; k++)
                D[i * cols + k] += hz * a[k] * a[k];
            if (m->bias)
                out[m->ob[l1 - 1] + i] += hz;
        }
    }
    return l;
}

/* sum over t in [t0, t1) of fn for example idx[t] (t without idx), weighted by wt[t] where
 * given, into out (len values, zeroed first); returns the summed per-example losses. */
static double sum_range(const net *m, example_fn fn, const double *x, const double *v,
                        const size_t *idx, const double *wt, size_t t0, size_t t1, pass *p,
                        double *out, size_t len)
{
    double s = 0.0;
    memset(out, 0, len * sizeof *out);
    for (size_t t = t0; t < t1; t++)
        s += fn(m, x, v, idx ? idx[t] : t, idx && wt ? wt[t] : 1.0, p, out);
    return s;
}

/* The sum of fn over cnt examples (chunked as net.h says) into out (len values), the summed
 * losses into *loss; OD_ENOMEM when scratch space is short. */
static int sum_examples(const net *m, example_fn fn, const double *x, const double *v,
                        const size_t *idx, const double *wt, size_t cnt, double *out, size_t len,
                        double *loss)
{
    size_t nch = cnt / NET_CHUNK_MIN;
    nch = nch < 1 ? 1 : nch > NET_CHUNKS ? NET_CHUNKS : nch;
    pass p;
    if (nch == 1) {
        if (pass_alloc(m, &p) != OD_OK)
            return OD_ENOMEM;
        *loss = sum_range(m, fn, x, v, idx, wt, 0, cnt, &p, out, len);
        free(p.mem);
        return OD_OK;
    }
    double *part = malloc(nch * (len + 1) * sizeof *part);
    int status = part ? OD_OK : OD_ENOMEM, threads = m->threads;
#ifdef _OPENMP
    threads = omp_in_parallel() || threads < 1 ? 1 : threads;
#endif
    if (part) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) private(p)
        for (size_t c = 0; c < nch; c++) {
            if (pass_alloc(m, &p) != OD_OK) {
#pragma omp atomic write
                status = OD_ENOMEM;
                continue;
            }
            double *o = part + c * (len + 1);
            o[len] = sum_range(m, fn, x, v, idx, wt, c * cnt / nch, (c + 1) * cnt / nch, &p, o, len);
            free(p.mem);
        }
    }
    if (status == OD_OK) {                                /* chunk order, whatever the threads */
        memcpy(out, part, len * sizeof *out);
        *loss = part[len];
        for (size_t c = 1; c < nch; c++) {
            const double *o = part + c * (len + 1);
            for (size_t i = 0; i < len; i++)
                out[i] += o[i];
            *loss += o[len];
        }
    }
    free(part);
    return status;
}

/* out = out / cnt + l2 v */
static void finish(const net *m, double cnt, const double *v, double *out)
{
    for (size_t i = 0; i < m->n; i++)
        out[i] /= cnt;
    if (m->l2 != 0.0)
        for (size_t i = 0; i < m->n; i++)
            out[i] += m->l2 * v[i];
}

double net_loss(const net *m, const double *x, const size_t *idx, size_t cnt)
{
    double s, none;
    if (!idx)
        cnt = m->N;
    if (sum_examples(m, loss_example, x, NULL, idx, NULL, cnt, &none, 0, &s) != OD_OK)
        return NAN;
    s /= (double)cnt;
    return m->l2 != 0.0 ? s + 0.5 * m->l2 * problem_dot(m->n, x, x) : s;
}

int net_grad(const net *m, const double *x, const size_t *idx, size_t cnt, const double *wt,
             double *g)
{
    double s;
    if (!idx)
        cnt = m->N;
    int status = sum_examples(m, grad_example, x, NULL, idx, wt, cnt, g, m->n, &s);
    if (status == OD_OK)
        finish(m, (double)cnt, x, g);
    return status;
}

int net_hvp(const net *m, const double *x, const double *v, double *hv)
{
    double s;
    int status = sum_examples(m, hvp_example, x, v, NULL, NULL, m->N, hv, m->n, &s);
    if (status == OD_OK)
        finish(m, (double)m->N, v, hv);
    return status;
}

int net_d3(const net *m, const double *x, const double *u, double *t)
{
    if (m->out != &net_squared)
        return OD_ENOTSUP;
    double s;
    int status = sum_examples(m, d3_example, x, u, NULL, NULL, m->N, t, m->n, &s);
    for (size_t i = 0; status == OD_OK && i < m->n; i++)
        t[i] /= (double)m->N;
    return status;
}

int net_hess_diag(const net *m, const double *x, double *diag)
{
    double s;
    int status = sum_examples(m, diag_example, x, NULL, NULL, NULL, m->N, diag, m->n, &s);
    for (size_t i = 0; status == OD_OK && i < m->n; i++)
        diag[i] = diag[i] / (double)m->N + m->l2;
    return status;
}

int net_outputs(const net *m, const double *x, size_t j, double *f)
{
    pass p;
    if (pass_alloc(m, &p) != OD_OK)
        return OD_ENOMEM;
    outputs(m, x, j, &p);
    memcpy(f, p.g[m->L + 1], m->k * sizeof *f);
    free(p.mem);
    return OD_OK;
}

void net_scaled_weights(const net *m, const double *z, size_t h1, double gain, double *x)
{
    memset(x, 0, m->n * sizeof *x);
    for (size_t l = 1; l <= m->L + 1; l++) {
        size_t rows = l == 1 && m->L ? h1 : m->width[l];
        size_t cols = l == 2 ? h1 : m->width[l - 1];      /* live units feed the next layer */
        for (size_t i = 0; i < rows; i++)
            for (size_t c = 0; c < cols; c++)
                x[m->oW[l - 1] + i * m->width[l - 1] + c] = z[i * cols + c] * sqrt(gain / (double)cols);
        z += rows * cols;
    }
}

/* The training net of pb with pb's thread count. */
static net problem_net(const problem *pb)
{
    net m = *(const net *)pb->data;
    m.threads = pb->threads;
    return m;
}

double net_problem_loss(const problem *pb, const double *x)
{
    net m = problem_net(pb);
    return net_loss(&m, x, NULL, 0);
}

int net_problem_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    net m = problem_net(pb);
    int full = problem_is_full(b) || !b->idx;
    return net_grad(&m, x, full ? NULL : b->idx, full ? 0 : b->nidx, full ? NULL : b->w, g);
}

int net_problem_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    net m = problem_net(pb);
    return net_hvp(&m, x, v, hv);
}

int net_problem_d3(const problem *pb, const double *x, const double *u, double *t)
{
    net m = problem_net(pb);
    return net_d3(&m, x, u, t);
}

int net_problem_hess_diag(const problem *pb, const double *x, double *diag)
{
    net m = problem_net(pb);
    return net_hess_diag(&m, x, diag);
}
