# plots/lib/noise_scale.gp — the gradient noise scale along the first optimizer's trajectory:
# left, exact B_simple and B_noise against the smoothed two-batch estimate (and the single-probe
# ratios); right, |g|^2 and tr(Sigma), exact against smoothed. Needs: data, out, fig_title.
load "plots/lib/style.gp"
set datafile columnheaders
name = system("head -1 ".data."/names.txt | cut -d' ' -f1")
f = data."/".name.".noise_scale.tsv"
attrs = system("cat ".data."/".name.".noise_scale.attrs")
small = real(word(attrs, 1))
big = real(word(attrs, 2))
ema = real(word(attrs, 3))
pos(v) = v > 0 ? v : 1/0
stats f using "B_simple" nooutput
ylo = STATS_min / 20.0
yhi = STATS_max * 50.0     # the smoothed estimate spikes where its |g|^2 passes near 0
c_exact = "#000000"
c_noise = "#D55E00"
c_est = "#0072B2"
c_raw = "#9ecae1"

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1500,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1500,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title fig_title font ",15"
    set logscale y
    set format y "10^{%T}"
    set xlabel "step t"

    set title sprintf("noise scales (two-batch estimate: B_s = %g nested in B_b = %g, EMA %g)", \
                      small, big, ema) font ",13"
    set ylabel "batch size"
    set yrange [ylo:yhi]
    set key top left box opaque font ",11"
    plot f using "step":(pos(column("tr_sigma_est") / column("grad_sq_est"))) with points pt 7 ps 0.3 \
             lc rgb c_raw title "one probe: tr{/Symbol S}_{est} / |g|^2_{est} (positive ones)", \
         f using "step":(pos(column("B_simple_est"))) with lines lw 2.5 lc rgb c_est \
             title "B_{simple} estimated (smoothed)", \
         f using "step":"B_simple" with lines lw 2 lc rgb c_exact title "B_{simple} = tr {/Symbol S} / |g|^2 exact", \
         f using "step":"B_noise" with lines lw 2 dt 2 lc rgb c_noise \
             title "B_{noise} = tr({/Symbol S}H) / g^THg exact", \
         big with lines lw 1 dt 3 lc rgb "#555555" title "B_b"

    set title "the two moments: exact (lines) and smoothed estimates (points)" font ",13"
    set ylabel "value"
    set autoscale y
    set key bottom left box opaque font ",11"
    plot f using "step":"grad_sq" with lines lw 2 lc rgb c_exact title "|g|^2", \
         f using "step":(pos(column("grad_sq_smooth"))) every 5 with points pt 7 ps 0.5 lc rgb c_est \
             title "|g|^2 estimated", \
         f using "step":"tr_sigma" with lines lw 2 dt 2 lc rgb c_noise title "tr {/Symbol S}", \
         f using "step":(pos(column("tr_sigma_smooth"))) every 5 with points pt 5 ps 0.5 \
             lc rgb "#E69F00" title "tr {/Symbol S} estimated"
    unset multiplot
    set output
}
