# plots/sme-weak-order.gp — Li, Tai & E (2017): weak error of SGD against its stochastic modified
# equations, |E L(x_K) - E L(X_T)| with Monte Carlo standard errors, SME1 (order 1) and SME2
# (order 2); and the expected losses themselves. Data: experiments/sme-weak-order.ini.
load "plots/lib/style.gp"
set datafile columnheaders
f1 = data."/sgd_sme1.order.tsv"
f2 = data."/sgd_sme2.order.tsv"
load "plots/lib/flow_order_label.gp"

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    unset logscale
    set multiplot layout 1,2 title "SGD against its stochastic modified equations, sampled exactly (L = x^2/2, {/Symbol S} = 0.5, B = 1, t = 1)" font ",15"
    set logscale xy
    set format x "10^{%T}"
    set format y "10^{%T}"
    set xrange [0.009:0.14]
    set yrange [5e-6:0.3]
    set xlabel "learning rate lr"
    set ylabel "weak error |E L(x_K) - E L(X_T)|"
    set key top left box opaque font ",11"
    plot f1 using "lr":(abs($2)):"error_se" with yerrorlines lw 2.2 pt 7 lc rgb "#0072B2" \
             title sprintf("SME1 dX = -g dt + (lr/B)^{1/2}{/Symbol S}^{1/2} dW: %s", order_label(data."/sgd_sme1.fit.tsv")), \
         f2 using "lr":(abs($2)):"error_se" with yerrorlines lw 2.2 pt 5 lc rgb "#D55E00" \
             title sprintf("SME2, drift of L + (lr/4)|g|^2: %s", order_label(data."/sgd_sme2.fit.tsv")), \
         0.06 * x with lines dt 2 lc rgb "#888888" title "slope 1", \
         0.08 * x**2 with lines dt 3 lc rgb "#888888" title "slope 2"
    unset logscale y
    set autoscale y
    set format y "% h"
    set ylabel "E L at t = 1 (Monte Carlo, 1 standard error)"
    set key top left
    plot f1 using "lr":"loss_sgd":"loss_sgd_se" with yerrorlines lw 2.2 pt 7 lc rgb "#000000" title "SGD", \
         f1 using "lr":"loss_sde":"loss_sde_se" with yerrorlines lw 2 pt 9 lc rgb "#0072B2" title "SME1", \
         f2 using "lr":"loss_sde":"loss_sde_se" with yerrorlines lw 2 pt 5 lc rgb "#D55E00" title "SME2"
    unset multiplot
    set output
}
