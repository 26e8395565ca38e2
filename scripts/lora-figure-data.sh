#!/bin/sh
# scripts/lora-figure-data.sh OPTDYN FIGURE DIR — the data of the LoRA figures, which run several
# experiments each (one problem per file): FIGURE = lora-vs-full (inits x SGD/Adam: DIR/<init>_<opt>_<name>.tsv,
# columns step and weight_gap), lora-plus (DIR/<init>_<n>.tsv: lr_ratio, then the final loss/n at
# the best lr of each of 4 seeds: geometric mean, min, max), lora-mlp-plus (the same from
# scripts/lora-mlp-plus.sh on mlp_lora, the loss itself, 2 seeds: DIR/<init>_<n>.tsv; zero_b at
# n = 64 with d = 1, 2, 4, 8 inputs, 4 seeds, each curve divided by its best: DIR/inputs_<d>.tsv),
# lora-first-step (DIR/first_step.tsv: init, lr, |W_1^LoRA - W_1^full|/lr).
set -eu
optdyn=$1 fig=$2 dir=$3
mkdir -p "$dir"
rm -f "$dir"/*.tsv "$dir"/*.h5
col() {   # TSV on stdin -> the columns named $1 and $2
    awk -F'\t' -v a="$1" -v b="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == a) x = i; if ($i == b) y = i }; next }
                                   { print $x "\t" $y }'
}
# lines "seed ratio loss" on stdin -> per ratio the geometric mean, min and max over seeds of loss/$1
seed_curve() {
    awk -F'\t' -v n="$1" '{ l = log($3 / n); k[$2]++; sum[$2] += l
            if (!($2 in lo) || l < lo[$2]) lo[$2] = l; if (!($2 in hi) || l > hi[$2]) hi[$2] = l }
        END { for (r in k) printf "%.9g\t%.6g\t%.6g\t%.6g\n", r, exp(sum[r] / k[r]), exp(lo[r]), exp(hi[r]) }' |
        sort -g
}
case $fig in
lora-vs-full)
    for init in zero_b lora_ga; do
        for opt in sgd adam; do
            ini=experiments/lora-vs-full.ini
            [ "$opt" = adam ] && ini=experiments/lora-vs-full-adam.ini
            "$optdyn" run -q -o "$dir/$init-$opt.h5" "$ini" --set problem.init=$init
            for name in lora pro; do
                "$optdyn" export "$dir/$init-$opt.h5" "/trajectory/$name" | col step weight_gap \
                    > "$dir/${init}_${opt}_$name.tsv"
            done
        done
    done ;;
lora-plus)
    for init in zero_b zero_a; do
        for n in 16 32 64 128; do
            s=$(awk -v n=$n 'BEGIN { printf "%.9g", sqrt(n) }')
            for seed in 1 2 3 4; do
                "$optdyn" run -q -o "$dir/$init-$n.h5" experiments/lora-plus.ini --set problem.init=$init \
                    --set problem.rows=$n --set problem.cols=$n --set problem.delta_scale=$s \
                    --set experiment.seed=$seed
                # long table optimizer, batch, lr, seed, final_loss -> seed, ratio, best loss over lr
                "$optdyn" export "$dir/$init-$n.h5" /sweep/final_loss | awk -F'\t' -v s=$seed 'NR > 1 && $1 ~ /=/ {
                        split($1, p, "="); r = p[2] + 0
                        if (!(r in best) || $NF < best[r]) best[r] = $NF }
                    END { for (r in best) print s "\t" r "\t" best[r] }'
            done | seed_curve $n > "$dir/${init}_$n.tsv"
            rm -f "$dir/$init-$n.h5"
        done
    done ;;
lora-mlp-plus)
    # scripts/lora-mlp-plus.sh's long table (init, n, seed, ratio, lr, loss) on a reduced grid
    # (half-decade lr_A, every other power of 2 for the ratio, 2 seeds) -> DIR/<init>_<n>.tsv;
    # then zero_b at n = 64 with d = 1, 2, 4, 8 inputs, 4 seeds -> DIR/inputs_<d>.tsv, each
    # relative to its best ratio
    grid="--set sweep.lr=logspace(-4,-0.5,8) --set sweep.values=0.015625,0.0625,0.25,1,4,16,64,256,1024,4096"
    # shellcheck disable=SC2086
    sh scripts/lora-mlp-plus.sh "$optdyn" "$dir/cells.tsv" "16 32 64 128" "1 2" "zero_b zero_a" $grid \
        > "$dir/summary.txt"
    # cells of init $2 and width $3 in table $1 -> per ratio the seeds' best loss over lr_A
    best_over_lr() {
        awk -F'\t' -v i="$2" -v n="$3" '$1 == i && $2 == n { k = $3 "\t" $4
                if (!(k in b) || $6 < b[k]) b[k] = $6 }
            END { for (k in b) print k "\t" b[k] }' "$1" | seed_curve 1
    }
    for init in zero_b zero_a; do
        for n in 16 32 64 128; do
            best_over_lr "$dir/cells.tsv" $init $n > "$dir/${init}_$n.tsv"
        done
    done
    for d in 1 2 4 8; do
        # shellcheck disable=SC2086
        sh scripts/lora-mlp-plus.sh "$optdyn" "$dir/cells_d$d.tsv" 64 "1 2 3 4" zero_b $grid \
            --set problem.inputs=$d >> "$dir/summary.txt"
        # relative to the curve's best ratio: the shapes compare across d
        best_over_lr "$dir/cells_d$d.tsv" zero_b 64 > "$dir/best_d$d.tsv"
        awk -F'\t' 'NR == FNR { if (FNR == 1 || $2 < m) m = $2; next }
                    { printf "%s\t%.6g\t%.6g\t%.6g\n", $1, $2 / m, $3 / m, $4 / m }' \
            "$dir/best_d$d.tsv" "$dir/best_d$d.tsv" > "$dir/inputs_$d.tsv"
    done ;;
lora-first-step)
    for init in zero_b zero_a gaussian orthogonal lora_ga; do
        for lr in 0.0003 0.001 0.003 0.01 0.03 0.1 0.3; do
            "$optdyn" run -q -o "$dir/one.h5" experiments/lora-first-step.ini --set problem.init=$init \
                --set "optimizer lora.lr=$lr" --set "optimizer full.lr=$lr"
            "$optdyn" export "$dir/one.h5" /trajectory/lora | col step weight_gap |
                awk -v i=$init -v lr=$lr '$1 == 1 { print i "\t" lr "\t" $2 / lr }'
        done
    done > "$dir/first_step.tsv"
    rm -f "$dir/one.h5" ;;
*)
    echo "lora-figure-data.sh: unknown figure '$fig'" >&2; exit 2 ;;
esac
