# plots/adam-eps.gp — Adam's eps turns the sign-like surge into SGD's saturating shape (Su
# 2024-11): first-update lr*(B) for eps = 0, 3, 30, 300, normalized at the largest B, against
# the `softsign` form of docs/theory.md (dash-dot), its mean field with second moments (dashed) and the mean
# field of Adam's own g/(|g| + eps) (solid). Data: experiments/adam-eps.ini.
fig_title = "Adam's eps: from the sign shape to the SGD shape"
pairs = "eps_0:first eps_3:first eps_30:first eps_300:first sgd:first"
normalize = 1
forms_shown = "lr_sgd|lr_erf|lr_softsign|lr_softsign_mf|lr_eps_mf"
load "plots/lib/onestep_lr.gp"
