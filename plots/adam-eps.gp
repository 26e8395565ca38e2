# plots/adam-eps.gp — Adam's eps turns the sign-like surge into SGD's saturating shape (Su
# 2024-11): first-update lr*(B) for eps = 0, 3, 30, 300, normalized at the largest B.
# Data: experiments/adam-eps.ini.
fig_title = "Adam's eps: from the sign shape to the SGD shape"
pairs = "eps_0:first eps_3:first eps_30:first eps_300:first sgd:first"
normalize = 1
load "plots/lib/onestep_lr.gp"
