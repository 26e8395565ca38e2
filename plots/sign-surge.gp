# plots/sign-surge.gp — the surge: SignSGD's and Adam's one-step lr*(B) rise then fall on a
# quadratic with same-sign off-diagonal H; SGD saturates. Data: experiments/sign-surge.ini.
fig_title = "The surge: H = I + (7/8) 11^T, A = 15 < C = 49 (lines: theory, points: Monte Carlo)"
pairs = "sgd:first signsgd:first adam:steady"
normalize = 0
load "plots/lib/onestep_lr.gp"
