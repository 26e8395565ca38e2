# plots/lib/onestep_lr.gp — one-step optimal lr*(B) (kind = onestep): Monte Carlo points with one
# standard error and every closed form that applies as lines, against B/B_simple, log-log.
# Needs: data, out, fig_title, pairs ("opt:dir ..."), normalize (1: divide each curve by its
# value at the largest B, to compare shapes); optional forms_shown ("lr_sgd|lr_erf": the closed
# forms drawn, default all).
load "plots/lib/style.gp"
set datafile columnheaders
Bs = real(system("awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"B_simple\") c = i } NR == 2 { print $c }' ".data."/moments.tsv"))
np = words(pairs)
pair_opt(i) = system("echo ".word(pairs, i)." | cut -d: -f1")
pair_dir(i) = system("echo ".word(pairs, i)." | cut -d: -f2")
file(i) = data."/".pair_opt(i)."_".pair_dir(i).".tsv"
shown = exists("forms_shown") ? " | grep -x -E '".forms_shown."'" : ""
forms(i) = system("head -1 ".file(i)." | tr '\t' '\n' | grep '^lr_' | grep -v '^lr_mc'".shown." | paste -s -d' '")
palette = "#0072B2 #D55E00 #009E73 #E69F00 #CC79A7 #56B4E9 #555555"
col(i) = word(palette, (i - 1) % 7 + 1)
last(i) = real(system("tail -1 ".file(i)." | cut -f1"))
norm_mc(i) = normalize ? real(system("awk -F'\t' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == \"lr_mc\") c = k } END { print $c }' ".file(i))) : 1
norm_form(i, f) = normalize ? real(system("awk -F'\t' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == \"".f."\") c = k } END { print $c }' ".file(i))) : 1
array nmc[np]
do for [i=1:np] { nmc[i] = norm_mc(i) }
dash(f) = f eq "lr_erf" || f eq "lr_sgd" || f eq "lr_ema_momentum" || f eq "lr_eps_mf" || f eq "lr_adam_steady" || f eq "lr_msign_matrix" ? 1 : f eq "lr_pi4" || f eq "lr_softsign_mf" || f eq "lr_msign_scalar" ? 2 : f eq "lr_softsign" || f eq "lr_msign_perturbative" ? 4 : 3
flabel(f) = f[4:]

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1100,720 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1100,720 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title fig_title font ",15" noenhanced
    set logscale xy
    set format x "10^{%T}"
    set format y "10^{%T}"
    set xlabel sprintf("B / B_{simple}   (B_{simple} = tr {/Symbol S} / |g|^2 = %.4g)", Bs)
    set ylabel normalize ? "lr*(B) / lr*(B_{max})" : "one-step optimal lr*(B)"
    set key outside right top box opaque font ",11" spacing 1.1
    plot for [i=1:np] file(i) using ($1 / Bs):(column("lr_mc") > 0 ? column("lr_mc") / nmc[i] : 1/0):(column("lr_mc_se") / nmc[i]) \
             with yerrorbars pt 7 ps 0.9 lc rgb col(i) title sprintf("%s (%s): Monte Carlo", pair_opt(i), pair_dir(i)) noenhanced, \
         for [i=1:np] for [f in forms(i)] file(i) using ($1 / Bs):(column(f) / norm_form(i, f)) with lines \
             lw 2 dt dash(f) lc rgb col(i) title sprintf("%s (%s): %s", pair_opt(i), pair_dir(i), flabel(f)) noenhanced
    set output
}
