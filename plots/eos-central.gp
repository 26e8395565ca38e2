# plots/eos-central.gp — GD at lr = 0.45 on the MLP of eos-gd.ini against its gradient flow and its
# central flow (t = k*lr) through the onset of the edge of stability: loss (GD per step, its
# 100- and 600-step running means — GD catapults every ~300 steps, so the prediction is a mean over
# the cycle —, the flows' losses, the central flow's predicted time average), distance
# to GD relative to |x_GD|, and S_1 of all three with 2/lr. Data: experiments/eos-central.ini and
# the run gd_0.45 of experiments/eos-gd.ini (gd_data: its figure-data directory).
load "plots/lib/style.gp"
set datafile columnheaders
lr = 0.45
n = 100                       # weights of the 5-20-1 network
gf = data."/gd_gradient.0.tsv"
cf = data."/gd_central.0.tsv"
gd = gd_data."/gd_0.45.tsv"
gs = gd_data."/gd_0.45.sharpness.tsv"
# GD's loss averaged over the w steps [k - w/2, k + w/2) around each k, against t = k lr
mean(w) = sprintf("< awk -F'\\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"loss\") c = i; next } { s[NR-2] = $c } END { h = %d; for (k = h; k + h <= NR - 1; k++) { m = 0; for (j = k - h; j < k + h; j++) m += s[j]; print k * %g, m / (2 * h) } }' %s", w / 2, lr, gd)
xnorm(dummy) = sqrt(sum [i=0:n-1] column(sprintf("x_discrete%d", i))**2)
c_gd = "#999999"; c_gf = "#0072B2"; c_cf = "#D55E00"

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1800,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1800,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,3 title "GD (lr = 0.45) vs gradient flow vs central flow on a tanh MLP (5-20-1, N = 100, MSE), t = k lr" font ",15"
    set xlabel "t = k lr"
    set xrange [0:450]
    set key bottom left box opaque font ",11"
    set logscale y
    set format y "10^{%T}"
    set yrange [0.015:0.25]
    set ylabel "training loss"
    plot gd using (column("step") * lr):"loss" with lines lw 1 lc rgb c_gd title "GD, per step", \
         mean(100) using 1:2 with lines lw 1 lc rgb "#000000" title "GD, 100-step mean", \
         mean(600) using 1:2 with lines lw 2.5 lc rgb "#009E73" title "GD, 600-step mean", \
         gf using "t":"loss_continuous" with lines lw 2 lc rgb c_gf title "gradient flow", \
         cf using "t":"loss_continuous" with lines lw 2 lc rgb c_cf title "central flow", \
         cf using "t":"loss_predicted_continuous" with lines lw 2 dt 2 lc rgb c_cf \
         title "central flow: predicted mean L + {/Symbol s}^2 S/2"
    unset yrange
    set ylabel "|x_{GD}(t) - X(t)| / |x_{GD}(t)|"
    set key top left box opaque
    plot gf using "t":(column("error") / xnorm(0)) with lines lw 2 lc rgb c_gf title "gradient flow", \
         cf using "t":(column("error") / xnorm(0)) with lines lw 2 lc rgb c_cf title "central flow"
    unset logscale y
    set format y "%g"
    set ylabel "sharpness S_1 = {/Symbol l}_{max}(H)"
    set key bottom right box opaque
    plot gs using (column("step") * lr):"sharpness" with lines lw 1 lc rgb c_gd title "GD (probe every 10 steps)", \
         gf using "t":"sharpness_continuous" with lines lw 2 lc rgb c_gf title "gradient flow", \
         cf using "t":"sharpness_continuous" with lines lw 2 lc rgb c_cf title "central flow", \
         2 / lr with lines dt 2 lw 1.5 lc rgb "#000000" title "2/lr"
    unset multiplot
    set output
}
