/* sim/input/param.h — typed key specifications: how one INI value is parsed, checked and stored.
 * Every key users can write is described once by a param_spec (type, default, range, doc). */
#ifndef OPTDYN_PARAM_H
#define OPTDYN_PARAM_H

#include <stddef.h>

#define PARAM_LIST_MAX 1024  /* longest list value (x0, eigenvalues, sweep grids) */
#define PARAM_STRING_MAX 4096

typedef enum {
    PARAM_REAL,     /* double; finite unless PARAM_ALLOW_INF */
    PARAM_INT,      /* long, stored as long */
    PARAM_CHOICE,   /* one word of spec->choices, stored as int index */
    PARAM_LIST,     /* comma-separated finite reals, stored as param_list */
    PARAM_STRING,   /* free text, stored as char[PARAM_STRING_MAX] */
    PARAM_GRID      /* grid expression (sim/grid.h), stored as param_list */
} param_kind;

enum {
    PARAM_LO_OPEN   = 1u << 0,   /* value must be > lo (default: >= lo) */
    PARAM_HI_OPEN   = 1u << 1,   /* value must be < hi (default: <= hi) */
    PARAM_ALLOW_INF = 1u << 2,   /* REAL accepts "inf" (e.g. batch = inf) */
    PARAM_OPTIONAL  = 1u << 3    /* may be absent though it has no default (stays zero/empty) */
};

typedef struct {
    size_t n;
    double v[PARAM_LIST_MAX];
} param_list;

typedef struct param_spec {
    const char *key;
    param_kind kind;
    size_t offset;                 /* where the value lives in the target struct */
    const char *def;               /* default as text; NULL: required unless PARAM_OPTIONAL */
    double lo, hi;                 /* range for REAL, INT and each LIST element */
    unsigned flags;
    const char *const *choices;    /* NULL-terminated words for CHOICE */
    const char *doc;               /* one line for `optdyn list` and docs/config.md */
} param_spec;

/* The words of a yes/no CHOICE (no = 0, yes = 1). */
extern const char *const param_yes_no[];

/* Arrays of specs end with an entry whose key is NULL. */
const param_spec *param_find(const param_spec *specs, const char *key);

/* The REAL value of key in base (laid out by specs), or def where specs has no such key: how
 * generic code reads a type's hyperparameter without knowing its struct. */
double param_get(const param_spec *specs, const void *base, const char *key, double def);
/* Store v as key's REAL value; 0 where specs has no such REAL key (base unchanged). */
int param_put(const param_spec *specs, void *base, const char *key, double v);

/* The one rule for every real value — keys, list elements, grid terms and the values a grid
 * expands to: a number that is not zero but of magnitude below DBL_MIN (subnormal, or so small
 * that it rounds to 0), or that overflows a double, is refused, with a why saying so. Returns 1
 * (why set) when v, read from text (erange: strtod reported ERANGE), is refused; else 0. */
int param_real_refused(const char *text, double v, int erange, char *why, size_t len);

/* Parse text into base+spec->offset. On failure returns OD_EINPUT and writes into
 * why what was expected, e.g. "expected a finite number > 0, got 'nan'". */
int param_set(const param_spec *spec, void *base, const char *text, char *why, size_t whylen);

/* Store every default of specs into base; required keys are left zeroed. */
void param_defaults(const param_spec *specs, void *base);

/* Write a short description of the accepted values ("a number in (0, inf)") into buf. */
void param_describe(const param_spec *spec, char *buf, size_t len);

/* Comma-separated list of the keys of specs, for "expected one of" messages. */
void param_keys(const param_spec *specs, char *buf, size_t len);

#endif
