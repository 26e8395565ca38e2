/* fuzz/fuzz_experiment.c — libFuzzer target (a): experiment text -> parse -> validate -> build the
 * problem and the optimizers (no run). Any sanitizer report, crash, hang or abort is a defect. */
#include "fuzz_build.h"

#include "../sim/core/status.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[4096];
    config *c = NULL;
    if (text && config_load_from("fuzz.ini", text, NULL, 0, &c, err, sizeof err) == OD_OK)
        fuzz_build(c);
    config_free(c);
    free(text);
    return 0;
}
