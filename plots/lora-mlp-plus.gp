# plots/lora-mlp-plus.gp — LoRA+ on an inner layer: Adam's training loss after 40 steps of batch 32
# (best lr_A of the grid, geometric mean over 2 seeds, bars min..max) vs lr_B/lr_A on mlp_lora of
# width n (the middle n x n weight of a frozen tanh network adapted, rank 2), for both zero
# initializations, and for zero_b at n = 64 with d = 1 .. 8 network inputs, relative to each
# curve's best (the fewer inputs, the more of the task A0's random features fit).
# Data: experiments/lora-mlp-plus.ini via scripts/lora-figure-data.sh (reduced grid).
load "plots/lib/style.gp"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 2000,560 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 2000,560 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,3 title "LoRA+ on the middle layer of a tanh network (rank 2, width n): loss after 40 Adam steps of batch 32 (best lr_A; mean of 2 seeds, bars min..max)"
    set logscale x 2
    set logscale y
    set format x "2^{%L}"
    set xtics 4
    set xlabel "lr_B / lr_A"
    set ylabel "training loss after 40 steps"
    set key top left
    colors = "#0072B2 #009E73 #E69F00 #D55E00"
    widths = "16 32 64 128"
    do for [init in "zero_b zero_a"] {
        set title sprintf("init = %s", init) noenhanced
        plot for [k = 1:4] sprintf("%s/%s_%s.tsv", data, init, word(widths, k)) u 1:2:3:4 w yerrorlines \
             lc rgb word(colors, k) pt 7 ps 0.8 lw 2 t sprintf("n = %s", word(widths, k))
    }
    set title "init = zero_b, n = 64: d inputs (4 seeds), loss / its best" noenhanced
    set ylabel "loss / loss at the best ratio"
    inputs = "1 2 4 8"
    plot for [k = 1:4] sprintf("%s/inputs_%s.tsv", data, word(inputs, k)) u 1:2:3:4 w yerrorlines \
         lc rgb word(colors, k) pt 7 ps 0.8 lw 2 t sprintf("d = %s", word(inputs, k))
    unset multiplot
}
