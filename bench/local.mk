# bench/local.mk — `make bench`: optdyn's timings against NumPy and PyTorch peers run in the same
# session (bench/run.sh), printed as a table of ratios. Installs python3-torch if missing.
BENCH := $(BUILD)/bench/optdyn_bench

$(BENCH): $(BUILD)/bench/optdyn_bench.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

bench: $(BENCH) $(OPTDYN)
	@sh scripts/deps.sh bench
	@sh bench/run.sh $(BUILD)

-include $(BUILD)/bench/optdyn_bench.d

# make bench-fmnist: full-batch fmnist_mlp gradient against NumPy and PyTorch (bench/fmnist_run.sh)
FMNIST_BENCH := $(BUILD)/bench/fmnist_bench
$(FMNIST_BENCH): $(BUILD)/bench/fmnist_bench.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)
.PHONY: bench-fmnist
bench-fmnist: $(FMNIST_BENCH)
	@sh scripts/deps.sh bench
	@sh bench/fmnist_run.sh $(BUILD)
-include $(BUILD)/bench/fmnist_bench.d
