/* sim/core/problems/net.c — loss, backpropagation, R-operator Hessian-vector products (Pearlmutter
 * 1994) and the Hessian diagonal of a network of at most one hidden layer; all exact. Per example,
 * z = W1 x + b1, a = act(z) (a = x without a hidden layer), f = W2 a + b2, r = dl/df, H_f = d2l/df2:
 *   dW2 = r a^T, db2 = r, s = W2^T r, delta = s .* act'(z), dW1 = delta x^T, db1 = delta;
 *   direction (V1, c1, V2, c2): Rz = V1 x + c1, Ra = act'(z) .* Rz, Rf = W2 Ra + V2 a + c2,
 *   Rr = H_f Rf; H.v: (Rr a^T + r Ra^T, Rr, Rdelta x^T, Rdelta),
 *   Rdelta = (V2^T r + W2^T Rr) .* act'(z) + s .* act''(z) .* Rz.
 * Hessian diagonal: d2L/dW2_qi^2 = mean a_i^2 (H_f)_qq, d2L/db2_q^2 = mean (H_f)_qq,
 *   d2L/dW1_il^2 = mean x_l^2 (act'(z_i)^2 W2[:,i]^T H_f W2[:,i] + act''(z_i) s_i), x_l = 1 for b1.
 * Cross-entropy: p = softmax(f), l = logsumexp(f) - f_y, r = p - e_y, H_f = diag(p) - p p^T.
 * Third derivative D^3L[u, u, .] = d/de H(x + e u) u at e = 0 (squared error, H_f = I), the
 * forward-mode derivative of the R-operator pass above along u = (U1, c1, U2, c2) with v = u
 * (primes: d/de): Rz' = 0, z' = Rz, a' = Ra, f' = Rf, r' = Rf, act'(z)' = act''(z) Rz,
 *   Ra' = act''(z) .* Rz.^2,   Rf' = 2 U2 Ra + W2 Ra',   Rr' = Rf',
 *   Rdelta' = (2 U2^T Rf + W2^T Rf') .* act'(z) + 2 (U2^T r + W2^T Rf) .* act''(z) .* Rz
 *             + s .* act'''(z) .* Rz.^2,
 *   D^3L[u, u, .] = mean (Rdelta' x^T, Rdelta', Rf' a^T + 2 Rf Ra^T + r Ra'^T, Rf')
 * (tanh''' = (1 - t^2)(6 t^2 - 2); relu and linear: 0; the l2 term has none). */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../status.h"

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

size_t net_layout(size_t d, size_t h, size_t k, int bias, problem_block *b)
{
    size_t nb = 0;
    problem_block all[4] = { { "W1", h, d }, { "b1", h, 0 }, { "W2", k, h }, { "b2", k, 0 } };
    if (h == 0)
        all[2] = (problem_block){ "W", k, d }, all[3] = (problem_block){ "b", k, 0 };
    for (int i = h ? 0 : 2; i < 4; i++)
        if (bias || all[i].cols) {
            if (b)
                b[nb] = all[i];
            nb++;
        }
    return nb;
}

void net_shape(net *m, size_t d, size_t h, size_t k, int bias)
{
    m->d = d, m->h = h, m->k = k, m->bias = bias;
    m->hin = h ? h : d;
    m->ob1 = h * d;
    m->oW2 = m->ob1 + (bias ? h : 0);
    m->ob2 = m->oW2 + k * m->hin;
    m->n = m->ob2 + (bias ? k : 0);
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

/* act'''(z) from a = act(z) and act'(z). */
static double activate3(int act, double a, double d1)
{
    return act == NET_TANH ? d1 * (6.0 * a * a - 2.0) : 0.0;
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

/* Per-example scratch: z, act', act'', s = W2^T r (h each), a (hin), r (k), then `extra`. */
typedef struct pass {
    double *z, *d1, *d2, *s, *a, *r, *extra;
} pass;

static double *pass_alloc(const net *m, pass *p, size_t extra)
{
    double *w = malloc((4 * m->h + m->hin + m->k + extra + 1) * sizeof *w);
    if (w) {
        double *a = w + 4 * m->h;
        *p = (pass){ w, w + m->h, w + 2 * m->h, w + 3 * m->h, a, a + m->hin, a + m->hin + m->k };
    }
    return w;
}

/* Outputs f of example j at x into p->r, with z, a, act', act'' on the way. */
static void outputs(const net *m, const double *x, size_t j, pass *p)
{
    const double *in = m->X + j * m->d, *W2 = x + m->oW2;
    if (!m->h)
        memcpy(p->a, in, m->d * sizeof *in);
    for (size_t i = 0; i < m->h; i++) {
        double z = dot(m->d, x + i * m->d, in) + (m->bias ? x[m->ob1 + i] : 0.0);
        p->z[i] = z;
        p->a[i] = activate(m->act, z, &p->d1[i], &p->d2[i]);
    }
    for (size_t q = 0; q < m->k; q++) {
        p->r[q] = dot(m->hin, W2 + q * m->hin, p->a) + (m->bias ? x[m->ob2 + q] : 0.0);
    }
}

/* Forward pass of example j: outputs, then r = dl/df, s = W2^T r; returns l. */
static double forward(const net *m, const double *x, size_t j, pass *p)
{
    const double *W2 = x + m->oW2;
    outputs(m, x, j, p);
    double l = m->out->grad(m, j, p->r);
    for (size_t i = 0; i < m->h; i++) {
        double s = 0.0;
        for (size_t q = 0; q < m->k; q++)
            s += W2[q * m->h + i] * p->r[q];
        p->s[i] = s;
    }
    return l;
}

/* out += (u x_j^T, u) on (W1, b1) and (e a^T + e2 a2^T, e) on (W2, b2), the second term only when
 * a2 is given: the gradient is (delta, r, a, -, -), H.v is (Rdelta, Rr, a, Ra, r). */
static void accumulate(const net *m, size_t j, const double *u, const double *e,
                       const double *a, const double *a2, const double *e2, double *out)
{
    const double *in = m->X + j * m->d;
    for (size_t i = 0; i < m->h; i++) {
        for (size_t l = 0; l < m->d; l++)
            out[i * m->d + l] += u[i] * in[l];
        if (m->bias)
            out[m->ob1 + i] += u[i];
    }
    for (size_t q = 0; q < m->k; q++) {
        for (size_t i = 0; i < m->hin; i++)
            out[m->oW2 + q * m->hin + i] += e[q] * a[i] + (a2 ? e2[q] * a2[i] : 0.0);
        if (m->bias)
            out[m->ob2 + q] += e[q];
    }
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
    pass p;
    double *w = pass_alloc(m, &p, 0), s = 0.0;
    if (!w)
        return NAN;
    if (!idx)
        cnt = m->N;
    for (size_t t = 0; t < cnt; t++)
        s += forward(m, x, idx ? idx[t] : t, &p);
    free(w);
    s /= (double)cnt;
    return m->l2 != 0.0 ? s + 0.5 * m->l2 * problem_dot(m->n, x, x) : s;
}

int net_grad(const net *m, const double *x, const size_t *idx, size_t cnt, const double *wt,
             double *g)
{
    pass p;
    double *w = pass_alloc(m, &p, m->h);
    if (!w)
        return OD_ENOMEM;
    if (!idx)
        cnt = m->N;
    double *delta = p.extra;
    memset(g, 0, m->n * sizeof *g);
    for (size_t t = 0; t < cnt; t++) {
        size_t j = idx ? idx[t] : t;
        forward(m, x, j, &p);
        double c = idx && wt ? wt[t] : 1.0;        /* CR sampling's weight 1/(N p_j) */
        for (size_t i = 0; i < m->h; i++)
            delta[i] = c * p.s[i] * p.d1[i];
        for (size_t q = 0; c != 1.0 && q < m->k; q++)
            p.r[q] *= c;
        accumulate(m, j, delta, p.r, p.a, NULL, NULL, g);
    }
    finish(m, (double)cnt, x, g);
    free(w);
    return OD_OK;
}

int net_hvp(const net *m, const double *x, const double *v, double *hv)
{
    size_t h = m->h, k = m->k, d = m->d, hin = m->hin;
    pass p;
    double *w = pass_alloc(m, &p, h + 2 * hin + 2 * k);
    if (!w)
        return OD_ENOMEM;
    double *rz = p.extra, *ra = rz + h, *rd = ra + hin, *rf = rd + hin, *rr = rf + k;
    const double *W2 = x + m->oW2, *V2 = v + m->oW2;
    memset(ra, 0, hin * sizeof *ra);                     /* Ra = 0 without a hidden layer */
    memset(hv, 0, m->n * sizeof *hv);
    for (size_t j = 0; j < m->N; j++) {
        const double *in = m->X + j * d;
        forward(m, x, j, &p);
        for (size_t i = 0; i < h; i++) {
            double z = dot(d, v + i * d, in) + (m->bias ? v[m->ob1 + i] : 0.0);
            rz[i] = z;
            ra[i] = p.d1[i] * z;
        }
        for (size_t q = 0; q < k; q++) {
            rf[q] = dot(hin, W2 + q * hin, ra) + dot(hin, V2 + q * hin, p.a) +
                    (m->bias ? v[m->ob2 + q] : 0.0);
        }
        m->out->hvp(m, j, p.r, rf, rr);
        for (size_t i = 0; i < h; i++) {
            double t = 0.0;
            for (size_t q = 0; q < k; q++)
                t += V2[q * h + i] * p.r[q] + W2[q * h + i] * rr[q];
            rd[i] = t * p.d1[i] + p.s[i] * p.d2[i] * rz[i];
        }
        accumulate(m, j, rd, rr, p.a, ra, p.r, hv);
    }
    finish(m, (double)m->N, v, hv);
    free(w);
    return OD_OK;
}

int net_d3(const net *m, const double *x, const double *u, double *t)
{
    if (m->out != &net_squared)
        return OD_ENOTSUP;
    size_t h = m->h, k = m->k, d = m->d, hin = m->hin;
    pass p;
    double *w = pass_alloc(m, &p, 2 * h + 2 * hin + 3 * k);
    if (!w)
        return OD_ENOMEM;
    double *rz = p.extra, *dd = rz + h, *ra = dd + h, *dra = ra + hin;
    double *rf = dra + hin, *rf2 = rf + k, *drf = rf2 + k;
    const double *W2 = x + m->oW2, *U2 = u + m->oW2;
    memset(ra, 0, 2 * hin * sizeof *ra);                 /* Ra = Ra' = 0 without a hidden layer */
    memset(t, 0, m->n * sizeof *t);
    for (size_t j = 0; j < m->N; j++) {
        const double *in = m->X + j * d;
        forward(m, x, j, &p);
        for (size_t i = 0; i < h; i++) {
            rz[i] = dot(d, u + i * d, in) + (m->bias ? u[m->ob1 + i] : 0.0);
            ra[i] = p.d1[i] * rz[i];
            dra[i] = p.d2[i] * rz[i] * rz[i];
        }
        for (size_t q = 0; q < k; q++) {
            rf[q] = dot(hin, W2 + q * hin, ra) + dot(hin, U2 + q * hin, p.a) +
                    (m->bias ? u[m->ob2 + q] : 0.0);
            rf2[q] = 2.0 * rf[q];
            drf[q] = 2.0 * dot(hin, U2 + q * hin, ra) + dot(hin, W2 + q * hin, dra);
        }
        for (size_t i = 0; i < h; i++) {
            double c1 = 0.0, c2 = 0.0;
            for (size_t q = 0; q < k; q++) {
                c1 += 2.0 * U2[q * h + i] * rf[q] + W2[q * h + i] * drf[q];
                c2 += U2[q * h + i] * p.r[q] + W2[q * h + i] * rf[q];
            }
            dd[i] = c1 * p.d1[i] + 2.0 * c2 * p.d2[i] * rz[i] +
                    p.s[i] * activate3(m->act, p.a[i], p.d1[i]) * rz[i] * rz[i];
        }
        accumulate(m, j, dd, drf, p.a, ra, rf2, t);
        for (size_t q = 0; h && q < k; q++)             /* + r Ra'^T */
            for (size_t i = 0; i < h; i++)
                t[m->oW2 + q * h + i] += p.r[q] * dra[i];
    }
    for (size_t i = 0; i < m->n; i++)
        t[i] /= (double)m->N;
    free(w);
    return OD_OK;
}

int net_hess_diag(const net *m, const double *x, double *diag)
{
    size_t h = m->h, k = m->k, d = m->d, hin = m->hin;
    pass p;
    double *w = pass_alloc(m, &p, 0);
    if (!w)
        return OD_ENOMEM;
    const double *W2 = x + m->oW2;
    memset(diag, 0, m->n * sizeof *diag);
    for (size_t j = 0; j < m->N; j++) {
        const double *in = m->X + j * d;
        forward(m, x, j, &p);
        for (size_t i = 0; i < h; i++) {
            double c2 = m->out->quad(m, j, p.r, W2 + i, h);
            double u = p.d1[i] * p.d1[i] * c2 + p.d2[i] * p.s[i];
            for (size_t l = 0; l < d; l++)
                diag[i * d + l] += u * in[l] * in[l];
            if (m->bias)
                diag[m->ob1 + i] += u;
        }
        for (size_t q = 0; q < k; q++) {
            double hq = m->out->hdiag(m, j, p.r, q);
            for (size_t i = 0; i < hin; i++)
                diag[m->oW2 + q * hin + i] += p.a[i] * p.a[i] * hq;
            if (m->bias)
                diag[m->ob2 + q] += hq;
        }
    }
    for (size_t i = 0; i < m->n; i++)
        diag[i] = diag[i] / (double)m->N + m->l2;
    free(w);
    return OD_OK;
}

int net_outputs(const net *m, const double *x, size_t j, double *f)
{
    pass p;
    double *w = pass_alloc(m, &p, 0);
    if (!w)
        return OD_ENOMEM;
    outputs(m, x, j, &p);
    memcpy(f, p.r, m->k * sizeof *f);
    free(w);
    return OD_OK;
}

void net_scaled_weights(const net *m, const double *z, size_t h1, double gain, double *x)
{
    memset(x, 0, m->n * sizeof *x);
    for (size_t i = 0; i < h1; i++)
        for (size_t l = 0; l < m->d; l++)
            x[i * m->d + l] = z[i * m->d + l] * sqrt(gain / (double)m->d);
    size_t in = m->h ? h1 : m->d;
    const double *z2 = z + h1 * m->d;
    for (size_t q = 0; q < m->k; q++)
        for (size_t i = 0; i < in; i++)
            x[m->oW2 + q * m->hin + i] = z2[q * in + i] * sqrt(gain / (double)in);
}

double net_problem_loss(const problem *pb, const double *x)
{
    return net_loss(pb->data, x, NULL, 0);
}

int net_problem_grad(const problem *pb, const double *x, const batch *b, double *g)
{
    int full = problem_is_full(b) || !b->idx;
    return net_grad(pb->data, x, full ? NULL : b->idx, full ? 0 : b->nidx, full ? NULL : b->w,
                    g);
}

int net_problem_hvp(const problem *pb, const double *x, const double *v, double *hv)
{
    return net_hvp(pb->data, x, v, hv);
}

int net_problem_d3(const problem *pb, const double *x, const double *u, double *t)
{
    return net_d3(pb->data, x, u, t);
}

int net_problem_hess_diag(const problem *pb, const double *x, double *diag)
{
    return net_hess_diag(pb->data, x, diag);
}
