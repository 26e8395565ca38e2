# plots/fmnist-steps-vs-batch.gp — Shallue et al. 2019 on Fashion-MNIST (small): (left) steps to the
# training-loss target vs batch size at the lr re-tuned per batch, with the fitted hyperbola
# S = S_min (1 + B_crit/B) (/fit/<opt>/0, 95% intervals) and perfect scaling S(1)/B; (right) the
# tuned lr. Data: experiments/fmnist-steps-vs-batch.ini.
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
nopt = words(names)
best = data."/best.tsv"
target = real(system("tail -n 1 ".data."/target.tsv"))
fitval(i, key) = real(system("awk -F'\t' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == \"".key."\") c = k } $1 == \"hyperbola\" { print $c }' ".data."/fit_".word(names, i).".tsv"))
s1(i) = real(system(sprintf("awk -F'\t' 'NF > 1 && $1 == \"%s\" && $2 == 1 { print $7 }' %s", word(names, i), best)))
array Smin[nopt]
array Bc[nopt]
array Bc_lo[nopt]
array Bc_hi[nopt]
array S1[nopt]
do for [i=1:nopt] {
    Smin[i] = fitval(i, "S_min")
    Bc[i] = fitval(i, "B_crit")
    Bc_lo[i] = fitval(i, "B_crit_lo")
    Bc_hi[i] = fitval(i, "B_crit_hi")
    S1[i] = s1(i)
}
caption = ""
do for [i=1:nopt] {
    caption = caption.sprintf("%s%s: B_{crit} = %.1f [%.1f, %.1f], S_{min} = %.0f", i > 1 ? ";  " : "", \
                              word(names, i), Bc[i], Bc_lo[i], Bc_hi[i], Smin[i])
}
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,640 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,640 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title sprintf("Fashion-MNIST softmax regression: steps to training loss %g, lr re-tuned per batch (Monte Carlo, median of seeds)\nfitted S = S_{min}(1 + B_{crit}/B), 95%% intervals:  %s", target, caption) font ",14"
    set logscale xy 2
    set format x "2^{%L}"
    set format y "%g"
    set xlabel "batch size B"
    set ylabel "steps to target S(B)"
    set key bottom left box opaque font ",11"
    set samples 200
    set xrange [0.8:320]
    plot for [i=1:nopt] best skip 1 index (i-1) using 2:($7 > 0 ? $7 : 1/0) with points \
             pt opt_point(word(types, i)) ps 1.4 lc rgb opt_color(word(types, i)) title word(names, i)." (measured)" noenhanced, \
         for [i=1:nopt] Smin[i] * (1 + Bc[i] / x) with lines lw 2 lc rgb opt_color(word(types, i)) \
             title sprintf("%s: hyperbola, B_{crit} = %.1f", word(names, i), Bc[i]), \
         for [i=1:nopt] S1[i] / x with lines lw 1.5 dt 2 lc rgb opt_color(word(types, i)) \
             title sprintf("%s: perfect scaling S(1)/B", word(names, i))
    set ylabel "tuned learning rate"
    set key top left
    set format y "%g"
    set logscale y 10
    plot for [i=1:nopt] best skip 1 index (i-1) using 2:($6 > 0 ? $6 : 1/0) with linespoints lw 2 \
             pt opt_point(word(types, i)) ps 1.2 lc rgb opt_color(word(types, i)) title word(names, i) noenhanced
    unset multiplot
    set output
}
