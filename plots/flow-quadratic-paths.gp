# plots/flow-quadratic-paths.gp — GD, heavy ball, Nesterov and Adam iterates over their
# continuous limits on an ill-conditioned quadratic. Data: experiments/flow-quadratic-paths.ini.
fig_title = "Optimizers as integrators: iterates over their continuous limits (rotated quadratic, eigenvalues 1 and 0.04)"
loss_floor = 1e-6
levels = "-3, 0.5, 2"
load "plots/lib/flow_paths.gp"
