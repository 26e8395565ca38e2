# plots/sign-erf.gp — Monte Carlo mean of sign(g_B) per coordinate against erf(u) and its two
# approximations (Su 2024-11). Data: experiments/sign-erf.ini.
load "plots/lib/style.gp"
set datafile columnheaders
f = data."/signsgd_first.coords.tsv"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,680 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,680 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "E[sign(g_B)] per coordinate: Monte Carlo against erf and its approximations (NQM, d = 200)" font ",14"
    set xlabel "u = g_i sqrt(B/2) / {/Symbol s}_i"
    set ylabel "E[sign]"
    set logscale x
    set format x "10^{%T}"
    set xrange [0.02:20]
    set yrange [0:1.08]
    set key bottom right box opaque
    set samples 500
    plot f using "u":"mean_phi" with points pt 7 ps 0.35 lc rgb "#999999" title "Monte Carlo (4000 draws, each coordinate and B)", \
         erf(x) with lines lw 2.5 lc rgb "#000000" title "erf(u)", \
         x / sqrt(x**2 + pi / 4) with lines lw 2.2 dt 2 lc rgb "#D55E00" title "u / sqrt(u^2 + {/Symbol p}/4)", \
         (2 * x / sqrt(pi) < 1 ? 2 * x / sqrt(pi) : 1) with lines lw 2.2 dt 3 lc rgb "#0072B2" title "clip(2u/sqrt({/Symbol p}), -1, 1)"
    set output
}
