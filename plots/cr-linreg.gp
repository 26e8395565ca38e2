# plots/cr-linreg.gp — uniform vs column-row (CR) sampled minibatches on least squares (d = 32, N = 256):
# (a) E|g_B - g|^2 at x0 vs B, measured and formula; (b) SGD steps to the targets vs B, lr re-tuned
# per batch (4 replicates), with Zhang et al.'s critical batch (best.tsv alternates the two targets). Data: experiments/cr-linreg.ini.
load "plots/lib/style.gp"
set datafile columnheaders
v = data."/variance.tsv"
bu = data."/uniform/best.tsv"
bc = data."/cr/best.tsv"
crit(s, k) = system(sprintf("awk -F'\t' 'NR == %d + 1 { printf \"%%.3g\", $2 }' %s/%s/critical_sgd.tsv", k, data, s))
tgt(k) = system(sprintf("awk -F'\t' 'NR == %d + 1 { print $1 }' %s/uniform/target.tsv", k, data))
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "Uniform vs CR minibatches (p_j = |g_j(x)| / {/Symbol S}_k |g_k(x)|, weights 1/(N p_j)) on least squares, d = 32, N = 256" font ",15"
    set logscale x 2
    set logscale y
    set format x "2^{%L}"
    set format y "10^{%T}"
    set xlabel "batch size B"
    set ylabel "E|g_B - g|^2 at x_0"
    set key bottom left box opaque
    plot v using "batch":"uniform_formula" with lines lw 2 lc rgb "#1f77b4" title "uniform, formula (N-B)/(N-1) tr{/Symbol S}/B", \
         v using "batch":"uniform_measured" with points pt 7 ps 1 lc rgb "#1f77b4" title "uniform, measured (4000 draws)", \
         v using "batch":"cr_formula" with lines lw 2 lc rgb "#d62728" title "CR, formula ((1/N) {/Symbol S}|g_j|)^2 - |g|^2)/B", \
         v using "batch":"cr_measured" with points pt 5 ps 1 lc rgb "#d62728" title "CR, measured (4000 draws)"
    set ylabel "SGD steps to target S(B)"
    set key top right box opaque
    plot for [k=1:2] bu every 2::(k-1) using 2:($7 > 0 ? $7 : 1/0) with linespoints lw 2 \
             pt 7 dt k lc rgb "#1f77b4" title sprintf("uniform, L = %s (B_{crit} %s)", tgt(k), crit("uniform", k)), \
         for [k=1:2] bc every 2::(k-1) using 2:($7 > 0 ? $7 : 1/0) with linespoints lw 2 \
             pt 5 dt k lc rgb "#d62728" title sprintf("CR, L = %s (B_{crit} %s)", tgt(k), crit("cr", k))
    unset multiplot
    set output
}
