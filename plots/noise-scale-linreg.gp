# plots/noise-scale-linreg.gp — the gradient noise scale along SGD on least squares, exact against
# McCandlish et al.'s two-batch estimate. Data: experiments/noise-scale-linreg.ini.
fig_title = "Gradient noise scale along SGD, least squares (d = 20, N = 4000, B = 16, lr = 0.01)"
load "plots/lib/noise_scale.gp"
