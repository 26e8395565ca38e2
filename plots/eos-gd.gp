# plots/eos-gd.gp — the edge of stability: full-batch GD at lr = 0.3, 0.45, 0.6 on a tanh teacher-
# student MLP with MSE (5-20-1, N = 100, label noise 0.5); the sharpness rises to 2/lr (dashed) and
# hovers there while the loss falls, non-monotonically. Data: experiments/eos-gd.ini.
fig_title = "Edge of stability: full-batch GD on a tanh MLP (5-20-1, N = 100, MSE); dashed: 2/lr"
scol = "sharpness"
sylabel = "sharpness S = {/Symbol l}_{max}(H(x_t))"
load "plots/lib/edge.gp"
