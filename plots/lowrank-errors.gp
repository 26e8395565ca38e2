# plots/lowrank-errors.gp — the error |M - M_r|_F of each low-rank tool against r on a 60 x 40 matrix
# with singular values 1/i (plots/tools/lowrank_errors.c), beside the Eckart-Young floor.
load "plots/lib/style.gp"
set datafile columnheaders
f = data."/errors.tsv"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,660 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,660 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "Low-rank tools on M = U diag(1/i) V^T (60 x 40): Frobenius error vs rank r" font ",15"
    set logscale y
    set format y "10^{%T}"
    set xlabel "rank r (columns, sketch size, or CR draws)"
    set ylabel "|M - M_r|_F"
    set key bottom left box opaque
    plot f using "rank":"eckart_young" with lines lw 5 lc rgb "#bbbbbb" title "Eckart-Young floor sqrt(sum_{i>r} s_i^2)", \
         f using "rank":"tsvd" with lines lw 2 lc rgb "#1f77b4" title "truncated SVD", \
         f using "rank":"id" with lines lw 2 lc rgb "#d62728" title "ID (pivoted QR)", \
         f using "rank":"random_q0" with lines lw 2 lc rgb "#2ca02c" title "randomized range, q = 0 (mean of 20)", \
         f using "rank":"random_q1" with lines lw 2 dt 2 lc rgb "#2ca02c" title "randomized range, q = 1 (mean of 20)", \
         f using "rank":"cr_formula" with lines lw 2 lc rgb "#9467bd" title "CR, optimal p: sqrt of the variance formula", \
         f using "rank":"cr_measured" with points pt 7 ps 0.6 lc rgb "#9467bd" title "CR, measured (rms of 200 draws)"
    set output
}
