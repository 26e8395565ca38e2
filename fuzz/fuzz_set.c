/* fuzz/fuzz_set.c — libFuzzer target (b): `--set section.key=value` strings applied to a shipped
 * experiment, then validate and build (no run). Input: byte 0 picks the base file among
 * experiments/ *.ini (sorted; run from the repository root), the rest is one --set per line. */
#include "fuzz_build.h"

#include "../sim/core/status.h"

#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SETS = 64 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static glob_t bases;
static char **texts;     /* the base files' contents, read once */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *t = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (t = calloc((size_t)n + 1, 1)) && fread(t, 1, (size_t)n, f) != (size_t)n) {
        free(t);
        t = NULL;
    }
    if (f)
        fclose(f);
    return t;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    if (glob("experiments/*.ini", 0, NULL, &bases) != 0 || bases.gl_pathc == 0) {
        fprintf(stderr, "fuzz_set: run from the repository root (no experiments/*.ini)\n");
        exit(1);
    }
    texts = calloc(bases.gl_pathc, sizeof *texts);
    for (size_t i = 0; texts && i < bases.gl_pathc; i++)
        if (!(texts[i] = slurp(bases.gl_pathv[i]))) {
            fprintf(stderr, "fuzz_set: cannot read %s\n", bases.gl_pathv[i]);
            exit(1);
        }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t b = data[0] % bases.gl_pathc;
    char *text = fuzz_text(data + 1, size - 1), *sets[MAX_SETS], err[4096];
    size_t n = 0;
    for (char *p = text, *nl; p && n < MAX_SETS; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        sets[n++] = p;
    }
    config *c = NULL;
    if (text && config_load_from(bases.gl_pathv[b], texts[b], (const char *const *)sets, n, &c,
                                 err, sizeof err) == OD_OK)
        fuzz_build(c);
    config_free(c);
    free(text);
    return 0;
}
