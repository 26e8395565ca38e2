# plots/flow-rosenbrock-paths.gp — GD, heavy ball, Nesterov and Adam iterates over their
# continuous limits in Rosenbrock's valley. Data: experiments/flow-rosenbrock-paths.ini.
fig_title = "Optimizers as integrators: iterates over their continuous limits (Rosenbrock, b = 100)"
loss_floor = 1e-8
levels = "-3, 0.5, 4"
load "plots/lib/flow_paths.gp"
