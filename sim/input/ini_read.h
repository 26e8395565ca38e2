/* sim/input/ini_read.h — an experiment file read into (section, key, value, line) entries with inih,
 * plus --set overrides, so that every later message can name the file, line and key. */
#ifndef OPTDYN_INI_READ_H
#define OPTDYN_INI_READ_H

#include <stddef.h>

typedef struct ini_entry {
    char *section, *key, *value;
    int line;          /* 0 for an entry that came from --set */
    int used;          /* set by the interpreter once the key has been consumed */
} ini_entry;

typedef struct ini_section {
    char *name;
    int line;
} ini_section;

typedef struct ini_doc {
    char *path;        /* as given by the user */
    char *text;        /* the file verbatim (recorded in every output file) */
    ini_entry *e;
    size_t ne, cap;
    ini_section *s;
    size_t ns, scap;
} ini_doc;

/* Read and parse path. On a syntax error, duplicate key or section, or unreadable file returns
 * OD_EINPUT (or OD_ENOMEM) with a message "path:line: ..." in err, and *out = NULL. */
int ini_doc_read(const char *path, ini_doc **out, char *err, size_t errlen);

/* The same from text already in memory (e.g. an experiment recorded in an output file); name
 * stands for the path in messages. */
int ini_doc_parse(const char *name, const char *text, ini_doc **out, char *err, size_t errlen);

/* Apply "section.key=value" (the last '.' before '=' splits section from key): replaces the
 * value of an existing entry or adds one (and its section). */
int ini_doc_set(ini_doc *d, const char *assignment, char *err, size_t errlen);

void ini_doc_free(ini_doc *d);

/* The entry of key in section, or the section named name; NULL when absent. */
ini_entry *ini_doc_entry(const ini_doc *d, const char *section, const char *key);
ini_section *ini_doc_section(const ini_doc *d, const char *name);

/* Prefix of a message about entry e: "path:line: [section] key" or "--set section.key". */
void ini_entry_where(const ini_doc *d, const ini_entry *e, char *buf, size_t len);

#endif
