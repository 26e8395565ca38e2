# bench/local.mk — `make bench`: optdyn's timings against NumPy and PyTorch peers run in the same
# session (bench/run.sh), printed as a table of ratios. Installs python3-torch if missing.
BENCH := $(BUILD)/bench/optdyn_bench

$(BENCH): $(BUILD)/bench/optdyn_bench.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

bench: $(BENCH) $(OPTDYN)
	@sh scripts/deps.sh bench
	@sh bench/run.sh $(BUILD)

-include $(BUILD)/bench/optdyn_bench.d
