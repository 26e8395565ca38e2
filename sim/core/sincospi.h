/* sim/core/sincospi.h — sin and cos of 2 pi t for |t| <= 1/2, branch-free and inline so that loops
 * calling it vectorize (exact quadrant reduction, fdlibm's kernels on |x| <= pi/4: < 1 ulp). */
#ifndef OPTDYN_SINCOSPI_H
#define OPTDYN_SINCOSPI_H

/* *s = sin(2 pi t), *c = cos(2 pi t), |t| <= 1/2 (any t with |t| < 2^50 reduces, less exactly). */
static inline void sincos_turns(double t, double *s, double *c)
{
    /* t = n/4 + r, |r| <= 1/8 exactly; x = 2 pi r in two parts (2 pi = P1 + P2) */
    const double P1 = 6.28318530717958623200e+00, P2 = 2.44929359829470635445e-16;
    double n = (4 * t + 0x1.8p52) - 0x1.8p52, r = t - 0.25 * n;
    double x = r * P1 + r * P2, z = x * x;
    double sr = 8.33333333332248946124e-03 +
                z * (-1.98412698298579493134e-04 +
                     z * (2.75573137070700676789e-06 +
                          z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
    double sx = x + z * x * (-1.66666666666666324348e-01 + z * sr);
    double cr = z * (4.16666666666666019037e-02 +
                     z * (-1.38888888888741095749e-03 +
                          z * (2.48015872894767294178e-05 +
                               z * (-2.75573143513906633035e-07 +
                                    z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
    double hz = 0.5 * z, w = 1.0 - hz;
    double cx = w + (((1.0 - w) - hz) + z * cr);
    /* quadrant n mod 4: (s, c) = (sx, cx), (cx, -sx), (-sx, -cx), (-cx, sx) */
    int m = (int)n & 3;
    double ss = (m & 1) ? cx : sx, cc = (m & 1) ? sx : cx;
    *s = (m & 2) ? -ss : ss;
    *c = ((m + 1) & 2) ? -cc : cc;
}

#endif
