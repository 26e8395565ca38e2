# plots/goh-momentum.gp — heavy ball's convergence rate over (lr, mu) on a quadratic with
# eigenvalues in [0.01, 1], with Goh's optimal pair (Goh 2017). Data: experiments/goh-momentum.ini.
load "plots/lib/style.gp"
set datafile columnheaders
lr_opt = real(system("sed -n 2p ".data."/goh_optimum.tsv"))
mu_opt = real(system("sed -n 3p ".data."/goh_optimum.tsv"))
rate_opt = real(system("sed -n 4p ".data."/goh_optimum.tsv"))
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,720 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,720 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "Heavy ball on a quadratic with eigenvalues in [0.01, 1]: convergence rate over (lr, {/Symbol m})" font ",15"
    set xlabel "learning rate lr"
    set ylabel "momentum {/Symbol m}"
    set cblabel "rate  max_{/Symbol l} |eig| (white: diverges)"
    set cbrange [0.8:1]
    set palette defined (0.8 "#08306b", 0.9 "#2171b5", 0.96 "#6baed6", 0.99 "#c6dbef", 1 "#f7fbff")
    set xrange [0:1.35 * lr_opt]
    set yrange [0:1]
    set key top right box opaque
    plot data."/goh.tsv" using 2:1:($3 < 1 ? $3 : 1) with image notitle, \
          "+" using (lr_opt):(mu_opt) every ::0::0 with points pt 3 ps 3 lw 3 lc rgb "#D55E00" \
              title sprintf("Goh's optimum: lr = %.3f, {/Symbol m} = %.3f, rate sqrt({/Symbol m}) = %.3f", lr_opt, mu_opt, rate_opt)
    set output
}
