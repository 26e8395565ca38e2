# plots/adam-scaling-rules.gp — Adam's batch-size scaling rules by simulation: loss vs examples seen at
# batch kappa * B under the square-root, half-life and linear rules. Data: experiments/adam-scaling-rules.ini.
load "plots/lib/style.gp"
set datafile columnheaders
opt = system("head -1 ".data."/names.txt")
rules = "sqrt halflife linear"
rule_title(r) = r eq "sqrt" ? "square-root rule (Malladi et al.)" : \
                r eq "halflife" ? "half-life rule ({/Symbol b}_i^{/Symbol k})" : "linear rule (lr {/Symbol k})"
kappas = system("awk -F'\t' 'NR > 1 && !seen[$2]++ { printf \"%s \", $2 }' ".data."/".opt."_sqrt.tsv")
nk = words(kappas)
kcolor(i) = word("#000000 #0072B2 #009E73 #D55E00 #CC79A7 #E69F00", i)
gapf(r, i) = real(system(sprintf("awk -F'\t' 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == \"gap_final\") g = c } NR == %d { print $g }' %s/%s_%s.gaps.tsv", i + 1, data, opt, r)))
label(r, i) = sprintf("{/Symbol k} = %s%s", word(kappas, i), i == 1 ? " (reference)" : \
              gapf(r, i) == gapf(r, i) ? sprintf(": final gap %.0f%%", 100 * gapf(r, i)) : ": undefined")
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,560 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,560 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,3 title "Adam, batch B = {/Symbol k} B_0: loss against examples seen under three scaling rules (Gaussian-feature regression, d = 100)" font ",15"
    set logscale xy
    set format y "10^{%L}"
    set xlabel "examples seen"
    set key bottom left box opaque font ",11"
    do for [r in rules] {
        set title rule_title(r)
        set ylabel (r eq "sqrt" ? "loss (mean over seeds)" : "")
        plot for [i=1:nk] data."/".opt."_".r.".tsv" using 1:($2 == real(word(kappas, i)) ? $3 : NaN) \
             with lines lw 2.2 lc rgb kcolor(i) title label(r, i)
    }
    unset multiplot
    set output
}
