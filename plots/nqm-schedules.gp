# plots/nqm-schedules.gp — SGD on the NQM under constant, cosine and WSD schedules: exact expected
# loss (lines) and one sampled run each (thin), and the lr actually used. Data: experiments/nqm-schedules.ini.
load "plots/lib/style.gp"
set datafile columnheaders
names = system("cut -d' ' -f1 ".data."/names.txt")
nopt = words(names)
file(i) = data."/".word(names, i).".tsv"
scolor(i) = word("#0072B2 #D55E00 #009E73 #CC79A7", i)
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,640 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,640 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "SGD on the NQM (d = 1000, h_i = c_i = 1/i, B = 16), peak lr 0.5: the WSD cooldown (last 20%) drops E[L] by 0.0020 + 0.698/B,\nexactly affine in the noise level 1/B (measured at B = 4 ... 1024 and inf: docs/theory.md)" font ",14"
    set logscale y
    set format y "10^{%T}"
    set xlabel "step t"
    set ylabel "loss: exact E[L(x_t)] (thick), one run (thin)"
    set key top right box opaque
    plot for [i=1:nopt] file(i) using "step":"loss" with lines lw 0.8 lc rgb scolor(i) notitle, \
         for [i=1:nopt] file(i) using "step":"loss_expected" with lines lw 2.6 lc rgb scolor(i) \
             title word(names, i) noenhanced
    unset logscale y
    set format y "%g"
    set ylabel "learning rate lr_t"
    set yrange [0:0.55]
    set key bottom left
    plot for [i=1:nopt] file(i) using "step":"lr" with lines lw 2.2 lc rgb scolor(i) \
         title word(names, i) noenhanced
    unset multiplot
    set output
}
