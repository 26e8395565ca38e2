# plots/auto/scaling.gp — `optdyn plot` of kind = scaling: mean loss vs examples seen for every
# batch multiplier kappa, one panel per scaling rule (hyperparameters moved from kappa = 1 by the
# rule), one colour per kappa, a dash per optimizer and file.
width = 1500
height = 640
load "plots/auto/common.gp"
opts(f) = names(f)
rules = system("cd ".dir(1)." && ls | sed -n 's/^".word(opts(1), 1)."_\\(.*\\)\\.gaps\\.tsv$/\\1/p'")
file(f, o, r) = dir(f)."/".o."_".r.".tsv"
kappas(f, o, r) = system("tail -n +2 ".file(f, o, r)." | cut -f2 | sort -g -u")
# flat list of the (file, optimizer, kappa) curves, from the first rule's table
nc = 0
do for [f=1:nfiles] { do for [o=1:words(opts(f))] { nc = nc + words(kappas(f, word(opts(f), o), word(rules, 1))) } }
array cf[nc]
array co[nc]
array cj[nc]
array ck[nc]
c = 0
do for [f=1:nfiles] {
    do for [o=1:words(opts(f))] {
        K = kappas(f, word(opts(f), o), word(rules, 1))
        do for [j=1:words(K)] { c = c + 1; cf[c] = f; co[c] = o; cj[c] = j; ck[c] = real(word(K, j)) }
    }
}
opt(c) = word(opts(cf[c]), co[c])
cdash(c) = (cf[c] - 1) * words(opts(cf[c])) + co[c]
set datafile columnheaders
nr = words(rules)
set multiplot layout 1,nr title "loss vs examples per batch multiplier kappa".(nfiles > 1 ? " (dash: file)" : ": ".label(1)) font ",15" noenhanced
set logscale xy
set format x "10^{%T}"
set xlabel "examples seen"
set ylabel "mean loss"
set key top right box opaque font ",10"
do for [r=1:nr] {
    R = word(rules, r)
    set title "rule ".R noenhanced
    plot for [c=1:nc] file(cf[c], opt(c), R) \
         using "examples":(column("kappa") == ck[c] ? pos(column("loss")) : 1/0) with lines lw 2 \
         dt cdash(c) lc rgb col(cj[c]) \
         title lbl(cf[c], sprintf("%s kappa = %g", opt(c), ck[c])) noenhanced
}
unset multiplot
set output
