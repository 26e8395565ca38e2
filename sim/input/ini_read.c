/* sim/input/ini_read.c — inih driven through a line-counting reader, so each key keeps its line number,
 * and repeated keys or sections (which inih accepts silently) are reported as errors. */
#include "ini_read.h"
#include "../core/status.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct reader {
    ini_doc *doc;
    const char *pos;        /* next unread character of doc->text */
    int line;               /* number of the line last handed to inih */
    int status;             /* first error found by the reader or the handler */
    char *err;
    size_t errlen;
} reader;

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

static int add_section(ini_doc *d, const char *name, int line)
{
    if (d->ns == d->scap) {
        size_t cap = d->scap ? 2 * d->scap : 8;
        ini_section *s = realloc(d->s, cap * sizeof *s);
        if (!s)
            return OD_ENOMEM;
        d->s = s;
        d->scap = cap;
    }
    if (!(d->s[d->ns].name = dupstr(name)))
        return OD_ENOMEM;
    d->s[d->ns++].line = line;
    return OD_OK;
}

ini_section *ini_doc_section(const ini_doc *d, const char *name)
{
    for (size_t i = 0; i < d->ns; i++)
        if (strcmp(d->s[i].name, name) == 0)
            return &d->s[i];
    return NULL;
}

ini_entry *ini_doc_entry(const ini_doc *d, const char *section, const char *key)
{
    for (size_t i = 0; i < d->ne; i++)
        if (strcmp(d->e[i].section, section) == 0 && strcmp(d->e[i].key, key) == 0)
            return &d->e[i];
    return NULL;
}

static int add_entry(ini_doc *d, const char *section, const char *key, const char *value, int line)
{
    if (d->ne == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        ini_entry *e = realloc(d->e, cap * sizeof *e);
        if (!e)
            return OD_ENOMEM;
        d->e = e;
        d->cap = cap;
    }
    ini_entry *e = &d->e[d->ne];
    memset(e, 0, sizeof *e);
    e->section = dupstr(section);
    e->key = dupstr(key);
    e->value = dupstr(value);
    e->line = line;
    d->ne++;
    return (e->section && e->key && e->value) ? OD_OK : OD_ENOMEM;
}

/* inih keeps the first 49 characters of a section name (MAX_SECTION in its ini.c, not exported):
 * a longer [optimizer NAME] would be read as another section, its keys lost. */
enum { INIH_MAX_SECTION = 50 };

/* "[ name ]" on a line (after leading blanks): copies the trimmed name, as inih reads it. */
static int section_header(const char *line, char *name, size_t len)
{
    while (isspace((unsigned char)*line))
        line++;
    if (*line != '[')
        return 0;
    const char *end = strchr(line, ']');
    if (!end)
        return 0;
    size_t n = (size_t)(end - line - 1);
    if (n >= len)
        n = len - 1;
    memcpy(name, line + 1, n);
    name[n] = '\0';
    return 1;
}

static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    if (r->status != OD_OK || !*r->pos)
        return NULL;
    const char *nl = strchr(r->pos, '\n');
    size_t n = nl ? (size_t)(nl - r->pos) + 1 : strlen(r->pos);
    r->line++;
    if (n >= (size_t)num) {
        snprintf(r->err, r->errlen, "%s:%d: line longer than %d characters", r->doc->path,
                 r->line, num - 2);
        r->status = OD_EINPUT;
        return NULL;
    }
    memcpy(str, r->pos, n);
    str[n] = '\0';
    r->pos += n;
    char name[256];
    if (section_header(str, name, sizeof name)) {
        if (strlen(name) >= INIH_MAX_SECTION) {     /* inih would cut it and lose its keys */
            snprintf(r->err, r->errlen, "%s:%d: section name [%.60s...] longer than %d "
                     "characters", r->doc->path, r->line, name, INIH_MAX_SECTION - 1);
            r->status = OD_EINPUT;
            return NULL;
        }
        ini_section *prev = ini_doc_section(r->doc, name);
        if (prev) {
            snprintf(r->err, r->errlen, "%s:%d: section [%s] repeated (first at line %d)",
                     r->doc->path, r->line, name, prev->line);
            r->status = OD_EINPUT;
            return NULL;
        }
        r->status = add_section(r->doc, name, r->line);
    }
    return str;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    reader *r = user;
    if (r->status != OD_OK)
        return 0;
    if (!*section) {
        snprintf(r->err, r->errlen, "%s:%d: key '%s' outside any [section]", r->doc->path,
                 r->line, key);
        r->status = OD_EINPUT;
        return 0;
    }
    ini_entry *prev = ini_doc_entry(r->doc, section, key);
    if (prev) {
        snprintf(r->err, r->errlen, "%s:%d: [%s] key '%s' given twice (first at line %d)",
                 r->doc->path, r->line, section, key, prev->line);
        r->status = OD_EINPUT;
        return 0;
    }
    r->status = add_entry(r->doc, section, key, value, r->line);
    return r->status == OD_OK;
}

/* Offset of the first byte of s[0..n) that is not part of well-formed UTF-8 text (a NUL, or a
 * bad sequence), or n when there is none (the text is recorded as a UTF-8 string attribute). */
static size_t utf8_bad_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t len = b == 0 ? 0 : b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3
                   : (b >> 3) == 0x1e ? 4 : 0;
        if (!len || i + len > n)
            return i;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

/* The whole file into a NUL-terminated buffer (*n bytes before the terminator); NULL with *err
 * an errno (EISDIR for a directory). */
static char *slurp(const char *path, size_t *n, int *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        *err = errno;
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        *err = EISDIR;
        return NULL;
    }
    size_t cap = 4096;
    char *buf = malloc(cap);
    *n = 0;
    for (size_t got; buf && (got = fread(buf + *n, 1, cap - *n - 1, f)) > 0;) {
        *n += got;
        if (*n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    *err = ferror(f) ? errno ? errno : EIO : buf ? 0 : ENOMEM;
    fclose(f);
    if (*err) {
        free(buf);
        return NULL;
    }
    buf[*n] = '\0';
    return buf;
}

/* Parse d->text (already set, valid UTF-8) into entries. */
static int parse(ini_doc *d, char *err, size_t errlen)
{
    reader r = { d, d->text, 0, OD_OK, err, errlen };
    int bad = ini_parse_stream(read_line, &r, on_value, &r);
    if (r.status == OD_OK && bad != 0) {
        snprintf(err, errlen, "%s:%d: syntax error: expected '[section]' or 'key = value'",
                 d->path, bad);
        r.status = OD_EINPUT;
    }
    return r.status;
}

static ini_doc *new_doc(const char *path, char *err, size_t errlen)
{
    ini_doc *d = calloc(1, sizeof *d);
    if (!d || !(d->path = dupstr(path))) {
        free(d);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return d;
}

int ini_doc_read(const char *path, ini_doc **out, char *err, size_t errlen)
{
    *out = NULL;
    ini_doc *d = new_doc(path, err, errlen);
    if (!d)
        return OD_ENOMEM;
    int e;
    size_t n = 0;
    if (!(d->text = slurp(path, &n, &e))) {
        snprintf(err, errlen, "%s: cannot read experiment file: %s", path,
                 e == EISDIR ? "is a directory" : strerror(e));
        ini_doc_free(d);
        return OD_EINPUT;
    }
    size_t bad = utf8_bad_at((const unsigned char *)d->text, n);
    if (bad < n) {                  /* NUL bytes or invalid UTF-8: not a text file we can record */
        int line = 1;
        size_t col = 1;
        for (size_t i = 0; i < bad; i++, col++)
            if (d->text[i] == '\n')
                line++, col = 0;
        snprintf(err, errlen, "%s:%d: not a UTF-8 text file (%s 0x%02x at column %zu)", path, line,
                 d->text[bad] ? "byte" : "NUL byte", (unsigned char)d->text[bad], col);
        ini_doc_free(d);
        return OD_EINPUT;
    }
    int status = parse(d, err, errlen);
    if (status != OD_OK) {
        ini_doc_free(d);
        return status;
    }
    *out = d;
    return OD_OK;
}

int ini_doc_parse(const char *name, const char *text, ini_doc **out, char *err, size_t errlen)
{
    *out = NULL;
    ini_doc *d = new_doc(name, err, errlen);
    if (!d)
        return OD_ENOMEM;
    if (!(d->text = dupstr(text))) {
        ini_doc_free(d);
        snprintf(err, errlen, "out of memory");
        return OD_ENOMEM;
    }
    int status = parse(d, err, errlen);
    if (status != OD_OK) {
        ini_doc_free(d);
        return status;
    }
    *out = d;
    return OD_OK;
}

int ini_doc_set(ini_doc *d, const char *assignment, char *err, size_t errlen)
{
    const char *eq = strchr(assignment, '=');
    const char *dot = NULL;
    for (const char *p = assignment; eq && p < eq; p++)
        if (*p == '.')
            dot = p;
    if (!eq || !dot || dot == assignment || dot + 1 == eq) {
        snprintf(err, errlen, "--set %s: expected section.key=value", assignment);
        return OD_EINPUT;
    }
    char section[256], key[256];
    size_t ls = (size_t)(dot - assignment), lk = (size_t)(eq - dot - 1);
    if (ls >= sizeof section || lk >= sizeof key) {
        snprintf(err, errlen, "--set %s: section or key too long", assignment);
        return OD_EINPUT;
    }
    memcpy(section, assignment, ls);
    section[ls] = '\0';
    memcpy(key, dot + 1, lk);
    key[lk] = '\0';
    const char *value = eq + 1;
    ini_entry *e = ini_doc_entry(d, section, key);
    if (e) {
        char *v = dupstr(value);
        if (!v)
            return OD_ENOMEM;
        free(e->value);
        e->value = v;
        e->line = 0;
        return OD_OK;
    }
    if (!ini_doc_section(d, section) && add_section(d, section, 0) != OD_OK)
        return OD_ENOMEM;
    return add_entry(d, section, key, value, 0);
}

void ini_doc_free(ini_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ne; i++) {
        free(d->e[i].section);
        free(d->e[i].key);
        free(d->e[i].value);
    }
    for (size_t i = 0; i < d->ns; i++)
        free(d->s[i].name);
    free(d->e);
    free(d->s);
    free(d->text);
    free(d->path);
    free(d);
}

void ini_entry_where(const ini_doc *d, const ini_entry *e, char *buf, size_t len)
{
    if (e->line > 0)
        snprintf(buf, len, "%s:%d: [%s] %s", d->path, e->line, e->section, e->key);
    else
        snprintf(buf, len, "--set %s.%s", e->section, e->key);
}
