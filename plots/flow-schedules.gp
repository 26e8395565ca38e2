# plots/flow-schedules.gp — a schedule as a change of time (docs/theory.md): error at the clock
# t_K nearest to T = 3 vs peak lr for GD constant / cosine / WSD against the gradient flow and
# heavy ball under WSD against its rescaled flow (all order 1), and the error along the clock.
# Data: experiments/flow-schedules.ini.
fig_title = "Schedules as a change of time t_K = sum lr_k: GD and heavy ball against their flows"
refs = "1"
err_label = "|x_K - X(t_K)| at the clock nearest T = 3"
load "plots/lib/flow_orders.gp"
