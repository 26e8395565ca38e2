# plots/muon-update-sv.gp — the singular values of one update of W (32 x 16) on matrix regression,
# each normalized by its largest: Muon's Newton-Schulz step has them all within [0.6, 1] (the
# quintic's band [0.68, 1.14]), Adam's, Lion's and SGD's fall off like the gradient's; at steps
# 500 (dashed) and 1500 (solid). Data: experiments/muon-matreg.ini (update_sv_every = 500).
load "plots/lib/style.gp"
names = system("cut -d' ' -f1 ".data."/names.txt")
types = system("cut -d' ' -f2 ".data."/names.txt")
nopt = words(names)
file(i) = data."/".word(names, i).".update_sv.W.tsv"
# sv_i / sv_1 at step s from "index step sv" rows (blocks of one step each)
at(i, s) = sprintf("< awk -F'\t' 'NR > 1 && $2 == %d { if ($1 == 1) top = $3; print $1, $3 / top }' %s", s, file(i))

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,620 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1000,620 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set title "Singular values of one update of W (32x16, matrix regression), normalized by the largest" font ",14"
    set xlabel "index i"
    set ylabel "sigma_i(dx) / sigma_1(dx)"
    set logscale y
    set yrange [0.05:1.5]
    set xrange [0.5:16.5]
    set key bottom left box opaque
    plot for [i=1:nopt] at(i, 1500) using 1:2 with linespoints lw 2.2 pt 7 ps 0.9 \
             lc rgb opt_color(word(types, i)) title word(names, i)." (step 1500)" noenhanced, \
         for [i=1:nopt] at(i, 500) using 1:2 with lines dt 2 lw 1.5 \
             lc rgb opt_color(word(types, i)) title word(names, i)." (step 500)" noenhanced
    set output
}
