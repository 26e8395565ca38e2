#!/bin/sh
# scripts/lora-mlp-plus.sh OPTDYN OUT [WIDTHS [SEEDS [INITS [SETS...]]]] — the LoRA+ measurement on
# mlp_lora: experiments/lora-mlp-plus.ini for every width, experiment.seed and init (extra --set
# arguments after INITS), the long table OUT (init, n, seed, lr_ratio, lr, final loss) and, on
# stdout, per init and width the best cell of the 2-D grid lr_A x ratio by the geometric mean of
# the loss over the seeds, and the largest ratio whose best cell is within 2x of it.
# scripts/lora-mlp-plus.sh --table OUT: that summary of an existing table.
set -eu
summary() {
    awk -F'\t' 'NR > 1 { k = $1 "\t" $2 "\t" $4 "\t" $5; c[k]++; l[k] += log($6) }
        END { for (k in c) { split(k, f, "\t"); g = exp(l[k] / c[k]); ir = f[1] "\t" f[2] "\t" f[3]
                  if (!(ir in br) || g < br[ir]) { br[ir] = g; blr[ir] = f[4] } }
              for (ir in br) { split(ir, f, "\t"); w = f[1] "\t" f[2]
                  if (!(w in best) || br[ir] < best[w]) { best[w] = br[ir]; bratio[w] = f[3]; bl[w] = blr[ir] } }
              for (ir in br) { split(ir, f, "\t"); w = f[1] "\t" f[2]
                  if (br[ir] <= 2 * best[w] && (!(w in edge) || f[3] + 0 > edge[w])) edge[w] = f[3] + 0 }
              for (w in best) printf "%s\t%.6g\t%s\t%.4g\t%g\n", w, bratio[w], bl[w], best[w], edge[w] }' "$1" |
        sort -k1,1 -k2n | awk 'BEGIN { print "init\tn\tbest_ratio\tbest_lr_A\tgeomean_loss\tlargest_ratio_within_2x" } 1'
}
if [ "$1" = --table ]; then
    summary "$2"
    exit 0
fi
optdyn=$1 out=$2
widths=${3:-32 64 128 256} seeds=${4:-1 2 3 4} inits=${5:-zero_b zero_a}
shift $(($# < 5 ? $# : 5))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'init\tn\tseed\tlr_ratio\tlr\tfinal_loss\n' > "$out"
for init in $inits; do
    for n in $widths; do
        for seed in $seeds; do
            "$optdyn" run -q -o "$tmp/one.h5" experiments/lora-mlp-plus.ini --set problem.init=$init \
                --set problem.width=$n --set experiment.seed=$seed "$@"
            # optimizer (adam@lr_ratio=R), batch, lr, replicate, final_loss
            "$optdyn" export "$tmp/one.h5" /sweep/final_loss | awk -F'\t' -v i=$init -v n=$n -v s=$seed \
                'NR > 1 && $1 ~ /=/ { split($1, p, "="); print i "\t" n "\t" s "\t" p[2] + 0 "\t" $3 "\t" $5 }' >> "$out"
        done
    done
done
summary "$out"
