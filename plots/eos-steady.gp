# plots/eos-steady.gp — the edge of stability without lasting catapults: full-batch GD at lr = 0.3,
# 0.35, 0.5 on a tanh MLP with eight outputs (8-16-8, N = 100, label noise 0.5); after a few damped
# catapults S_1 sits at 2/lr (dashed) while the loss falls. Data: experiments/eos-steady.ini.
fig_title = "Edge of stability, steady: full-batch GD on a tanh MLP (8-16-8, N = 100, MSE); dashed: 2/lr"
scol = "sharpness"
sylabel = "sharpness S = {/Symbol l}_{max}(H(x_t))"
load "plots/lib/edge.gp"
