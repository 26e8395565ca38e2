# plots/muon-matreg.gp — Muon, Adam, SGD and Lion on matrix regression (W 32 x 16, rank-8 teacher,
# N = 2048, B = 32): excess loss and gradient norm vs step. Data: experiments/muon-matreg.ini.
fig_title = "Muon, Adam, SGD, Lion on matrix regression (W 32x16, rank-8 W*, N = 2048, B = 32, constant lr)"
load "plots/lib/loss_curves.gp"
