# plots/lora-plus.gp — LoRA+: Adam's loss/n after 10 full-batch steps (best lr of the grid, geometric
# mean over 4 seeds, bars: min..max) vs lr_B/lr_A on lora of width n = rows = cols (rank 2,
# W* - W0 of rank 2 with singular values sqrt(n) i^-1), for both zero initializations. Data:
# experiments/lora-plus.ini via scripts/lora-figure-data.sh.
load "plots/lib/style.gp"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,560 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,560 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "LoRA+: loss/n after T = 10 Adam steps (best lr; mean of 4 seeds, bars min..max) vs lr_B/lr_A, rank 2, width n"
    set logscale x 2
    set logscale y
    set format x "2^{%L}"
    set xtics 4
    set xlabel "lr_B / lr_A"
    set ylabel "loss / n after 10 steps"
    set key top left
    colors = "#0072B2 #009E73 #E69F00 #D55E00"
    widths = "16 32 64 128"
    do for [init in "zero_b zero_a"] {
        set title sprintf("init = %s", init) noenhanced
        plot for [k = 1:4] sprintf("%s/%s_%s.tsv", data, init, word(widths, k)) u 1:2:3:4 w yerrorlines \
             lc rgb word(colors, k) pt 7 ps 0.8 lw 2 t sprintf("n = %s", word(widths, k))
    }
    unset multiplot
}
