/* optimizers/lora_pro_solve.h — LoRA-Pro's step for a factorized weight W = W_f + s A B (Wang & Liang
 * 2024, arXiv 2407.18242): the factor updates (H_A, H_B) whose low-rank change H_A B + A H_B is
 * closest to a full-matrix direction G, given only G_A = G B^T and G_B = A^T G. */
#ifndef OPTDYN_LORA_PRO_SOLVE_H
#define OPTDYN_LORA_PRO_SOLVE_H

#include <stddef.h>

/* Doubles of scratch lora_pro_solve needs for A (m x r), B (r x k). */
size_t lora_pro_work_size(size_t m, size_t r, size_t k);

/* With P_A = A (A^T A)^+ A^T, P_B = B^T (B B^T)^+ B (pseudo-inverses: eigenvalues at most 1e-12
 * times the largest count as 0), every C (r x r) gives a minimizer of |H_A B + A H_B - G|_F,
 *   H_A = G_A (B B^T)^+ + A C,   H_B = (A^T A)^+ G_B (I - P_B) - C B,
 * with H_A B + A H_B = P_A G + G P_B - P_A G P_B. C = NULL: LoRA-Pro's C, the solution of the
 * Sylvester equation A^T A C + C B B^T = -A^T G_A (B B^T)^+ (by the eigendecompositions
 * A^T A = Q1 D1 Q1^T, B B^T = Q2 D2 Q2^T (GSL Jacobi): C = Q1 [(Q1^T R Q2)_ij/(d1_i + d2_j)] Q2^T),
 * which minimizes |H_A - G_A|^2 + |H_B - G_B|^2. Writes HA (m x r) and HB (r x k); work:
 * lora_pro_work_size doubles. All matrices row-major. */
void lora_pro_solve(const double *A, const double *B, const double *GA, const double *GB,
                    const double *C, size_t m, size_t r, size_t k, double *HA, double *HB,
                    double *work);

#endif
