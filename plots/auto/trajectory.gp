# plots/auto/trajectory.gp — `optdyn plot` of kind = trajectory: loss (L - f* where f* is known)
# and full-gradient norm vs step per optimizer; one file of a 2-D problem: paths over contours.
width = 1500
height = 640
load "plots/auto/common.gp"
file(f, i) = dir(f)."/".word(names(f), i).".tsv"
fstar(f) = num(system("cat ".dir(f)."/fstar.txt"))
excess = fstar(1) == fstar(1)
loss_label = excess ? "excess loss L(x_t) - f*" : "loss L(x_t)"
paths = nfiles == 1 && system("test -f ".dir(1)."/landscape.tsv && echo 1") eq "1" && \
        colnum(file(1, 1), "x1") > 0 && colnum(file(1, 1), "x2") == 0
set datafile columnheaders
set multiplot layout 1,2 title (nfiles > 1 ? "trajectories (line style: file)" : "trajectories: ".label(1)) font ",15" noenhanced
if (paths) {
    # log10 loss contours of the recorded landscape under the paths
    fl = excess ? fstar(1) : 0.0
    set contour base
    set cntrparam levels 12
    unset surface
    set view map
    set table $contours
    splot dir(1)."/landscape.tsv" using 1:2:(log10(abs($3 - fl) + 1e-12)) with lines notitle
    unset table
    unset contour
    set xlabel "x_1"
    set ylabel "x_2"
    set size ratio -1
    set key bottom right box opaque
    plot $contours using 1:2 with lines lc rgb "#aaaaaa" lw 0.7 notitle, \
         for [i=1:words(names(1))] file(1, i) using "x0":"x1" with lines lw 2 lc rgb col(i) \
             title word(names(1), i) noenhanced, \
         file(1, 1) every ::0::0 using "x0":"x1" with points pt 7 ps 1.6 lc rgb "#000000" title "x_0"
    set size noratio
} else {
    set xlabel "step t"
    set ylabel loss_label
    set logscale y
    set format y "10^{%T}"
    set key top right box opaque
    plot for [f=1:nfiles] for [i=1:words(names(f))] file(f, i) \
         using "step":(pos(column("loss") - (excess ? fstar(f) : 0))) with lines lw 2 dt f \
         lc rgb col(i) title lbl(f, word(names(f), i)) noenhanced
}
set xlabel "step t"
set logscale y
set format y "10^{%T}"
set key top right box opaque
set ylabel (paths ? loss_label : "full-gradient norm |g(x_t)|")
if (paths) {
    plot for [i=1:words(names(1))] file(1, i) using "step":(pos(column("loss") - (excess ? fstar(1) : 0))) \
         with lines lw 2 lc rgb col(i) title word(names(1), i) noenhanced
} else {
    plot for [f=1:nfiles] for [i=1:words(names(f))] file(f, i) using "step":(pos(column("grad_norm"))) \
         with lines lw 2 dt f lc rgb col(i) title lbl(f, word(names(f), i)) noenhanced
}
unset multiplot
set output
