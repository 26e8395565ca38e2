# plots/auto/flow.gp — `optdyn plot` of kind = flow: left, |x_K - X(K dt)| vs lr per optimizer
# and continuous limit, with the fitted order as a line through the smallest lr; right, the
# distance along the recorded trajectory (the first trajectory_lr) vs continuous time.
width = 1500
height = 640
load "plots/auto/common.gp"
array PAIRS[nfiles]
do for [f=1:nfiles] { PAIRS[f] = system("awk '{ print $1 \"_\" $2 }' ".dir(f)."/names.txt") }
pairs(f) = PAIRS[f]
ncurve = 0
do for [f=1:nfiles] { ncurve = ncurve + words(pairs(f)) }
array cf[ncurve]
array ci[ncurve]
array slope[ncurve]
array lr0[ncurve]
array err0[ncurve]
array tk[ncurve]      # the pairs with a recorded trajectory (SME limits have none)
ntraj = 0
k = 0
do for [f=1:nfiles] {
    do for [i=1:words(pairs(f))] {
        k = k + 1
        cf[k] = f
        ci[k] = i
        base = dir(f)."/".word(pairs(f), i)
        slope[k] = num(cell(base.".fit.tsv", "order", "slope"))
        last = system("tail -1 ".base.".order.tsv")
        lr0[k] = num(word(last, 1))
        err0[k] = num(word(last, 2))
        if (system("test -f ".base.".0.tsv && echo 1") eq "1") { ntraj = ntraj + 1; tk[ntraj] = k }
    }
}
pair(k) = word(pairs(cf[k]), ci[k])
order(k) = dir(cf[k])."/".pair(k).".order.tsv"
traj(k) = dir(cf[k])."/".pair(k).".0.tsv"
set multiplot layout 1,2 title "discrete vs continuous".(nfiles > 1 ? " (line style: file)" : ": ".label(1)) font ",15" noenhanced
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "learning rate lr"
set ylabel "|x_K - X(K dt)| at the comparison time"
set key top left box opaque font ",11"
plot for [k=1:ncurve] order(k) skip 1 using 1:(pos($2)) with points pt 7 ps 1 lc rgb col(ci[k]) \
         title lbl(cf[k], pair(k).(slope[k] == slope[k] ? sprintf(": order %.2f", slope[k]) : ": no order")) noenhanced, \
     for [k=1:ncurve] (slope[k] == slope[k] ? err0[k] * (x / lr0[k])**slope[k] : 1/0) with lines lw 1.5 \
         dt cf[k] lc rgb col(ci[k]) notitle
unset logscale x
set format x "% h"
set xlabel "continuous time t"
set ylabel "distance |x_k - X(k dt)|"
set key bottom right
set datafile columnheaders
if (ntraj > 0) {
    plot for [j=1:ntraj] traj(tk[j]) using "t":(pos(column("error"))) with lines lw 2 dt cf[tk[j]] \
         lc rgb col(ci[tk[j]]) title lbl(cf[tk[j]], pair(tk[j])) noenhanced
}
unset multiplot
set output
