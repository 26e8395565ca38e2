# plots/noise-scale-logreg.gp — the gradient noise scale along SGD on logistic regression, exact
# against McCandlish et al.'s two-batch estimate. Data: experiments/noise-scale-logreg.ini.
fig_title = "Gradient noise scale along SGD, logistic regression (d = 20, N = 4000, B = 16, lr = 0.05)"
load "plots/lib/noise_scale.gp"
