# plots/local.mk — `make figures`: run each figure's experiment (when the .ini or the binary is
# newer than its .h5), export TSV with `optdyn export`, render plots/out/<name>.png and .svg.

FIGURES  := rosenbrock-trajectories quadratic-trajectories nqm-steps-vs-batch flow-gd-quadratic \
            nqm-steps-vs-examples flow-runge-kutta flow-quadratic-paths flow-rosenbrock-paths \
            nag-c-sbc sme-weak-order nqm-onestep sign-surge adam-surge adam-eps adam-rms \
            goh-momentum sign-erf noise-scale-linreg noise-scale-logreg adam-scaling-rules \
            muon-matreg muon-mlp gaussreg-exact-vs-mc gaussreg-critical-batch muon-onestep \
            adam-rms-snr nqm-schedules adamw-vs-l2 nqm-schedules-vs-batch flow-schedules \
            muon-update-sv \
            galore-matreg galore-mlp lowrank-errors cr-linreg \
            fmnist-steps-vs-batch \
            eos-gd eos-adam eos-central eos-steady
FIG_PNG  := $(FIGURES:%=plots/out/%.png)
JOBS     ?= $(shell nproc 2>/dev/null || echo 1)

figures: $(FIG_PNG)

results/%.h5: experiments/%.ini $(OPTDYN)
	@mkdir -p results
	$(OPTDYN) run -q -j $(JOBS) -o $@ $<

plots/out/%.png: plots/%.gp results/%.h5 $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/$*.h5 plots/out/data/$*
	gnuplot -e "data='plots/out/data/$*'; out='plots/out/$*'" plots/$*.gp
# figures drawn from another figure's experiment
plots/out/nqm-steps-vs-examples.png: plots/nqm-steps-vs-examples.gp results/nqm-steps-vs-batch.h5 \
                                     $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/nqm-steps-vs-batch.h5 plots/out/data/nqm-steps-vs-examples
	gnuplot -e "data='plots/out/data/nqm-steps-vs-examples'; out='plots/out/nqm-steps-vs-examples'" $<
plots/out/muon-update-sv.png: plots/muon-update-sv.gp results/muon-matreg.h5 \
                              $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/muon-matreg.h5 plots/out/data/muon-update-sv
	gnuplot -e "data='plots/out/data/muon-update-sv'; out='plots/out/muon-update-sv'" $<
# GD's every step and its sharpness probes come from eos-gd's run (same problem, seed and lr); the
# predicted time-averaged loss is checked against GD's 600-step means (tests/eos_central_check.py)
plots/out/eos-central.png: plots/eos-central.gp results/eos-central.h5 plots/out/eos-gd.png \
                           $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/eos-central.h5 plots/out/data/eos-central
	gnuplot -e "data='plots/out/data/eos-central'; gd_data='plots/out/data/eos-gd'; out='plots/out/eos-central'" $<
	/usr/bin/python3 tests/eos_central_check.py results/eos-central.h5 results/eos-gd.h5 0.45
.PRECIOUS: results/%.h5
# issue 28: figures from the low-rank tools (plots/tools/*.c, linked against the library) and from
# the CR sweep run twice (uniform, then --set problem.sampling=cr, same seed)
$(BUILD)/plots/tools/%: $(BUILD)/plots/tools/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)
plots/out/lowrank-errors.png: plots/lowrank-errors.gp $(BUILD)/plots/tools/lowrank_errors \
                              $(wildcard plots/lib/*.gp)
	@mkdir -p plots/out/data/lowrank-errors
	$(BUILD)/plots/tools/lowrank_errors > plots/out/data/lowrank-errors/errors.tsv
	gnuplot -e "data='plots/out/data/lowrank-errors'; out='plots/out/lowrank-errors'" $<
results/cr-linreg-cr.h5: experiments/cr-linreg.ini $(OPTDYN)
	@mkdir -p results
	$(OPTDYN) run -q -j $(JOBS) -o $@ --set problem.sampling=cr $<
plots/out/cr-linreg.png: plots/cr-linreg.gp results/cr-linreg.h5 results/cr-linreg-cr.h5 \
                         $(BUILD)/plots/tools/cr_variance $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/cr-linreg.h5 plots/out/data/cr-linreg/uniform
	sh scripts/figure-data.sh $(OPTDYN) results/cr-linreg-cr.h5 plots/out/data/cr-linreg/cr
	$(BUILD)/plots/tools/cr_variance experiments/cr-linreg.ini > plots/out/data/cr-linreg/variance.tsv
	gnuplot -e "data='plots/out/data/cr-linreg'; out='plots/out/cr-linreg'" $<
-include $(BUILD)/plots/tools/lowrank_errors.d $(BUILD)/plots/tools/cr_variance.d

# LoRA figures: several experiments each (scripts/lora-figure-data.sh runs them; lora-plus ~16 s CPU, the other two ~5 and ~3 s;
# lora-mlp-plus ~66 s: 16 + 16 runs of scripts/lora-mlp-plus.sh on a reduced grid)
LORA_FIGURES := lora-vs-full lora-plus lora-first-step lora-mlp-plus
FIGURES += $(LORA_FIGURES)
figures: $(LORA_FIGURES:%=plots/out/%.png)
$(LORA_FIGURES:%=plots/out/%.png): plots/out/%.png: plots/%.gp $(OPTDYN) scripts/lora-figure-data.sh \
        scripts/lora-mlp-plus.sh $(wildcard experiments/lora-*.ini) $(wildcard plots/lib/*.gp)
	sh scripts/lora-figure-data.sh $(OPTDYN) $* plots/out/data/$*
	gnuplot -e "data='plots/out/data/$*'; out='plots/out/$*'" plots/$*.gp

.PHONY: list-figures
list-figures:      # the names tests/figures_check.sh checks
	@echo $(FIGURES)
