/* sim/theory/msign_theory.c — closed forms of E[msign(G + Z)] per matrix block in G's singular bases
 * (msign_theory.h), and the one-step lr*(B), dL(B) they give (docs/theory.md, "Muon and SignSGDM one
 * step"). */
#include "msign_theory.h"
#include "../core/status.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* e_i of form for singular values s[0..k) of a block with larger side n, per-entry variance
 * var, B_simple bs; OD_ENOTSUP for the perturbative form at a zero singular value. */
static int diag_factors(int form, const double *s, size_t k, size_t n, double var, double bs,
                        double B, double tol, double *e)
{
    for (size_t i = 0; i < k; i++) {
        int live = s[i] > tol;
        switch (form) {
        case MSIGN_NOISELESS:
            e[i] = live;
            break;
        case MSIGN_MATRIX:
            e[i] = live ? s[i] / sqrt(s[i] * s[i] + (double)n * var / B) : 0.0;
            break;
        case MSIGN_SCALAR:
            e[i] = live / sqrt(1.0 + bs / B);
            break;
        default: {
            if (!live)
                return OD_ENOTSUP;
            double sum = 0.0;
            for (size_t j = 0; j < k; j++)
                if (j != i)
                    sum += 1.0 / ((s[i] + s[j]) * (s[i] + s[j]));
            e[i] = 1.0 - var / B * (sum + (double)(n - k) / (2.0 * s[i] * s[i]));
            if (e[i] < 0.0)        /* the correction exceeds the value: outside its range */
                e[i] = NAN;
        }
        }
    }
    return OD_OK;
}

/* One block: g (r x c, row-major) -> E (r x c) = scale U diag(e) V^T. work: (n + k + 2) k + n k. */
static int block_mean(const double *g, const double *sd, size_t r, size_t c, double scale,
                      int form, double B, double *E, double *work)
{
    size_t n = r > c ? r : c, k = r > c ? c : r;
    double *X = work, *V = X + n * k, *S = V + k * k, *e = S + k, var = 0.0, gg = 0.0;
    for (size_t i = 0; i < r; i++)           /* X = G (n x k): G itself or its transpose */
        for (size_t j = 0; j < c; j++) {
            double v = g[i * c + j];
            X[r >= c ? i * c + j : j * r + i] = v;
            var += sd[i * c + j] * sd[i * c + j];
            gg += v * v;
        }
    double bs = var / gg;
    var /= (double)(r * c);
    gsl_matrix_view U = gsl_matrix_view_array(X, n, k), Vm = gsl_matrix_view_array(V, k, k);
    gsl_vector_view Sv = gsl_vector_view_array(S, k);
    if (gg == 0.0 || gsl_linalg_SV_decomp_jacobi(&U.matrix, &Vm.matrix, &Sv.vector))
        return OD_EDOM;
    double smax = 0.0;
    for (size_t i = 0; i < k; i++)
        smax = fmax(smax, S[i]);
    int status = diag_factors(form, S, k, n, var, bs, B, (double)n * 2.220446049250313e-16 * smax, e);
    for (size_t i = 0; status == OD_OK && i < n; i++)
        for (size_t j = 0; j < k; j++) {
            double t = 0.0;
            for (size_t q = 0; q < k; q++)
                t += X[i * k + q] * e[q] * V[j * k + q];
            E[r >= c ? i * c + j : j * c + i] = scale * t;
        }
    return status;
}

int msign_mean(const opt_type *t, const opt_params *p, const grad_moments *m, const problem *pb,
               double B, int form, double *E)
{
    size_t nb = problem_block_count(pb), most = 0;
    for (size_t b = 0; b < nb; b++) {
        problem_block blk = problem_block_at(pb, b, NULL);
        if (!blk.cols)
            return OD_ENOTSUP;
        size_t n = blk.rows > blk.cols ? blk.rows : blk.cols, k = blk.rows + blk.cols - n;
        size_t need = (n + k + 2) * k + n * k;
        most = need > most ? need : most;
    }
    double *work = malloc(most * sizeof *work);
    int status = work ? OD_OK : OD_ENOMEM;
    for (size_t b = 0; status == OD_OK && b < nb; b++) {
        size_t off;
        problem_block blk = problem_block_at(pb, b, &off);
        double s = t->block_scale ? t->block_scale(p, blk.rows, blk.cols) : 1.0;
        status = block_mean(m->g + off, m->sd + off, blk.rows, blk.cols, s, form, B, E + off, work);
    }
    free(work);
    return status;
}

size_t msign_forms(const opt_type *t, const opt_params *p, const grad_moments *m,
                   const problem *pb, const double *x, double B, theory_value *out)
{
    static const struct { int form; const char *name; } forms[] = {
        { MSIGN_MATRIX, "msign_matrix" }, { MSIGN_SCALAR, "msign_scalar" },
        { MSIGN_PERTURB, "msign_perturbative" },
    };
    size_t n = m->n, k = 0;
    double *E = malloc(n * sizeof *E), *HE = malloc(n * sizeof *HE), den = 0.0;
    int ok = E && HE && msign_mean(t, p, m, pb, INFINITY, MSIGN_NOISELESS, E) == OD_OK &&
             pb->type->hvp(pb, x, E, HE) == OD_OK;
    for (size_t i = 0; ok && i < n; i++)
        den += E[i] * HE[i];
    for (size_t f = 0; ok && f < sizeof forms / sizeof forms[0]; f++) {
        if (msign_mean(t, p, m, pb, B, forms[f].form, E) != OD_OK)
            continue;
        double num = 0.0;
        for (size_t i = 0; i < n; i++)
            num += E[i] * m->g[i];
        out[k++] = (theory_value){ forms[f].name, num / den, num * num / (2.0 * den) };
    }
    free(E), free(HE);
    return k;
}
