/* sim/core/matmul.c — C = alpha op(X) op(Y) + beta C on row-major arrays via gsl_blas_dgemm on
 * matrix views (sim/core/matmul.h). */
#include "matmul.h"

#include <gsl/gsl_blas.h>

void matmul(int tX, int tY, size_t p, size_t q, size_t l, double alpha, const double *X,
            const double *Y, double beta, double *C)
{
    gsl_matrix_const_view x = tX ? gsl_matrix_const_view_array(X, l, p)
                                 : gsl_matrix_const_view_array(X, p, l);
    gsl_matrix_const_view y = tY ? gsl_matrix_const_view_array(Y, q, l)
                                 : gsl_matrix_const_view_array(Y, l, q);
    gsl_matrix_view c = gsl_matrix_view_array(C, p, q);
    gsl_blas_dgemm(tX ? CblasTrans : CblasNoTrans, tY ? CblasTrans : CblasNoTrans, alpha,
                   &x.matrix, &y.matrix, beta, &c.matrix);
}
