# plots/gaussreg-critical-batch.gp — exact SGD sweeps on Gaussian-feature regression: steps to each
# target vs batch size, and the critical batch size (20% over perfect scaling) against the target. Data: experiments/gaussreg-critical-batch.ini.
load "plots/lib/style.gp"
set datafile columnheaders
b = data."/best.tsv"
cb = data."/critical_sgd.tsv"
targets = system("awk -F'\t' 'NR > 1 { printf \"%s \", $1 }' ".cb)
nt = words(targets)
sigma2 = 0.25        # label_noise^2 of experiments/gaussreg-critical-batch.ini
# the heuristic of docs/theory.md, B_crit ~ c (2 + sigma^2/L), its scale c by least squares in logs
c = exp(real(system("awk -F'\t' -v s2=".sprintf("%g", sigma2)." 'NR > 1 && $2 == $2 + 0 { n++; a += log($2) - log(2 + s2 / $1) } END { print a / n }' ".cb)))
slope = real(system("awk -F'\t' 'NR > 1 && $2 == $2 + 0 { x = log($1); y = log($2); n++; sx += x; sy += y; sxx += x * x; sxy += x * y } END { print (n * sxy - sx * sy) / (n * sxx - sx * sx) }' ".cb))
tcolor(i) = hsv2rgb(0.62 - 0.62 * (i - 1) / (nt - 1 + 1e-9), 0.85, 0.8)
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,600 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,600 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "SGD on online Gaussian-feature regression ({/Symbol a} = 1.5, {/Symbol b} = 2.5, {/Symbol s} = 0.5), exact sweeps, lr tuned per batch" font ",15"
    set logscale xy
    set xlabel "batch size B"
    set ylabel "steps to target (at the tuned lr)"
    set format y "10^{%L}"
    set key top right box opaque font ",10" title "target L"
    plot for [i=1:nt] b using 2:($3 == real(word(targets, i)) ? $7 : NaN) with points \
         pt 7 ps 0.8 lc rgb tcolor(i) title sprintf("%.2g", real(word(targets, i)))
    set xlabel "target loss L"
    set ylabel "critical batch size B_{crit}"
    set format y "%g"
    set format x "10^{%L}"
    set key top right box opaque font ",11" title ""
    set xrange [*:*] reverse
    plot cb using 1:2:4:3 with yerrorbars pt 7 ps 1.2 lw 1.5 lc rgb "#D55E00" \
             title sprintf("measured (grid bracket); log-log slope %.2f", slope), \
         cb using 1:(c * (2 + sigma2 / $1)) with lines lw 2 dt 2 lc rgb "#333333" \
             title sprintf("c (2 + {/Symbol s}^2/L), c = %.2g fitted", c)
    unset multiplot
    set output
}
