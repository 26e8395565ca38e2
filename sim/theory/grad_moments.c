/* sim/theory/grad_moments.c — gradient, curvature and noise moments at a point by probing the problem:
 * Sigma = S S^T with the columns s_j of S from the noise model, so tr(Sigma) = sum |s_j|^2,
 * Sigma_ii = sum_j s_ij^2 and tr(Sigma H) = sum_j s_j^T H s_j — or, with more columns than
 * dimensions (datasets, N > n), Sigma accumulated densely and tr(Sigma H) from n products H e_i. */
#include "grad_moments.h"
#include "../core/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GM_DENSE_MAX 2048     /* largest n for which Sigma is accumulated as a matrix */

void grad_moments_free(grad_moments *m)
{
    free(m->g), free(m->hdiag), free(m->sd);
    m->g = m->hdiag = m->sd = NULL;
}

/* Column j of S into s; 0 when the problem is noiseless. */
static int noise_column(const problem *pb, const double *x, const double *g, size_t j, double *z,
                        double *s)
{
    size_t n = pb->n;
    int status;
    if (pb->noise == PROBLEM_NOISE_STREAM) {
        status = pb->type->noise_column(pb, x, j, s);
    } else if (pb->noise == PROBLEM_NOISE_GAUSS) {
        memset(z, 0, n * sizeof *z);
        z[j] = 1.0;
        batch b = { 1.0, z, NULL, 0, NULL };
        status = pb->type->grad(pb, x, &b, s);
        for (size_t i = 0; i < n; i++)
            s[i] -= g[i];
    } else {
        batch b = { 1.0, NULL, &j, 1, NULL };
        status = pb->type->grad(pb, x, &b, s);
        double k = 1.0 / sqrt((double)pb->examples);
        for (size_t i = 0; i < n; i++)
            s[i] = (s[i] - g[i]) * k;
    }
    return status;
}

/* tr(Sigma H) = sum_i (H e_i)^T Sigma e_i from the lower triangle of Sigma: n Hessian products. */
static int trace_sigma_h(const problem *pb, const double *x, const double *S, double *e,
                         double *he, double *out)
{
    size_t n = pb->n;
    int status = OD_OK;
    *out = 0.0;
    memset(e, 0, n * sizeof *e);
    for (size_t i = 0; status == OD_OK && i < n; i++) {
        e[i] = 1.0;
        status = pb->type->hvp(pb, x, e, he);
        e[i] = 0.0;
        for (size_t k = 0; status == OD_OK && k < n; k++)
            *out += he[k] * (k <= i ? S[i * n + k] : S[k * n + i]);
    }
    return status;
}

int grad_moments_compute(const problem *pb, const double *x, grad_moments *m)
{
    size_t n = pb->n;
    memset(m, 0, sizeof *m);
    m->n = n;
    if (!pb->type->hvp)
        return OD_ENOTSUP;
    m->g = malloc(n * sizeof *m->g);
    m->hdiag = malloc(n * sizeof *m->hdiag);
    m->sd = calloc(n, sizeof *m->sd);
    double *z = malloc(n * sizeof *z), *s = malloc(n * sizeof *s), *hs = malloc(n * sizeof *hs);
    int status = m->g && m->hdiag && m->sd && z && s && hs ? OD_OK : OD_ENOMEM;
    if (status == OD_OK)
        status = pb->type->grad(pb, x, NULL, m->g);
    if (status == OD_OK)
        status = pb->type->hvp(pb, x, m->g, hs);
    for (size_t i = 0; status == OD_OK && i < n; i++) {
        m->gg += m->g[i] * m->g[i];
        m->gHg += m->g[i] * hs[i];
        m->abs_g += fabs(m->g[i]);
        s[i] = m->g[i] > 0 ? 1.0 : m->g[i] < 0 ? -1.0 : 0.0;
    }
    if (status == OD_OK && pb->type->hess_diag)
        status = pb->type->hess_diag(pb, x, m->hdiag);
    else
        for (size_t j = 0; status == OD_OK && j < n; j++) {      /* H_jj = e_j^T H e_j */
            memset(z, 0, n * sizeof *z);
            z[j] = 1.0;
            status = pb->type->hvp(pb, x, z, hs);
            m->hdiag[j] = hs[j];
        }
    for (size_t i = 0; status == OD_OK && i < n; i++)
        m->A += m->hdiag[i];
    if (status == OD_OK)                                       /* s^T H s = A + C, s = sign(g) */
        status = pb->type->hvp(pb, x, s, hs);
    if (status == OD_OK) {
        double sHs = 0.0, zero = 0.0;
        for (size_t i = 0; i < n; i++) {
            sHs += s[i] * hs[i];
            zero += s[i] == 0.0 ? m->hdiag[i] : 0.0;          /* sign 0 drops H_ii from sHs */
        }
        m->C = sHs - (m->A - zero);
    }
    size_t cols = pb->noise == PROBLEM_NOISE_GAUSS ? n
                  : pb->noise == PROBLEM_NOISE_SAMPLE ? pb->examples
                  : pb->noise == PROBLEM_NOISE_STREAM ? pb->noise_columns : 0;
    int dense = cols > n && n <= GM_DENSE_MAX;
    double *S = dense ? calloc(n * n, sizeof *S) : NULL;
    if (dense && !S)
        status = OD_ENOMEM;
    for (size_t j = 0; status == OD_OK && j < cols; j++) {
        status = noise_column(pb, x, m->g, j, z, s);
        if (status == OD_OK && !dense)
            status = pb->type->hvp(pb, x, s, hs);
        for (size_t i = 0; status == OD_OK && i < n; i++) {
            m->trS += s[i] * s[i];
            m->sd[i] += s[i] * s[i];
            if (dense)
                for (size_t k = 0; k <= i; k++)
                    S[i * n + k] += s[i] * s[k];
            else
                m->trSH += s[i] * hs[i];
        }
    }
    if (status == OD_OK && dense)
        status = trace_sigma_h(pb, x, S, z, hs, &m->trSH);
    free(S);
    for (size_t i = 0; status == OD_OK && i < n; i++)
        m->sd[i] = sqrt(m->sd[i]);
    m->lr_max = m->gg / m->gHg;
    m->dL_max = m->gg * m->gg / (2.0 * m->gHg);
    m->B_noise = m->trSH / m->gHg;
    m->B_simple = m->trS / m->gg;
    free(z), free(s), free(hs);
    if (status != OD_OK)
        grad_moments_free(m);
    return status;
}
