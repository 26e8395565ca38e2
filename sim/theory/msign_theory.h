/* sim/theory/msign_theory.h — Muon's one-step theory: E[msign(G + Z)] per matrix block G (r x c) under
 * isotropic gradient noise Z (variance sigma^2/B per entry) in closed forms, and lr*(B) from them. */
#ifndef OPTDYN_MSIGN_THEORY_H
#define OPTDYN_MSIGN_THEORY_H

#include "../../optimizers/opt.h"
#include "grad_moments.h"
#include "scaling_theory.h"

/* With G = U diag(s) V^T (k = min(r, c) singular values), n = max(r, c) and sigma^2 = tr(Sigma_G)
 * /(r c) (the block's mean per-entry variance), every form is E[msign] = U diag(e) V^T:
 *   MSIGN_NOISELESS  e_i = 1 (s_i > 0): msign(G) itself, the limit B -> inf
 *   MSIGN_MATRIX     e_i = s_i/sqrt(s_i^2 + n sigma^2/B), i.e. msign(G)(I + (n sigma^2/B)
 *                    (G^T G)^-1)^(-1/2): mean field, E[G~^T G~] = G^T G + n sigma^2/B I
 *   MSIGN_SCALAR     e_i = 1/sqrt(1 + B_simple/B), B_simple = tr(Sigma_G)/|G|_F^2: G^T G replaced
 *                    by its mean eigenvalue
 *   MSIGN_PERTURB    e_i = 1 - (sigma^2/B) (sum_{j != i} 1/(s_i + s_j)^2 + (n - k)/(2 s_i^2)):
 *                    second-order perturbation of the polar factor, exact as B -> inf (all s_i > 0);
 *                    NaN where some e_i < 0 (B too small for the expansion)
 * (off-diagonal entries of U^T E[msign] V vanish exactly for isotropic noise: flipping signs of
 * Z's rows and columns in the singular bases leaves its law unchanged). */
enum { MSIGN_NOISELESS, MSIGN_MATRIX, MSIGN_SCALAR, MSIGN_PERTURB };

/* E[phi] = s(r, c) E[msign] of every block into E (n doubles; s from t->block_scale).
 * OD_ENOTSUP when a block is a vector, or (MSIGN_PERTURB) a block's G is rank-deficient. */
int msign_mean(const opt_type *t, const opt_params *p, const grad_moments *m, const problem *pb,
               double B, int form, double *E);

/* lr*(B) and dL(B) of the forms msign_matrix, msign_scalar and msign_perturbative (when it
 * applies), into out; returns their number (0: a vector block). With O = E[phi] at B = inf:
 *   lr = E[phi].g / (O^T H O),  dL = (E[phi].g)^2 / (2 O^T H O)
 * i.e. lr_max/sqrt(1 + B_simple/B) in the scalar form, lr_max = |G|_* s / (O^T H O): the
 * denominator E[phi^T H phi] is taken as O^T H O, which holds when H X = c X (G^T G)^(1/2)
 * (lr_max = 1/c) or H = I, for full-rank G (Su 2025, "Rethinking learning rate and batch size
 * III"). In the steady state the caller passes B/a (opt_type.steady_noise). */
size_t msign_forms(const opt_type *t, const opt_params *p, const grad_moments *m,
                   const problem *pb, const double *x, double B, theory_value *out);

#endif
