# plots/auto/onestep.gp — `optdyn plot` of kind = onestep: left, the one-step optimal lr*(B) per
# optimizer and direction (first update, steady state), Monte Carlo with one standard error as
# points and every closed form the file holds (lr_* columns) as lines; right, the update RMS
# (Monte Carlo, and the update_rms_theory_* closed forms). At the minimizer (pure noise) lr* is
# 0 and only the update RMS is drawn.
width = 1600
height = 700
load "plots/auto/common.gp"
array PAIRS[nfiles]
do for [f=1:nfiles] { PAIRS[f] = system("awk '{ print $1 \"_\" $2 }' ".dir(f)."/names.txt") }
pairs(f) = PAIRS[f]
file(f, i) = dir(f)."/".word(pairs(f), i).".tsv"
forms(f, i) = system("head -1 ".file(f, i)." | tr '\t' '\n' | grep '^lr_' | grep -v '^lr_mc' | paste -s -d' '")
# flat lists: np (file, pair) curves of Monte Carlo points, nl closed-form lines
np = 0
nl = 0
do for [f=1:nfiles] { do for [i=1:words(pairs(f))] { np = np + 1; nl = nl + words(forms(f, i)) } }
array pf[np]
array pi[np]
array lf[nl > 0 ? nl : 1]
array li[nl > 0 ? nl : 1]
array lm[nl > 0 ? nl : 1]
array lform[nl > 0 ? nl : 1]
lf[1] = 1; li[1] = 1; lm[1] = 1; lform[1] = "lr_mc"              # parsed even when nl = 0
k = 0
j = 0
do for [f=1:nfiles] {
    do for [i=1:words(pairs(f))] {
        k = k + 1
        pf[k] = f
        pi[k] = i
        F = forms(f, i)
        do for [m=1:words(F)] { j = j + 1; lf[j] = f; li[j] = i; lm[j] = m; lform[j] = word(F, m) }
    }
}
# first file: a dash per closed form and filled circles; other files: a dash and a point type per file
ldash(j) = lf[j] == 1 ? lm[j] : lf[j]
ppoint(k) = pf[k] == 1 ? 7 : 4 + 2 * pf[k]
# the update-RMS closed forms of each curve, as for lr* above
rmsforms(f, i) = system("head -1 ".file(f, i)." | tr '\t' '\n' | grep '^update_rms_' | paste -s -d' '")
nr = 0
do for [f=1:nfiles] { do for [i=1:words(pairs(f))] { nr = nr + words(rmsforms(f, i)) } }
array rf[nr > 0 ? nr : 1]
array ri[nr > 0 ? nr : 1]
array rm[nr > 0 ? nr : 1]
array rform[nr > 0 ? nr : 1]
rf[1] = 1; ri[1] = 1; rm[1] = 1; rform[1] = "update_rms"     # parsed even when nr = 0
j = 0
do for [f=1:nfiles] {
    do for [i=1:words(pairs(f))] {
        F = rmsforms(f, i)
        do for [m=1:words(F)] { j = j + 1; rf[j] = f; ri[j] = i; rm[j] = m; rform[j] = word(F, m) }
    }
}
rdash(j) = rf[j] == 1 ? rm[j] + 1 : rf[j]
# any positive Monte Carlo lr* in any file (none at the minimizer)
haslr = 0
do for [k=1:np] { haslr = haslr + int(system("awk -F'\t' 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == \"lr_mc\") n = c; next } n && $n > 0 { p = 1 } END { print p + 0 }' ".file(pf[k], pi[k]))) }
set datafile columnheaders
set multiplot layout 1,(haslr ? 2 : 1) title "one step".(nfiles > 1 ? " (point type and dash: file)" : ": ".label(1)) font ",15" noenhanced
set logscale x
set format x "10^{%T}"
set xlabel "batch size B"
set key outside right top box opaque font ",10"
set offsets graph 0.05, graph 0.05, 0, 0
if (haslr) {
    set logscale y
    set format y "10^{%T}"
    set ylabel "one-step optimal lr*(B)"
    plot for [k=1:np] file(pf[k], pi[k]) using "batch":(pos(column("lr_mc"))):"lr_mc_se" \
             with yerrorbars pt ppoint(k) ps 0.9 lc rgb col(pi[k]) \
             title lbl(pf[k], word(pairs(pf[k]), pi[k]).": Monte Carlo") noenhanced, \
         for [j=1:nl] file(lf[j], li[j]) using "batch":(pos(column(lform[j]))) with linespoints pt 1 \
             ps 0.6 lw 1.5 dt ldash(j) lc rgb col(li[j]) \
             title lbl(lf[j], word(pairs(lf[j]), li[j]).": ".substr(lform[j], 4, strlen(lform[j]))) noenhanced
}
unset logscale y
set format y "% h"
set ylabel "update RMS"
plot for [k=1:np] file(pf[k], pi[k]) using "batch":"update_rms" with points pt ppoint(k) ps 0.9 \
         lc rgb col(pi[k]) title lbl(pf[k], word(pairs(pf[k]), pi[k]).": Monte Carlo") noenhanced, \
     for [j=1:nr] file(rf[j], ri[j]) using "batch":(column(rform[j])) with lines lw 1.5 dt rdash(j) \
         lc rgb col(ri[j]) title lbl(rf[j], word(pairs(rf[j]), ri[j]).": ".substr(rform[j], 12, strlen(rform[j]))) noenhanced
unset multiplot
set output
