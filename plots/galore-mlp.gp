# plots/galore-mlp.gp — Adam and GaLore (svd, id, random projections) on the teacher-student MLP: excess loss and
# gradient norm vs step, each optimizer's state (doubles) in the legend. Data: experiments/galore-mlp.ini.
fig_title = "Adam vs GaLore rank 2, refresh 200 on the MLP (W1 32x16, W2 4x32, N = 1024, B = 32)"
index_titles = system("awk -f plots/lib/state_titles.awk ".data."/summary.tsv")
index_colors = "#1f77b4 #d62728 #2ca02c #9467bd"
load "plots/lib/loss_curves.gp"
