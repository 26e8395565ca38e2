# tests/local.mk — test binaries (cmocka), the CLI/h5py scripts, and `make test`.
# tests/run.sh runs everything and prints the closing line "N passed, N failed".

TEST_NAMES := test_rng test_optimizers test_problems test_conformance test_config test_run test_sweep test_nqm_exact test_flow test_onestep test_fit test_noise_scale test_registry test_gaussreg test_muon test_train test_h5check \
            test_lowrank test_galore test_sampling \
            test_fmnist \
            test_lora \
            test_eos \
            test_fused \
            test_progress
TEST_BINS  := $(TEST_NAMES:%=$(BUILD)/tests/%)
TEST_UTIL  := $(BUILD)/tests/testutil.o

# the objects are kept (make would delete them as intermediates after every `make test`)
.SECONDARY: $(TEST_NAMES:%=$(BUILD)/tests/%.o) $(TEST_UTIL)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_UTIL) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_UTIL) $(LIB) $(LDLIBS_ALL) -lcmocka

.PHONY: test-bins
test-bins: $(TEST_BINS) $(OPTDYN)

test: test-bins
	@sh tests/run.sh $(BUILD) $(TEST_NAMES)

# make MPI=1 test-mpi: the MPI build against the serial one (tests/mpi_test.sh)
.PHONY: test-mpi
test-mpi: $(OPTDYN)
	@$(MAKE) --no-print-directory MPI= SAN= build/optdyn
	@sh tests/mpi_test.sh build/optdyn $(OPTDYN)

-include $(TEST_BINS:%=%.d) $(TEST_UTIL:.o=.d)

# make check-lora-plus: the LoRA+ measurements on mlp_lora (~11 s of one core; not in `make test`)
.PHONY: check-lora-plus
check-lora-plus: $(OPTDYN)
	@sh tests/lora_plus_check.sh $(OPTDYN)
