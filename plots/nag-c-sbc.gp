# plots/nag-c-sbc.gp — Su, Boyd & Candes (2016) Fig. 1: NAG-C iterates for several steps s
# converge to the ODE x'' + (3/t)x' + g = 0 (t = k sqrt(s)); the ODE solution (GSL rk8pd) lies on
# the Bessel closed form x0_i 2 J1(sqrt(l_i) t)/(sqrt(l_i) t) of f = 0.02 x1^2 + 0.005 x2^2
# (l = 0.04, 0.01, x0 = (1, 1)); f - f* stays under 2|x0 - x*|^2/t^2. Data: experiments/nag-c-sbc.ini.
load "plots/lib/style.gp"
set datafile columnheaders
traj(j) = data."/nag_c_sbc.".j.".tsv"
lrs = system("tail -n +2 ".data."/nag_c_sbc.trajectories.tsv | cut -f2 | paste -s -d' '")
nt = words(lrs)
last = traj(nt - 1)
col(j) = j == 0 ? "#D55E00" : j == 1 ? "#E69F00" : "#009E73"
l1 = 0.04
l2 = 0.01
bessel(l, t) = t == 0 ? 1 : 2 * besj1(sqrt(l) * t) / (sqrt(l) * t)
load "plots/lib/flow_order_label.gp"
stats data."/nag_c_sbc.order.tsv" using "lr":"error" nooutput   # the reference line's anchor
s_ref = STATS_min_x
e_ref = STATS_min_y

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1650,560 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1650,560 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    unset logscale
    set format x "% h"
    set format y "% h"
    set multiplot layout 1,3 title "NAG-C against the Su-Boyd-Candes ODE x'' + (3/t) x' + {/Symbol \321}f(x) = 0 on f = 0.02 x_1^2 + 0.005 x_2^2, x_0 = (1, 1)" font ",15"

    set title "paths"
    set xlabel "x_1"
    set ylabel "x_2"
    set size ratio -1
    set xrange [-0.6:1.05]
    set yrange [-0.5:1.05]
    set key bottom left box opaque font ",11"
    set parametric
    set trange [0:150]
    set samples 1500
    plot for [j=0:nt-1] traj(j) using "x_discrete0":"x_discrete1" with linespoints lw 1.2 pt 7 \
             ps 0.5 pi 4 lc rgb col(j) title sprintf("NAG-C, s = %s", word(lrs, j + 1)), \
         last using "x_continuous0":"x_continuous1" with lines lw 2.5 lc rgb "#000000" title "ODE (rk8pd)", \
         bessel(l1, t), bessel(l2, t) with lines dt 2 lw 2 lc rgb "#56B4E9" title "Bessel closed form"
    unset parametric
    set size noratio

    set title "f(x) - f* (log scale)"
    set xlabel "t = k sqrt(s)"
    set ylabel "f - f*"
    set logscale y
    set format y "10^{%T}"
    set xrange [0:150]
    set yrange [1e-6:10]
    set key top right box opaque font ",11"
    plot for [j=0:nt-1] traj(j) using "t":"gap_discrete" with lines lw 1.8 lc rgb col(j) \
             title sprintf("NAG-C, s = %s", word(lrs, j + 1)), \
         last using "t":"gap_continuous" with lines lw 2.5 lc rgb "#000000" title "ODE", \
         last using "t":"gap_bound" with lines dt 2 lw 2 lc rgb "#555555" title "2|x_0 - x^*|^2/t^2"

    set title "distance to the ODE at t = 150"
    set logscale xy
    set format x "10^{%T}"
    set xrange [*:*]
    set yrange [*:*]
    set xlabel "step s"
    set ylabel "|x_K - X(K sqrt(s))|"
    set key bottom right box opaque font ",11"
    plot data."/nag_c_sbc.order.tsv" using "lr":"error" with linespoints lw 2 pt 7 lc rgb "#D55E00" \
         title sprintf("NAG-C: %s", order_label(data."/nag_c_sbc.fit.tsv")), \
         e_ref * (x / s_ref)**0.5 with lines dt 2 lw 1.5 lc rgb "#888888" title "slope 1/2"
    unset multiplot
    set output
}
