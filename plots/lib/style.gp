# plots/lib/style.gp — the house style shared by every figure: fonts, grid, and one colour per
# optimizer type (Okabe-Ito palette), so an optimizer looks the same in every figure.
set encoding utf8
set border lw 1.2
set grid lc rgb "#dddddd" lw 1
set key box opaque
set tics nomirror
set style line 100 lc rgb "#000000" lw 2
opt_color(t) = t eq "sgd" ? "#0072B2" : t eq "momentum" ? "#D55E00" : \
               t eq "nesterov" ? "#009E73" : t eq "rmsprop" ? "#CC79A7" : \
               t eq "adam" ? "#E69F00" : t eq "signsgd" ? "#56B4E9" : \
               t eq "muon" ? "#000000" : t eq "lion" ? "#999933" : "#555555"
opt_point(t) = t eq "sgd" ? 7 : t eq "momentum" ? 5 : t eq "nesterov" ? 9 : \
               t eq "rmsprop" ? 11 : t eq "adam" ? 13 : 3
