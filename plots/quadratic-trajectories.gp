# plots/quadratic-trajectories.gp — six optimizers on a rotated 2-D quadratic with condition
# number 25: iterates over log-loss contours, and loss vs step. Data: experiments/quadratic-trajectories.ini.
fig_title = "Optimizers on an ill-conditioned quadratic (condition number 25, rotated eigenbasis)"
loss_floor = 1e-12
load "plots/lib/trajectories.gp"
