# Makefile — optdyn: library, CLI, tests, figures. Non-recursive: */local.mk add their rules.
# Dependencies (Debian packages) are installed by scripts/deps.sh before anything is compiled.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0
.DEFAULT_GOAL := all

# MPI=1: sweeps distributed over MPI ranks (OpenMPI from Debian), in a separate build tree.
ifeq ($(MPI),1)
BUILD    := $(BUILD)-mpi
CC       := mpicc
MPIFLAGS  = -DOPTDYN_MPI
DEPS_ARGS = mpi
endif

# SAN=1: address + undefined-behaviour sanitizers, in a separate build tree.
ifeq ($(SAN),1)
BUILD   := $(BUILD)-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
endif

# FUZZ=1: clang with libFuzzer's coverage hooks + address/UB sanitizers, in a separate build tree
# (the fuzz targets of fuzz/local.mk; `make fuzz` sets it).
ifeq ($(FUZZ),1)
BUILD    := $(BUILD)-fuzz
CC       := clang
DEPS_ARGS = fuzz
SANFLAGS  = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer -g
endif

OPTFLAGS ?= -O2
CFLAGS   ?= $(OPTFLAGS)
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# clang reports an `omp simd` loop it could not vectorize (e.g. under sanitizers) as a warning:
# a missed speed-up, not a defect.
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
WARN     += -Wno-pass-failed
endif
ALL_CFLAGS = -std=c11 -fopenmp $(CFLAGS) $(WARN) $(SANFLAGS) $(MPIFLAGS) -D_POSIX_C_SOURCE=200809L \
             -DOPTDYN_VERSION='"$(VERSION)"' -DOPTDYN_CFLAGS='"$(CFLAGS) $(SANFLAGS)"' \
             $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = -fopenmp $(SANFLAGS) $(LDFLAGS)
LDLIBS_ALL  = $(PKG_LIBS) -lhdf5_hl -lz -lm

# Generated once per build tree after the dependencies are installed (make restarts on it).
ifeq ($(filter clean distclean,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif
$(BUILD)/config.mk: scripts/deps.sh
	@sh scripts/deps.sh $(DEPS_ARGS)
	@mkdir -p $(BUILD)
	@echo "PKG_CFLAGS = $$(pkg-config --cflags gsl hdf5-serial inih)" > $@.tmp
	@echo "PKG_LIBS = $$(pkg-config --libs gsl hdf5-serial inih)" >> $@.tmp
	@mv $@.tmp $@

LIB_SRC := $(wildcard sim/*/*.c sim/core/problems/*.c optimizers/*.c)
LIB_SRC := $(filter-out sim/cli/%,$(LIB_SRC))
CLI_SRC := $(wildcard sim/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/liboptdyn.a
OPTDYN  := $(BUILD)/optdyn

.PHONY: all test figures bench install uninstall clean
all: $(OPTDYN)

$(BUILD)/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(FILE_CFLAGS) -c $< -o $@

# The Gaussian generator, the hottest loop of Monte Carlo runs: plain IEEE arithmetic (no fast math,
# no contraction into FMA), so that the portable kernels (rng_generic.c, baseline x86-64) and the
# AVX2 ones (rng_avx2.c, chosen at run time) give the same bits; measured in `make bench`.
ifneq ($(NATIVE),0)
RNG_ARCH = -march=native
endif
RNG_FLAGS = -O3 -fno-math-errno -fno-trapping-math -ffp-contract=off
$(BUILD)/sim/core/rng.o $(BUILD)/sim/core/rng_generic.o $(BUILD)/sim/core/ziggurat.o: FILE_CFLAGS = $(RNG_FLAGS)
$(BUILD)/sim/core/rng_avx2.o: FILE_CFLAGS = $(RNG_FLAGS) -mavx2
# Update rules and the per-step loops: -O3 lets GCC vectorize them; -fno-math-errno only drops
# errno from sqrt, -fno-trapping-math lets GCC if-convert selects around divisions (Adam's 0/0 = 0)
# so those loops vectorize (IEEE results unchanged: only exception flags, which nothing reads).
HOT_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard optimizers/*.c) sim/core/replicate.c \
          sim/core/replicate_fused.c sim/core/problem.c sim/core/problems/nqm.c \
          sim/core/problems/net.c)
$(HOT_OBJ): FILE_CFLAGS = -O3 -fno-math-errno -fno-trapping-math $(RNG_ARCH)
# Exact SGD sums over coordinates: vector exp/expm1 (sim/core/vecmath.h) and a reassociated sum;
# no -ffinite-math-only, infinities are data there. Only this file: the rest of the exact NQM
# (nqm_exact.c, powdd.c) relies on the order of its operations.
$(BUILD)/sim/theory/nqm_sum.o: FILE_CFLAGS = -O3 -fno-math-errno -funsafe-math-optimizations $(RNG_ARCH)
# Exact heavy ball over coordinates: vector exp/expm1 (vecmath.h), sums vectorized by `omp simd`
# only; IEEE arithmetic otherwise (the exact phase reduction needs it); -fno-trapping-math lets
# GCC if-convert the selects (no value changes).
$(BUILD)/sim/theory/nqm_hb.o: FILE_CFLAGS = -O3 -fno-math-errno -fno-trapping-math $(RNG_ARCH)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(OPTDYN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

include tests/local.mk plots/local.mk bench/local.mk fuzz/local.mk

install: $(OPTDYN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/optdyn/experiments \
	           $(DESTDIR)$(PREFIX)/share/optdyn/plots/lib $(DESTDIR)$(PREFIX)/share/optdyn/scripts \
	           $(DESTDIR)$(PREFIX)/share/optdyn/plots/auto $(DESTDIR)$(PREFIX)/share/man/man1 \
	           $(DESTDIR)$(PREFIX)/share/doc/optdyn
	install -m 755 $(OPTDYN) $(DESTDIR)$(PREFIX)/bin/optdyn
	install -m 644 experiments/*.ini $(DESTDIR)$(PREFIX)/share/optdyn/experiments
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/optdyn/plots
	install -m 644 plots/lib/*.gp $(DESTDIR)$(PREFIX)/share/optdyn/plots/lib
	install -m 644 plots/auto/*.gp $(DESTDIR)$(PREFIX)/share/optdyn/plots/auto
	install -m 644 scripts/figure-data.sh $(DESTDIR)$(PREFIX)/share/optdyn/scripts
	install -m 644 docs/optdyn.1 $(DESTDIR)$(PREFIX)/share/man/man1/optdyn.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/optdyn

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/optdyn
	rm -rf $(DESTDIR)$(PREFIX)/share/optdyn $(DESTDIR)$(PREFIX)/share/doc/optdyn
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/optdyn.1

clean:
	rm -rf build build-san build-mpi build-fuzz fuzz/work plots/out results/*.h5 results/*.partial results/*.journal

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
