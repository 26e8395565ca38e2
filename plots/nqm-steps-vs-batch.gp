# plots/nqm-steps-vs-batch.gp — Zhang et al. 2019, Fig. 3/4 style, from the exact NQM sweep
# (experiments/nqm-steps-vs-batch.ini): (a) steps to reach the target vs batch size, lr re-tuned
# per batch, with the lower bound d/(2 C B); (b) the optimal effective lr lr/(1-mu) vs batch size.
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
mus = system("cut -d' ' -f3 ".data."/names.txt")
eff(i) = 1.0 / (1.0 - word(mus, i))      # effective lr = lr/(1-mu) for heavy ball
nopt = words(names)
best = data."/best.tsv"
d = 10000.0
target = 0.01
# precond variants: shades of green, darker for larger p
color(i) = word(types, i) eq "precond" ? \
    (word(names, i) eq "precond_0.25" ? "#74c476" : word(names, i) eq "precond_0.5" ? "#31a354" : "#006d2c") : \
    opt_color(word(types, i))

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "Noisy quadratic model (d = 10^4, h_i = c_i = 1/i): steps to loss 0.01, lr re-tuned per batch size (exact expected loss)" font ",15"
    set logscale x 2
    set logscale y 10
    set format x "2^{%L}"
    set xtics 4
    set format y "10^{%T}"
    set xrange [1:2**21]
    set xlabel "batch size B"
    set ylabel "steps to target S(B)"
    set key top right
    set style line 50 lc rgb "#444444" dt 2 lw 1.5
    plot for [i=1:nopt] best skip 1 index (i-1) using 2:($7 > 0 ? $7 : 1/0) with linespoints \
             lw 2.2 pt opt_point(word(types, i)) ps 0.9 lc rgb color(i) title word(names, i) noenhanced, \
         [1:2**21] d / (2 * target * x) with lines ls 50 title "bound d/(2 C B)"
    set ylabel "optimal effective learning rate lr/(1-{/Symbol m})"
    set key bottom right
    set format y "10^{%T}"
    plot for [i=1:nopt] best skip 1 index (i-1) using 2:($6 > 0 ? $6 * eff(i) : 1/0) with linespoints \
             lw 2.2 pt opt_point(word(types, i)) ps 0.9 lc rgb color(i) title word(names, i) noenhanced, \
         [1:2**21] 2.0 with lines ls 50 title "SGD stability edge 2/h_1"
    unset multiplot
    set output
}
