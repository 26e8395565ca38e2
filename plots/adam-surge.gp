# plots/adam-surge.gp — with diagonal H SignSGD no longer surges, but Adam's steady state does for
# beta1 = 0.9 (> 1/3) and not for beta1 = 0 (Su 2025). Data: experiments/adam-surge.ini.
fig_title = "Diagonal H: only Adam with beta1 = 0.9 > 1/3 surges"
pairs = "signsgd:first adam:steady adam_b1_0:steady"
normalize = 0
load "plots/lib/onestep_lr.gp"
