/* sim/theory/powdd.h — integer powers x^k and the divided difference E_k(x, y) = (x^k - y^k)/(x - y)
 * of real x, y for steps k up to 1e9 and beyond, without cancellation (docs/theory.md, exact NQM). */
#ifndef OPTDYN_POWDD_H
#define OPTDYN_POWDD_H

/* A real number known by its value, log|value| (accurate even near |value| = 1) and sign. */
typedef struct powdd_num {
    double v;       /* the value (may be rounded; its log is what powers use) */
    double lg;      /* log|v|, -inf for v = 0 */
} powdd_num;

/* From a value whose log is computed here (accurate when |v| is not near 1). */
powdd_num powdd_from(double v);

/* x = 1 - d from d (accurate log1p(-d) for small d; exact 1 - d for 0.5 <= d <= 2). */
powdd_num powdd_one_minus(double d);

/* x^k for integer k >= 0 (0^0 = 1), sign from x.v. */
double powdd_pow(powdd_num x, double k);

/* E_k(x, y) = (x^k - y^k)/(x - y) = sum_{j<k} x^j y^(k-1-j) for integer k >= 0 (k x^(k-1) when
 * x = y); dxy = |x| - |y|, computed accurately by the caller (it fixes log|y/x| near 1). Relative
 * error a few ulps times (1 + k |log|y/x|| eps) in the worst case, whatever the gap x - y. */
double powdd_dd(powdd_num x, powdd_num y, double dxy, double k);

/* The same for fixed x, y and many k: what does not depend on k, computed once. */
typedef struct powdd_pair {
    powdd_num x, y;   /* |x| >= |y| */
    double lt;        /* log|y/x| <= 0 */
    double den;       /* 1 - t for t = y/x */
    int mixed;        /* x and y of opposite signs */
} powdd_pair;

powdd_pair powdd_pair_of(powdd_num x, powdd_num y, double dxy);
double powdd_pair_dd(const powdd_pair *p, double k);

#endif
