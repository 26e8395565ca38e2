# plots/lib/edge.gp — the edge of stability of trajectory runs with sharpness probes: left, the
# loss vs step; right, the probed sharpness column `scol` (sharpness or precond_sharpness) vs step
# with each run's edge (2/lr, or the optimizer's own threshold) as a dashed line of its colour.
# Needs: data (scripts/figure-data.sh dir), out, fig_title, scol, sylabel; optional index_colors.
load "plots/lib/style.gp"
set datafile columnheaders
names = system("cut -d' ' -f1 ".data."/names.txt")
nopt = words(names)
file(i) = data."/".word(names, i).".tsv"
sfile(i) = data."/".word(names, i).".sharpness.tsv"
edge(i) = real(system("cut -d' ' -f1 ".data."/".word(names, i).".sharpness.attrs"))
palette = exists("index_colors") ? index_colors : "#0072B2 #D55E00 #009E73 #CC79A7 #E69F00"
color(i) = word(palette, i)
pos(v) = v > 0 ? v : 1/0

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title fig_title font ",15"
    set xlabel "step t"
    set key top right box opaque
    set logscale y
    set format y "10^{%T}"
    set ylabel "training loss L(x_t)"
    plot for [i=1:nopt] file(i) using "step":(pos(column("loss"))) with lines lw 1.5 \
         lc rgb color(i) title word(names, i) noenhanced
    unset logscale y
    set format y "%g"
    set ylabel sylabel
    set key bottom right box opaque
    plot for [i=1:nopt] sfile(i) using "step":(column(scol)) with lines lw 2 lc rgb color(i) \
         title word(names, i) noenhanced, \
         for [i=1:nopt] edge(i) with lines dt 2 lw 1.5 lc rgb color(i) \
         title sprintf("edge %.4g", edge(i))
    unset multiplot
    set output
}
