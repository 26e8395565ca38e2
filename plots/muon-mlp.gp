# plots/muon-mlp.gp — Muon, Adam, SGD and Lion on a tanh teacher-student network (16-32-4 student,
# 4-unit teacher, N = 1024, B = 32): loss and gradient norm vs step. Data: experiments/muon-mlp.ini.
fig_title = "Muon, Adam, SGD, Lion on a teacher-student MLP (tanh, 16-32-4 student, 4-unit teacher, N = 1024, B = 32)"
load "plots/lib/loss_curves.gp"
