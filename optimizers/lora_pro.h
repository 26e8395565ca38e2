/* optimizers/lora_pro.h — what LoRA-Pro's two rules (lora_pro.c: SGD, lora_pro_adam.c: Adam) share:
 * the factor shapes of a factorized problem and the step from a full-matrix direction. */
#ifndef OPTDYN_LORA_PRO_H
#define OPTDYN_LORA_PRO_H

#include "lora_pro_solve.h"
#include "opt.h"

/* Factorized pb (factor_scale > 0): A is m x r, B is r x k; returns n = r (m + k), else 0. */
size_t lora_pro_dims(const problem *pb, size_t *m, size_t *r, size_t *k);
/* (H_A, H_B) into dx from G = (G'_A, G'_B) (n) at x = (A, B) with LoRA-Pro's C; work:
 * lora_pro_work_size doubles. */
void lora_pro_factor_step(const problem *pb, const double *x, const double *G, double *dx,
                          double *work);

#endif
