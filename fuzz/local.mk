# fuzz/local.mk — libFuzzer targets (clang, address + UB sanitizers, build tree build-fuzz/):
# `make fuzz` builds them and runs each for FUZZ_SECONDS (fuzz/run.sh); any crash fails.

FUZZ_NAMES   := fuzz_experiment fuzz_set fuzz_h5
FUZZ_SECONDS ?= 300

.PHONY: fuzz fuzz-bins fuzz-run
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

ifneq ($(FUZZ),1)
# `make fuzz-bins` (build only) in the fuzz tree, as `make fuzz` does; without it the target
# had no recipe outside FUZZ=1 and left build-fuzz/ stale.
fuzz-bins:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
else
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_UTIL := $(BUILD)/fuzz/fuzz_build.o
# The h5 target calls the CLI's info/export/merge functions: every CLI object, main() renamed.
$(BUILD)/sim/cli/main.o: FILE_CFLAGS = -Dmain=optdyn_cli_main
$(BUILD)/fuzz/fuzz_h5: FUZZ_EXTRA = $(CLI_OBJ)
$(BUILD)/fuzz/fuzz_h5: $(CLI_OBJ)

$(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(FUZZ_UTIL) $(LIB)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_UTIL) $(FUZZ_EXTRA) $(LIB) $(LDLIBS_ALL)

fuzz-bins: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_BINS:%=%.o) $(FUZZ_UTIL)

fuzz-run: fuzz-bins
	@sh fuzz/run.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

-include $(FUZZ_BINS:%=%.d) $(FUZZ_UTIL:.o=.d)
endif
