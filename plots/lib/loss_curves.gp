# plots/lib/loss_curves.gp — trajectories of a problem without a landscape: left, the excess loss
# L - f* vs step (L itself where f* is unknown); right, the full-gradient norm |g| vs step. Needs:
# data (dir from scripts/figure-data.sh), out (path without extension), fig_title; optional
# index_colors (one colour word per optimizer, in file order) and index_titles (one legend title
# per optimizer, quoted words).
load "plots/lib/style.gp"
set datafile columnheaders
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
nopt = words(names)
file(i) = data."/".word(names, i).".tsv"
fs = system("cat ".data."/fstar.txt 2>/dev/null")
fstar = strlen(fs) > 0 ? real(fs) : 0.0
pos(v) = v > 0 ? v : 1/0
# one colour per curve from the figure's own list (index_colors) when it sets one, else per type
curve_color(i) = exists("index_colors") ? word(index_colors, i) : opt_color(word(types, i))
curve_title(i) = exists("index_titles") ? word(index_titles, i) : word(names, i)

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title fig_title font ",15"
    set logscale y
    set format y "10^{%T}"
    set xlabel "step t"
    set key top right box opaque
    set ylabel strlen(fs) > 0 ? "excess loss L(x_t) - f*" : "loss L(x_t)"
    plot for [i=1:nopt] file(i) using "step":(pos(column("loss") - fstar)) with lines lw 2 \
         lc rgb curve_color(i) title curve_title(i) noenhanced
    set ylabel "full-gradient norm |g(x_t)|"
    plot for [i=1:nopt] file(i) using "step":(pos(column("grad_norm"))) with lines lw 2 \
         lc rgb curve_color(i) title curve_title(i) noenhanced
    unset multiplot
    set output
}
