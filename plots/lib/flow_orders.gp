# plots/lib/flow_orders.gp — kind = flow error orders: (left) error at time T vs lr, log-log, one
# line per (optimizer, limit) with its stored order (or "no order") and dashed reference slopes; (right) the
# error along time at the first recorded trajectory. Needs: data, out, fig_title, refs (reference
# slopes, e.g. "1 2"), ref_at (lr where the references pass through the data's middle).
# Optional: err_label (the left y label).
load "plots/lib/style.gp"
load "plots/lib/flow_order_label.gp"
opts = system("cut -d' ' -f1 ".data."/names.txt")
lims = system("cut -d' ' -f2 ".data."/names.txt")
types = system("cut -d' ' -f3 ".data."/names.txt")
n = words(opts)
order(i) = data."/".word(opts, i)."_".word(lims, i).".order.tsv"
traj(i) = data."/".word(opts, i)."_".word(lims, i).".0.tsv"
label(i) = word(opts, i)." vs ".word(lims, i)." limit"
if (!exists("err_label")) err_label = "|x_K - X(K dt)| at the final time"
palette = "#0072B2 #D55E00 #009E73 #E69F00 #CC79A7 #56B4E9 #555555"
col(i) = word(palette, (i - 1) % 7 + 1)

fit(i) = data."/".word(opts, i)."_".word(lims, i).".fit.tsv"
stats order(1) skip 1 using 1:2 nooutput
lr_lo = STATS_min_x
lr_hi = STATS_max_x
e_mid = sqrt(STATS_min_y * STATS_max_y)
nref = words(refs)
ref_dash(r) = r + 1

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    unset logscale
    set multiplot layout 1,2 title fig_title font ",15"
    set logscale xy
    set format x "10^{%T}"
    set format y "10^{%T}"
    set xlabel "learning rate lr"
    set ylabel err_label
    set key top left box opaque font ",11"
    set xrange [lr_lo / 1.5:lr_hi * 1.5]
    set yrange [*:*]
    plot for [i=1:n] order(i) skip 1 using 1:2 with linespoints lw 2.2 pt 7 ps 1.1 lc rgb col(i) \
             title sprintf("%s: %s", label(i), order_label(fit(i))) noenhanced, \
         for [r=1:nref] e_mid * (x / sqrt(lr_lo * lr_hi))**(word(refs, r) + 0) with lines \
             dt ref_dash(r) lw 1.5 lc rgb "#888888" title sprintf("reference slope %s", word(refs, r))
    unset logscale x
    set autoscale x
    set autoscale y
    set format x "% h"
    set xlabel "continuous time t"
    set ylabel "|x_k - X(t)| along the smallest-lr trajectory"
    set key bottom right
    plot for [i=1:n] traj(i) skip 1 using 1:($2 > 0 ? $2 : 1/0) with lines lw 2.2 lc rgb col(i) \
         title label(i) noenhanced
    unset multiplot
    set output
}
