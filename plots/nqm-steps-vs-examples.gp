# plots/nqm-steps-vs-examples.gp — McCandlish et al. 2018: steps vs examples at the optimal lr,
# with the fitted hyperbola (S/S_min - 1)(E/E_min - 1) = 1 and B_crit = E_min/S_min marked (fit
# in /fit/<opt>/0/hyperbola, 95% intervals in the legend). Data: experiments/nqm-steps-vs-batch.ini.
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
nopt = words(names)
best = data."/best.tsv"
color(i) = word(types, i) eq "precond" ? \
    (word(names, i) eq "precond_0.25" ? "#74c476" : word(names, i) eq "precond_0.5" ? "#31a354" : "#006d2c") : \
    opt_color(word(types, i))
fitval(i, key) = real(system("awk -F'\t' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == \"".key."\") c = k } $1 == \"hyperbola\" { print $c }' ".data."/fit_".word(names, i).".tsv"))
array Smin[nopt]
array Bc[nopt]
array Bc_lo[nopt]
array Bc_hi[nopt]
do for [i=1:nopt] {
    Smin[i] = fitval(i, "S_min")
    Bc[i] = fitval(i, "B_crit")
    Bc_lo[i] = fitval(i, "B_crit_lo")
    Bc_hi[i] = fitval(i, "B_crit_hi")
}
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1100,760 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1100,760 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    unset logscale
    set title "Steps vs examples at the optimal lr (NQM, d = 10^4, target 0.01): fitted S = S_{min}(1 + B_{crit}/B)" font ",14"
    set logscale xy
    set format x "10^{%T}"
    set format y "10^{%T}"
    set xlabel "examples E = B S"
    set ylabel "steps S"
    set key top right box opaque font ",11"
    set parametric
    set trange [0:22]
    set samples 300
    plot for [i=1:nopt] best skip 1 index (i-1) using 4:($7 > 0 ? $7 : 1/0) \
             with points pt opt_point(word(types, i)) ps 1.1 lc rgb color(i) notitle, \
         for [i=1:nopt] 2**t * Smin[i] * (1 + Bc[i] / 2**t), Smin[i] * (1 + Bc[i] / 2**t) with lines lw 2 \
             lc rgb color(i) title sprintf("%s: B_crit = %.0f [%.0f, %.0f] (95%%), S_min = %.0f", word(names, i), Bc[i], Bc_lo[i], Bc_hi[i], Smin[i]) noenhanced, \
         for [i=1:nopt] "+" using (2 * Bc[i] * Smin[i]):(2 * Smin[i]) every ::0::0 with points pt 6 ps 2.5 lw 2 \
             lc rgb color(i) notitle
    unset parametric
    set output
}
