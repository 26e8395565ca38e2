# plots/flow-gd-quadratic.gp — optimizers as integrators (Barrett & Dherin 2021; docs/theory.md "Continuous limits"):
# error at T = 2 vs learning rate with least-squares slopes: GD against gradient flow (order 1)
# and against the modified flow of L + (lr/4)|g|^2 (order 2), heavy ball against its rescaled
# flow (order 1), its modified flow from the shifted start (order 2) and the damped ODE (order
# 1/2 in lr); and the error along time. Data: experiments/flow-gd-quadratic.ini.
fig_title = "Gradient descent and heavy ball as integrators: error against continuous limits (quadratic, eigenvalues 2.385 and 0.5)"
refs = "1 2"
load "plots/lib/flow_orders.gp"
