/* sim/core/matmul.h — one matrix product on row-major arrays through GSL's BLAS, for the factorized
 * problem (lora) and the rules that act on its factors (lora_pro). */
#ifndef OPTDYN_MATMUL_H
#define OPTDYN_MATMUL_H

#include <stddef.h>

/* C (p x q) = alpha op(X) op(Y) + beta C; op(X) is p x l (X stored l x p when tX), op(Y) is
 * l x q (Y stored q x l when tY). C must not overlap X or Y. */
void matmul(int tX, int tY, size_t p, size_t q, size_t l, double alpha, const double *X,
            const double *Y, double beta, double *C);

#endif
