# plots/eos-steady.gp — the edge of stability with the loss falling in every 100-step window:
# full-batch GD at lr = 0.3, 0.35, 0.45 on a tanh MLP with eight outputs (8-16-8, N = 100, label
# noise 1.2); S_1 rises to 2/lr (dashed) and stays there while the loss falls. Data:
# experiments/eos-steady.ini.
fig_title = "Edge of stability, steady: full-batch GD on a tanh MLP (8-16-8, N = 100, label noise 1.2, MSE); dashed: 2/lr"
scol = "sharpness"
sylabel = "sharpness S = {/Symbol l}_{max}(H(x_t))"
load "plots/lib/edge.gp"
