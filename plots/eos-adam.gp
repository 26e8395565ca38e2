# plots/eos-adam.gp — Adam at the edge of stability (Cohen et al. 2022): the preconditioned
# sharpness lambda_max(P^-1 H), P = sqrt(vh) + eps, settles at (2 + 2 b1)/((1 - b1) lr): 38/lr for
# b1 = 0.9, 18/lr for b1 = 0.8 (dashed), lr = 0.01. Data: experiments/eos-adam.ini.
fig_title = "Adam at the edge of stability (lr = 0.01): preconditioned sharpness vs (2+2b_1)/((1-b_1) lr), dashed"
scol = "precond_sharpness"
sylabel = "{/Symbol l}_{max}(P^{-1} H), P = sqrt(v_h) + eps"
index_colors = "#E69F00 #56B4E9"
load "plots/lib/edge.gp"
