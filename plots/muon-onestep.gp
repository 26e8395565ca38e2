# plots/muon-onestep.gp — one-step optimal lr*(B) on 16x8 matrix regression (H = I): Muon's first update
# (msign forms) and SignSGDM's steady state (sign forms at B/a), Monte Carlo vs theory. Data: experiments/muon-onestep.ini.
fig_title = "Muon and SignSGDM on 16x8 matrix regression: lr*(B), theory vs Monte Carlo"
pairs = "muon:first signsgdm:steady"
normalize = 1
load "plots/lib/onestep_lr.gp"
