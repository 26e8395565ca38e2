# plots/lora-vs-full.gp — distance |W_t - W_t^full|_F of LoRA trajectories to full fine-tuning of
# the same task with the same minibatches (lora 64x32, rank 4, change of rank 16, N = 1000, B = 32):
# LoRA (zero_b), LoRA-GA (lora_ga init), LoRA-Pro from both, with SGD (lr 0.05) and Adam (lr 0.003,
# full fine-tuning with the same rule). Data: experiments/lora-vs-full*.ini via
# scripts/lora-figure-data.sh.
load "plots/lib/style.gp"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,560 enhanced font "Helvetica,13" }
    if (fmt eq "svg") { set terminal svg size 1400,560 enhanced font "Helvetica,13" background "white" }
    set output out.".".fmt
    set multiplot layout 1,2 title "LoRA trajectories vs full fine-tuning: |W_t - W_t^{full}|_F"
    set xlabel "step t"
    set ylabel "|W_t - W_t^{full}|_F"
    set key bottom right
    do for [opt in "sgd adam"] {
        set title sprintf("%s (full fine-tuning with %s)", opt eq "sgd" ? "SGD" : "Adam", opt)
        plot sprintf("%s/zero_b_%s_lora.tsv", data, opt) u 1:2 w l lw 2 lc rgb "#0072B2" t "LoRA (zero\\_b)", \
             sprintf("%s/lora_ga_%s_lora.tsv", data, opt) u 1:2 w l lw 2 lc rgb "#009E73" t "LoRA-GA", \
             sprintf("%s/zero_b_%s_pro.tsv", data, opt) u 1:2 w l lw 2 lc rgb "#D55E00" t "LoRA-Pro (zero\\_b)", \
             sprintf("%s/lora_ga_%s_pro.tsv", data, opt) u 1:2 w l lw 2 dt 2 lc rgb "#CC79A7" t "LoRA-Pro (lora\\_ga)"
    }
    unset multiplot
}
