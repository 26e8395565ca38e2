# plots/lora-first-step.gp — first-step alignment: |W_1^LoRA - W_1^full|_F / lr after one full-batch
# SGD step from W0, vs lr, for each initialization (lora 64x32, rank 4); LoRA-GA's curve tends to
# sqrt(sum_{i>2r} sigma_i(G0)^2) as lr -> 0 (tests/test_lora.c checks it).
# Data: experiments/lora-first-step.ini via scripts/lora-figure-data.sh.
load "plots/lib/style.gp"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "One SGD step: |W_1^{LoRA} - W_1^{full}|_F / lr (lora 64x32, rank 4)"
    set logscale xy
    set xlabel "lr"
    set ylabel "|W_1^{LoRA} - W_1^{full}|_F / lr"
    set key outside right
    inits = "zero_b zero_a gaussian orthogonal lora_ga"
    colors = "#0072B2 #56B4E9 #E69F00 #CC79A7 #009E73"
    plot for [k = 1:5] sprintf("< awk '$1 == \"%s\"' %s/first_step.tsv", word(inits, k), data) u 2:3 w lp \
         lw 2 pt 7 lc rgb word(colors, k) t word(inits, k) noenhanced
}
