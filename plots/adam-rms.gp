# plots/adam-rms.gp — Adam's update RMS under pure noise vs beta1: steady-state simulation (NQM at
# its minimizer, d = 1000, beta2 = 0.999, eps = 0) against sqrt((1-b1)/(1+b1)) (Su 2025).
# Data: experiments/adam-rms.ini.
load "plots/lib/style.gp"
set datafile columnheaders
names = system("grep steady ".data."/names.txt | cut -d' ' -f1 | paste -s -d' '")
n = words(names)
b1(i) = real(substr(word(names, i), 4, 100))
rms(i) = real(system("awk -F'\t' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == \"update_rms\") c = k } NR == 2 { print $c }' ".data."/".word(names, i)."_steady.tsv"))
set print $points
do for [i=1:n] { print sprintf("%g\t%.10g", b1(i), rms(i)) }
unset print
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 900,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 900,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "Adam's update RMS under pure gradient noise (steady state, {/Symbol b}_2 = 0.999)" font ",15"
    set xlabel "{/Symbol b}_1"
    set ylabel "update RMS  sqrt(mean_i {/Symbol f}_i^2)"
    set xrange [-0.03:1]
    set yrange [0:1.05]
    set key top right box opaque
    set samples 400
    plot [0:0.999] sqrt((1 - x) / (1 + x)) with lines lw 2.2 lc rgb "#555555" title "sqrt((1-{/Symbol b}_1)/(1+{/Symbol b}_1))", \
         $points using 1:2 with points pt 7 ps 1.6 lc rgb opt_color("adam") title "simulation (d = 1000, 500 updates)"
    set output
}
