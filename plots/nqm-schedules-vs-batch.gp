# plots/nqm-schedules-vs-batch.gp — steps to E[L] = 0.01 vs batch size on the NQM with a constant
# lr, cosine and WSD over a 5000-step budget, peak lr re-tuned per batch size (exact, nqm_sched),
# and that peak lr. Data: experiments/nqm-schedules-vs-batch.ini.
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
nopt = words(names)
best = data."/best.tsv"
set style line 11 lc rgb "#0072B2" lw 3 dt 2 pt 7 ps 0.9     # constant: dashed, on top
set style line 12 lc rgb "#D55E00" lw 2.2 pt 7 ps 0.9
set style line 13 lc rgb "#009E73" lw 2.2 pt 7 ps 0.9
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "NQM (d = 300, h_i = c_i = 1/i): steps to E[L] = 0.01 within 5000 steps, peak lr re-tuned per batch size;\ncosine and WSD reach it at B = 8 and 16 where a constant lr (dashed; equal to WSD from B = 32 on) needs B = 32 (exact E[L])" font ",14"
    set logscale x 2
    set format x "2^{%L}"
    set xtics 2
    set xrange [1:2**14]
    set logscale y 10
    set format y "10^{%T}"
    set xlabel "batch size B"
    set ylabel "steps to target S(B)"
    set key top right
    plot for [i=nopt:1:-1] best skip 1 index (i-1) using 2:($7 > 0 ? $7 : 1/0) with linespoints \
             ls 10 + i title word(names, i) noenhanced
    set ylabel "optimal peak learning rate"
    set key bottom right
    plot for [i=nopt:1:-1] best skip 1 index (i-1) using 2:($6 > 0 ? $6 : 1/0) with linespoints \
             ls 10 + i title word(names, i) noenhanced
    unset multiplot
    set output
}
