# plots/local.mk — `make figures`: run each figure's experiment (when the .ini or the binary is
# newer than its .h5), export TSV with `optdyn export`, render plots/out/<name>.png and .svg.

FIGURES  := rosenbrock-trajectories quadratic-trajectories nqm-steps-vs-batch flow-gd-quadratic \
            nqm-steps-vs-examples flow-runge-kutta flow-quadratic-paths flow-rosenbrock-paths \
            nag-c-sbc sme-weak-order nqm-onestep sign-surge adam-surge adam-eps adam-rms \
            goh-momentum sign-erf noise-scale-linreg noise-scale-logreg adam-scaling-rules \
            muon-matreg muon-mlp gaussreg-exact-vs-mc gaussreg-critical-batch muon-onestep \
            adam-rms-snr nqm-schedules adamw-vs-l2 nqm-schedules-vs-batch \
            eos-gd eos-adam eos-central
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
# GD's every step and its sharpness probes come from eos-gd's run (same problem, seed and lr)
plots/out/eos-central.png: plots/eos-central.gp results/eos-central.h5 plots/out/eos-gd.png \
                           $(wildcard plots/lib/*.gp) scripts/figure-data.sh
	sh scripts/figure-data.sh $(OPTDYN) results/eos-central.h5 plots/out/data/eos-central
	gnuplot -e "data='plots/out/data/eos-central'; gd_data='plots/out/data/eos-gd'; out='plots/out/eos-central'" $<
.PRECIOUS: results/%.h5
