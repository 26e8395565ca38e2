# plots/adamw-vs-l2.gp — Adam, Adam with coupled L2 and AdamW (decoupled decay) at the same 0.1 on
# least squares: excess loss and gradient norm vs step. Data: experiments/adamw-vs-l2.ini.
fig_title = "Adam vs Adam + L2 (l2 = 0.1) vs AdamW (wd = 0.1) on least squares (d = 20, N = 2000, full batch, lr 0.01)"
index_colors = "#E69F00 #D55E00 #882255"
load "plots/lib/loss_curves.gp"
