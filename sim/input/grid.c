/* sim/input/grid.c — expansion of grid expressions into value lists. pow2(a,b) gives 2^a, 2^(a+1),
 * ..., 2^b exactly; logspace(a,b,n) gives 10^(a + k(b-a)/(n-1)), k = 0..n-1. */
#include "grid.h"
#include "../core/status.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Where a refused number (param_real_refused) is reported: why is set and refused raised. */
typedef struct refusal {
    char *why;
    size_t len;
    int refused;
} refusal;

/* strtod at p, refusing what param_real_refused refuses (the token is copied for the message). */
static double number(const char *p, char **end, refusal *rf)
{
    errno = 0;
    double v = strtod(p, end);
    int erange = errno == ERANGE;
    if (*end != p && !rf->refused) {
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(*end - p), p);
        rf->refused = param_real_refused(tok, v, erange, rf->why, rf->len);
    }
    return v;
}

static int push(param_list *out, double v)
{
    if (out->n == PARAM_LIST_MAX)
        return 0;
    out->v[out->n++] = v;
    return 1;
}

/* name(a, b[, c]) -> up to 3 arguments; returns the count or -1. */
static int call_args(const char **pp, const char *name, double *args, refusal *rf)
{
    const char *p = *pp;
    size_t len = strlen(name);
    if (strncasecmp(p, name, len) != 0 || *skip(p + len) != '(')
        return -1;
    p = skip(p + len) + 1;
    int n = 0;
    for (;;) {
        char *end;
        if (n == 3)
            return -1;
        args[n++] = number(skip(p), &end, rf);
        if (end == skip(p) || !isfinite(args[n - 1]))
            return -1;
        p = skip(end);
        if (*p == ')')
            break;
        if (*p != ',')
            return -1;
        p++;
    }
    *pp = p + 1;
    return n;
}

/* n points from a to b, evenly spaced (in the exponent when logarithmic). */
static int spaced(param_list *out, const double *a, int logarithmic)
{
    if (a[2] != floor(a[2]) || a[2] < 1 || a[2] > PARAM_LIST_MAX)
        return 0;
    int n = (int)a[2];
    for (int k = 0; k < n; k++) {
        double e = n == 1 ? a[0] : a[0] + (a[1] - a[0]) * k / (double)(n - 1);
        if (!push(out, logarithmic ? pow(10.0, e) : e))
            return 0;
    }
    return 1;
}

/* One term at *pp appended to out; "K - f(...)" stores K - v for each value v of f. */
static int term(const char **pp, int allow_inf, param_list *out, refusal *rf)
{
    const char *p = skip(*pp);
    double a[3], K = NAN;
    char *end;
    double lead = number(p, &end, rf);
    if (end != p && *skip(end) == '-' && isalpha((unsigned char)*skip(skip(end) + 1))) {
        K = lead;
        p = skip(skip(end) + 1);
    }
    size_t before = out->n;
    int ok;
    if (call_args(&p, "pow2", a, rf) == 2) {
        ok = a[0] == floor(a[0]) && a[1] == floor(a[1]) && a[0] <= a[1] && a[1] - a[0] < 4096 &&
             fabs(a[0]) < 1000 && fabs(a[1]) < 1000;
        for (double e = a[0]; ok && e <= a[1]; e++)
            ok = push(out, ldexp(1.0, (int)e));
    } else if (call_args(&p, "logspace", a, rf) == 3) {
        ok = spaced(out, a, 1);
    } else if (call_args(&p, "linspace", a, rf) == 3) {
        ok = spaced(out, a, 0);
    } else if (!isnan(K)) {
        ok = 0;
    } else if (strncasecmp(p, "inf", 3) == 0) {
        ok = allow_inf && push(out, INFINITY);
        p += strncasecmp(p, "infinity", 8) == 0 ? 8 : 3;
    } else {
        double v = number(p, &end, rf);
        ok = end != p && isfinite(v) && push(out, v);
        p = end;
    }
    if (!ok || rf->refused)
        return 0;
    if (!isnan(K))
        for (size_t i = before; i < out->n; i++)
            out->v[i] = K - out->v[i];
    *pp = p;
    return 1;
}

int grid_parse(const char *text, int allow_inf, param_list *out, char *why, size_t len)
{
    param_list tmp = { 0 };
    refusal rf = { why, len, 0 };
    const char *p = text;
    for (;;) {
        if (!term(&p, allow_inf, &tmp, &rf))
            break;
        p = skip(p);
        if (*p == '\0') {
            for (size_t i = 0; i < tmp.n; i++) {     /* computed values obey the same rule */
                char value[64];
                snprintf(value, sizeof value, "%.17g", tmp.v[i]);
                if (!isinf(tmp.v[i]) && param_real_refused(value, tmp.v[i], 0, why, len))
                    return OD_EINPUT;
                if (isinf(tmp.v[i]) && !allow_inf) {
                    snprintf(why, len, "'%s' has a value that overflows a double", text);
                    return OD_EINPUT;
                }
            }
            *out = tmp;
            return OD_OK;
        }
        if (*p != ',')
            break;
        p++;
    }
    if (rf.refused)
        return OD_EINPUT;
    snprintf(why, len, "expected a grid: comma-separated numbers%s, pow2(a,b), logspace(a,b,n), "
             "linspace(a,b,n) or K - logspace(...) (at most %d values), got '%s'",
             allow_inf ? ", inf" : "", PARAM_LIST_MAX, text);
    return OD_EINPUT;
}
