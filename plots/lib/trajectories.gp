# plots/lib/trajectories.gp — left: iterates of every optimizer over log-loss contours of a 2-D
# problem; right: loss vs step. Needs: data (dir from scripts/figure-data.sh), out (path without
# extension), fig_title, loss_floor (added before log10 so the minimum value 0 stays finite).
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
nopt = words(names)
file(i) = data."/".word(names, i).".tsv"
xstar = system("tail -n +2 ".data."/xstar.tsv | paste -s -d' '")

# contour lines of log10(loss) into a datablock
set contour base
set cntrparam levels incremental -3, 0.5, 4
unset surface
set view map
set table $contours
splot data."/landscape.tsv" skip 1 using 1:2:(log10($3 + loss_floor)) with lines notitle
unset table
unset contour

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,680 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,680 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot title fig_title font ",16"

    # left: paths over the landscape
    set origin 0.0, 0.0
    set size 0.52, 0.94
    set xlabel "x_1"
    set ylabel "x_2"
    set size ratio -1
    set autoscale xfix
    set autoscale yfix
    set key inside bottom right box opaque samplen 1.5
    set cbrange [-3:4]
    set palette defined (0 "#bdbdbd", 1 "#f0f0f0", 2 "#ffffff")
    set cblabel "log_{10} loss"
    plot data."/landscape.tsv" skip 1 using 1:2:(log10($3 + loss_floor)) with image notitle, \
         $contours using 1:2 with lines lc rgb "#969696" lw 0.7 notitle, \
         for [i=1:nopt] file(i) skip 1 using 5:6 with lines lw 2.4 lc rgb opt_color(word(types, i)) \
             notitle, \
         file(1) skip 1 every ::0::0 using 5:6 with points pt 7 ps 1.8 lc rgb "#000000" title "x_0", \
         "+" using (word(xstar, 1)):(word(xstar, 2)) every ::0::0 with points pt 3 ps 2.8 lw 2.5 \
             lc rgb "#000000" title "minimizer"

    # right: loss curves, the legend for both panels
    set origin 0.52, 0.0
    set size 0.48, 0.94
    unset colorbox
    set size noratio
    set autoscale x
    set autoscale y
    set xlabel "step t"
    set ylabel "loss L(x_t)"
    set logscale y
    set format y "10^{%T}"
    set key outside right top vertical box opaque
    plot for [i=1:nopt] file(i) skip 1 using 1:($3 > loss_floor ? $3 : loss_floor) with lines lw 2.4 \
         lc rgb opt_color(word(types, i)) title word(names, i) noenhanced
    unset logscale y
    set format y "% h"
    set colorbox
    unset multiplot
    set output
}
