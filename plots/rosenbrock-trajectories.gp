# plots/rosenbrock-trajectories.gp — six optimizers on Rosenbrock's valley from (-1.2, 1):
# iterates over log-loss contours, and loss vs step. Data: experiments/rosenbrock-trajectories.ini.
fig_title = "Optimizers on Rosenbrock's function (b = 100), full-batch gradients, same start"
loss_floor = 1e-8
load "plots/lib/trajectories.gp"
