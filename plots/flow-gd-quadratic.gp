# plots/flow-gd-quadratic.gp — optimizers as integrators (Barrett & Dherin 2021; THEORY.md 2):
# (a) error at T = 2 vs learning rate, log-log, with least-squares slopes: GD against gradient
# flow (order 1) and against the modified flow of L + (lr/4)|g|^2 (order 2), heavy ball against
# its rescaled flow (order 1); (b) the error along time at the smallest lr.
# Data: experiments/flow-gd-quadratic.ini.
load "plots/lib/style.gp"
opts = system("cut -d' ' -f1 ".data."/names.txt")
lims = system("cut -d' ' -f2 ".data."/names.txt")
n = words(opts)
order(i) = data."/".word(opts, i)."_".word(lims, i).".order.tsv"
traj(i) = data."/".word(opts, i)."_".word(lims, i).".tsv"
label(i) = word(opts, i)." vs ".word(lims, i)." flow"
col(i) = word(lims, i) eq "modified" ? "#0072B2" : word(opts, i) eq "gd" ? "#56B4E9" : "#D55E00"

# slope of each ladder: least squares on the logs (the fit optdyn records as order/@slope)
array slope[n]
do for [i=1:n] {
    stats order(i) skip 1 using (log($1)):(log($2)) nooutput
    slope[i] = STATS_slope
}

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "Gradient descent and heavy ball as integrators: error against continuous limits (quadratic, eigenvalues 2.385 and 0.5)" font ",15"
    set logscale xy
    set format x "10^{%T}"
    set format y "10^{%T}"
    set xlabel "learning rate lr"
    set ylabel "|x_K - X(K lr)| at t = 2"
    set key top left
    set xrange [8e-4:0.06]
    set yrange [1e-8:10]
    plot for [i=1:n] order(i) skip 1 using 1:2 with linespoints lw 2.2 pt 7 ps 1.1 lc rgb col(i) \
             title sprintf("%s: slope %.3f", label(i), slope[i]) noenhanced, \
         [1e-3:0.05] 0.5 * x with lines dt 2 lw 1.5 lc rgb "#888888" title "reference slope 1", \
         [1e-3:0.05] 0.01 * x**2 with lines dt 3 lw 1.5 lc rgb "#888888" title "reference slope 2"
    unset logscale x
    set autoscale x
    set autoscale y
    set format x "% h"
    set xlabel "continuous time t = k lr (lr = 0.00125)"
    set ylabel "|x_k - X(t)|"
    set key bottom right
    plot for [i=1:n] traj(i) skip 1 using 1:($2 > 0 ? $2 : 1/0) with lines lw 2.2 lc rgb col(i) title label(i) noenhanced
    unset multiplot
    set output
}
