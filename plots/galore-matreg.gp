# plots/galore-matreg.gp — Adam and GaLore (svd, id, random projections) on matrix regression: excess loss and
# gradient norm vs step, each optimizer's state (doubles) in the legend. Data: experiments/galore-matreg.ini.
fig_title = "Adam vs GaLore rank 4, refresh 200 on matrix regression (W 32x16, N = 2048, B = 32)"
index_titles = system("awk -f plots/lib/state_titles.awk ".data."/summary.tsv")
index_colors = "#1f77b4 #d62728 #2ca02c #9467bd"
load "plots/lib/loss_curves.gp"
