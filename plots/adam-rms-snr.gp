# plots/adam-rms-snr.gp — Adam's steady update RMS against the signal-to-noise ratio s = B |g|^2 / tr Sigma
# (equal in every coordinate here), simulation vs sqrt((s + a)/(s + 1)), a = (1-b1)/(1+b1). Data: experiments/adam-rms-snr.ini.
load "plots/lib/style.gp"
set datafile columnheaders
names = system("grep steady ".data."/names.txt | cut -d' ' -f1 | paste -s -d' '")
n = words(names)
b1(i) = real(substr(word(names, i), 4, 100))
a(i) = (1 - b1(i)) / (1 + b1(i))
Bs = real(system("awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"B_simple\") c = i } NR == 2 { print $c }' ".data."/moments.tsv"))
color(i) = word("#0072B2 #009E73 #D55E00 #CC79A7 #E69F00", i)
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 960,640 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 960,640 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "Adam's steady update RMS against the signal-to-noise ratio ({/Symbol b}_2 = 0.999)" font ",15"
    set logscale x
    set format x "10^{%T}"
    set xlabel "signal-to-noise ratio s = B |g|^2 / tr {/Symbol S}"
    set ylabel "update RMS  sqrt(mean_i {/Symbol f}_i^2)"
    set yrange [0:1.08]
    set key bottom right box opaque
    set samples 300
    set xrange [0.0008:10]
    plot for [i=1:n] sqrt((x + a(i)) / (x + 1)) with lines lw 2 lc rgb color(i) \
             title sprintf("sqrt((s+a)/(s+1)), {/Symbol b}_1 = %g", b1(i)), \
         for [i=1:n] data."/".word(names, i)."_steady.tsv" using ($1 / Bs):(column("update_rms")) \
             with points pt 7 ps 1.1 lc rgb color(i) title sprintf("simulation, {/Symbol b}_1 = %g", b1(i))
    set output
}
