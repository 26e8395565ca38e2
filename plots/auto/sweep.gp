# plots/auto/sweep.gp — `optdyn plot` of kind = sweep: steps to the first target at the optimal lr
# and the optimal lr vs batch size per optimizer, with the fitted laws S = S_min (1 + B_crit/B)
# and lr = a B^alpha (/fit/NAME/0) as thin lines.
width = 1500
height = 640
load "plots/auto/common.gp"
best(f) = dir(f)."/best.tsv"
fit(f, i) = dir(f)."/fit_".word(names(f), i).".tsv"
ntarget(f) = int(system("tail -n +2 ".dir(f)."/target.tsv | wc -l"))
ncurve = 0
do for [f=1:nfiles] { ncurve = ncurve + words(names(f)) }
array cf[ncurve]
array ci[ncurve]
array Smin[ncurve]
array Bcrit[ncurve]
array pa[ncurve]
array palpha[ncurve]
array nt[ncurve]
array cb[ncurve]
array cs[ncurve]
array cl[ncurve]
k = 0
do for [f=1:nfiles] {
    do for [i=1:words(names(f))] {
        k = k + 1
        cf[k] = f
        ci[k] = i
        Smin[k] = num(cell(fit(f, i), "hyperbola", "S_min"))
        Bcrit[k] = num(cell(fit(f, i), "hyperbola", "B_crit"))
        pa[k] = num(cell(fit(f, i), "power", "a"))
        palpha[k] = num(cell(fit(f, i), "power", "alpha"))
        nt[k] = ntarget(f)
        cb[k] = colnum(best(f), "batch")
        cs[k] = colnum(best(f), "steps")
        cl[k] = colnum(best(f), "lr_opt")
    }
}
name(k) = word(names(cf[k]), ci[k])
target = system("sed -n 2p ".dir(1)."/target.tsv")
set multiplot layout 1,2 title "sweep".(nfiles > 1 ? " (line style: file)" : ": ".label(1)).", target loss ".target font ",15" noenhanced
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "batch size B"
set key top right box opaque font ",11"
set ylabel "steps to target at the optimal lr"
plot for [k=1:ncurve] best(cf[k]) skip 1 index (ci[k] - 1) every nt[k] using cb[k]:(pos(column(cs[k]))) \
         with linespoints lw 2 dt cf[k] pt 7 ps 0.8 lc rgb col(ci[k]) title lbl(cf[k], name(k)) noenhanced, \
     for [k=1:ncurve] Smin[k] * (1 + Bcrit[k] / x) with lines lw 1 dt 3 lc rgb col(ci[k]) \
         title (Bcrit[k] == Bcrit[k] ? lbl(cf[k], sprintf("fit %s: B_crit = %.3g", name(k), Bcrit[k])) : "") noenhanced
set ylabel "optimal learning rate lr*"
set key bottom right
plot for [k=1:ncurve] best(cf[k]) skip 1 index (ci[k] - 1) every nt[k] using cb[k]:(pos(column(cl[k]))) \
         with linespoints lw 2 dt cf[k] pt 7 ps 0.8 lc rgb col(ci[k]) title lbl(cf[k], name(k)) noenhanced, \
     for [k=1:ncurve] pa[k] * x**palpha[k] with lines lw 1 dt 3 lc rgb col(ci[k]) \
         title (palpha[k] == palpha[k] ? lbl(cf[k], sprintf("fit %s: lr = %.3g B^%.2f", name(k), pa[k], palpha[k])) : "") noenhanced
unset multiplot
set output
