# plots/lib/flow_paths.gp — one panel per (optimizer, limit) of a kind = flow experiment on a 2-D
# problem: discrete iterates (points) over the continuous limit (line) on log-loss contours.
# Needs: data (dir from scripts/figure-data.sh), out, fig_title, loss_floor, levels ("lo, step, hi").
load "plots/lib/style.gp"
set datafile columnheaders
opts = system("cut -d' ' -f1 ".data."/names.txt")
lims = system("cut -d' ' -f2 ".data."/names.txt")
types = system("cut -d' ' -f3 ".data."/names.txt")
n = words(opts)
traj(i) = data."/".word(opts, i)."_".word(lims, i).".0.tsv"
lr_of(i) = system("tail -n +2 ".data."/".word(opts, i)."_".word(lims, i).".trajectories.tsv | head -1 | cut -f2")
xstar = system("tail -n +2 ".data."/xstar.tsv | paste -s -d' '")

set contour base
eval "set cntrparam levels incremental ".levels
unset surface
set view map
set table $contours
splot data."/landscape.tsv" using 1:2:(log10($3 + loss_floor)) with lines notitle
unset table
unset contour

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,1150 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,1150 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 2,2 title fig_title font ",16"
    set xlabel "x_1"
    set ylabel "x_2"
    set autoscale xfix
    set autoscale yfix
    set palette defined (0 "#bdbdbd", 1 "#f0f0f0", 2 "#ffffff")
    unset colorbox
    set key top right box opaque samplen 1.5 font ",11"
    do for [i=1:n] {
        set title sprintf("%s (%s) vs its %s limit, lr = %s", word(opts, i), word(types, i), \
                          word(lims, i), lr_of(i)) noenhanced
        plot data."/landscape.tsv" using 1:2:(log10($3 + loss_floor)) with image notitle, \
             $contours using 1:2 with lines lc rgb "#969696" lw 0.7 notitle, \
             traj(i) using "x_continuous0":"x_continuous1" with lines lw 2.6 lc rgb "#000000" \
                 title "continuous limit X(t)", \
             traj(i) using "x_discrete0":"x_discrete1" with points pt 7 ps 0.55 \
                 lc rgb opt_color(word(types, i)) title "iterates x_k at t = k dt", \
             "+" using (word(xstar, 1)):(word(xstar, 2)) every ::0::0 with points pt 3 ps 2.5 \
                 lw 2.5 lc rgb "#000000" title "minimizer"
    }
    unset multiplot
    set output
}
