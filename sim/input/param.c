/* sim/input/param.c — parse and check one typed INI value against its param_spec.
 * Values are validated completely before they are stored: a failed set leaves base unchanged. */
#include "param.h"
#include "grid.h"
#include "../core/status.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const param_yes_no[] = { "no", "yes", NULL };

const param_spec *param_find(const param_spec *specs, const char *key)
{
    for (; specs && specs->key; specs++)
        if (strcmp(specs->key, key) == 0)
            return specs;
    return NULL;
}

double param_get(const param_spec *specs, const void *base, const char *key, double def)
{
    const param_spec *s = param_find(specs, key);
    return s && s->kind == PARAM_REAL ? *(const double *)((const char *)base + s->offset) : def;
}

int param_put(const param_spec *specs, void *base, const char *key, double v)
{
    const param_spec *s = param_find(specs, key);
    if (!s || s->kind != PARAM_REAL)
        return 0;
    *(double *)((char *)base + s->offset) = v;
    return 1;
}

/* Bounds of 1e300 and beyond stand for infinity (the value itself must still be finite). */
static void format_bound(char *buf, size_t len, double v)
{
    if (fabs(v) >= 1e300)
        snprintf(buf, len, "%sinf", v < 0 ? "-" : "");
    else
        snprintf(buf, len, "%.16g", v);
}

void param_describe(const param_spec *s, char *buf, size_t len)
{
    char lo[32], hi[32];
    format_bound(lo, sizeof lo, s->lo);
    format_bound(hi, sizeof hi, s->hi);
    const char *open = (s->flags & PARAM_LO_OPEN) || s->lo <= -1e300 ? "(" : "[";
    const char *close = (s->flags & PARAM_HI_OPEN) || (s->hi >= 1e300 && !(s->flags & PARAM_ALLOW_INF))
                            ? ")" : "]";
    switch (s->kind) {
    case PARAM_REAL:
        snprintf(buf, len, "a %snumber in %s%s, %s%s", (s->flags & PARAM_ALLOW_INF) ? "" : "finite ",
                 open, lo, hi, close);
        break;
    case PARAM_INT:
        snprintf(buf, len, "an integer in %s%s, %s%s", open, lo, hi, close);
        break;
    case PARAM_LIST:
        snprintf(buf, len, "a comma-separated list of numbers in %s%s, %s%s", open, lo, hi, close);
        break;
    case PARAM_STRING:
        snprintf(buf, len, "a non-empty text");
        break;
    case PARAM_GRID:
        snprintf(buf, len, "a grid of numbers in %s%s, %s%s (list, pow2(a,b), logspace(a,b,n), ...)",
                 open, lo, hi, close);
        break;
    case PARAM_CHOICE: {
        size_t used = (size_t)snprintf(buf, len, "one of:");
        for (const char *const *c = s->choices; *c && used < len; c++)
            used += (size_t)snprintf(buf + used, len - used, " %s", *c);
        break;
    }
    }
}

void param_keys(const param_spec *specs, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (; specs && specs->key && used < len; specs++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", specs->key);
}

static int in_range(const param_spec *s, double v)
{
    if ((s->flags & PARAM_LO_OPEN) ? !(v > s->lo) : !(v >= s->lo))
        return 0;
    if ((s->flags & PARAM_HI_OPEN) ? !(v < s->hi) : !(v <= s->hi))
        return 0;
    return 1;
}

int param_real_refused(const char *text, double v, int erange, char *why, size_t len)
{
    if ((erange && v == 0.0) || (v != 0.0 && fabs(v) < DBL_MIN)) {
        snprintf(why, len, "'%s' is too small: non-zero numbers of magnitude below %.17g (the "
                 "smallest normal double) are refused, as they keep fewer significant digits "
                 "or round to 0; write 0 or a number at least that large", text, DBL_MIN);
        return 1;
    }
    if (erange && isinf(v)) {
        snprintf(why, len, "'%s' is too large: beyond the largest double, %.17g", text, DBL_MAX);
        return 1;
    }
    return 0;
}

/* Parse a whole token (no trailing characters) as a double; "nan" is refused here
 * so that a range check can never be skipped by a NaN. Returns 1, 0 (malformed or out of the
 * type's reach) or -1 (refused by param_real_refused, why set). */
static int parse_real(const char *text, int allow_inf, double *out, char *why, size_t len)
{
    const char *start = text;
    while (isspace((unsigned char)*text))
        text++;
    if (!*text)
        return 0;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    int erange = errno == ERANGE;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || end == text || isnan(v))
        return 0;
    if (param_real_refused(start, v, erange, why, len))
        return -1;
    if (isinf(v) && !allow_inf)
        return 0;
    *out = v;
    return 1;
}

static int fail(char *why, size_t len, const param_spec *s, const char *text)
{
    char want[256];
    param_describe(s, want, sizeof want);
    snprintf(why, len, "expected %s, got '%s'", want, text);
    return OD_EINPUT;
}

static int set_list(const param_spec *s, param_list *out, const char *text, char *why, size_t len)
{
    param_list tmp = {0};
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char tok[64];
        double v;
        if (n >= sizeof tok || tmp.n == PARAM_LIST_MAX)
            return fail(why, len, s, text);
        memcpy(tok, p, n);
        tok[n] = '\0';
        int parsed = parse_real(tok, 0, &v, why, len);
        if (parsed < 0)
            return OD_EINPUT;
        if (!parsed || !in_range(s, v))
            return fail(why, len, s, text);
        tmp.v[tmp.n++] = v;
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = tmp;
    return OD_OK;
}

int param_set(const param_spec *s, void *base, const char *text, char *why, size_t len)
{
    char *dst = (char *)base + s->offset;
    double v;
    int parsed;
    switch (s->kind) {
    case PARAM_REAL:
        if ((parsed = parse_real(text, s->flags & PARAM_ALLOW_INF, &v, why, len)) < 0)
            return OD_EINPUT;
        if (!parsed || !in_range(s, v))
            return fail(why, len, s, text);
        *(double *)dst = v;
        return OD_OK;
    case PARAM_INT:
        /* accepts 1e6 as well as 1000000, but only exact integers below 2^53 */
        if ((parsed = parse_real(text, 0, &v, why, len)) < 0)
            return OD_EINPUT;
        if (!parsed || v != floor(v) || fabs(v) > 9007199254740992.0 || !in_range(s, v))
            return fail(why, len, s, text);
        *(long *)dst = (long)v;
        return OD_OK;
    case PARAM_CHOICE:
        for (int i = 0; s->choices[i]; i++)
            if (strcasecmp(s->choices[i], text) == 0) {
                *(int *)dst = i;
                return OD_OK;
            }
        return fail(why, len, s, text);
    case PARAM_LIST:
        return set_list(s, (param_list *)dst, text, why, len);
    case PARAM_GRID: {
        param_list *tmp = malloc(sizeof *tmp);
        int status = tmp ? grid_parse(text, s->flags & PARAM_ALLOW_INF, tmp, why, len) : OD_ENOMEM;
        for (size_t i = 0; status == OD_OK && i < tmp->n; i++)
            if (!in_range(s, tmp->v[i]))
                status = fail(why, len, s, text);
        if (status == OD_OK)
            *(param_list *)dst = *tmp;
        free(tmp);
        return status;
    }
    case PARAM_STRING:
        if (!*text || strlen(text) >= PARAM_STRING_MAX)
            return fail(why, len, s, text);
        strcpy(dst, text);
        return OD_OK;
    }
    return fail(why, len, s, text);
}

void param_defaults(const param_spec *specs, void *base)
{
    char why[256];
    for (; specs && specs->key; specs++)
        if (specs->def)
            (void)param_set(specs, base, specs->def, why, sizeof why);
}
