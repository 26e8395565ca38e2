# plots/gaussreg-exact-vs-mc.gp — SGD on online Gaussian-feature regression: the exact moment recursion
# (lines) against Monte Carlo of true minibatches (points, +-2 SE) at three batch sizes. Data: experiments/gaussreg-exact-vs-mc.ini.
load "plots/lib/style.gp"
set datafile columnheaders
opt = system("head -1 ".data."/names.txt")
f = data."/".opt."_fixed.tsv"
kappas = system("awk -F'\t' 'NR > 1 && !seen[$2]++ { printf \"%s \", $2 }' ".f)
nk = words(kappas)
seeds = system("awk '$1 == \"seeds\" { print $2 }' ".data."/params.txt")
kcolor(i) = word("#0072B2 #D55E00 #009E73 #CC79A7", i)
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,640 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,640 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "SGD on online Gaussian-feature regression: exact recursion vs Monte Carlo (".seeds." runs)" font ",15"
    set logscale xy
    set format y "10^{%L}"
    set xlabel "examples seen"
    set ylabel "expected excess risk E[L]"
    set key top right box opaque
    plot for [i=1:nk] f using 1:($2 == real(word(kappas, i)) ? $5 : NaN) with lines lw 2.2 \
             lc rgb kcolor(i) title sprintf("B = %s: exact", word(kappas, i)), \
         for [i=1:nk] f every 3 using 1:($2 == real(word(kappas, i)) ? $3 : NaN):(2 * $4) \
             with yerrorbars pt 7 ps 0.7 lc rgb kcolor(i) title sprintf("B = %s: Monte Carlo", word(kappas, i))
    set output
}
