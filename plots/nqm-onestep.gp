# plots/nqm-onestep.gp — one-step optimal lr*(B) on the NQM (d = 1e4, h = c = 1/i, x = 1):
# Monte Carlo against the closed forms of docs/theory.md "One-step scaling" for SGD, heavy ball (steady state),
# SignSGD and Adam (steady state). Data: experiments/nqm-onestep.ini.
fig_title = "NQM (d = 10^4): optimal lr*(B), closed forms (lines) vs Monte Carlo (points)"
pairs = "sgd:first momentum:steady signsgd:first adam:steady"
normalize = 0
load "plots/lib/onestep_lr.gp"
