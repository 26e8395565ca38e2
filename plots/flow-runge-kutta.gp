# plots/flow-runge-kutta.gp — Euler (= GD), Heun and classical Runge-Kutta used as optimizers:
# error against gradient flow of order 1, 2 and 4. Data: experiments/flow-runge-kutta.ini.
fig_title = "Runge-Kutta methods as optimizers: error against gradient flow (quadratic, eigenvalues 2.385 and 0.5)"
refs = "1 2 4"
load "plots/lib/flow_orders.gp"
