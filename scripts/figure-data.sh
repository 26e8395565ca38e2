#!/bin/sh
# scripts/figure-data.sh OPTDYN OUT.h5 DIR — export what the figure scripts read, as TSV, with
# `optdyn export` only. Trajectory files: DIR/names.txt ("name type" per optimizer),
# DIR/<name>.tsv, DIR/<name>.noise_scale.tsv and .attrs (runs with noise-scale probes),
# DIR/<name>.update_sv.<block>.tsv (runs with update_sv_every),
# DIR/<name>.sharpness.tsv and .attrs ("edge two_over_lr"; runs with sharpness probes),
# DIR/landscape.tsv, DIR/xstar.tsv, DIR/fstar.txt. Sweep files: DIR/names.txt, DIR/best.tsv (one gnuplot index block per optimizer),
# DIR/critical_<name>.tsv (target + the critical-batch table), DIR/target.tsv.
# Flow files: DIR/names.txt ("optimizer limit type" per limit), DIR/<opt>_<limit>.order.tsv,
# DIR/<opt>_<limit>.fit.tsv (the order's attributes: slope, order_reason, ...),
# DIR/<opt>_<limit>.<j>.tsv per recorded trajectory j. Scaling files: DIR/names.txt, DIR/<opt>_<rule>.tsv (examples, kappa, loss, loss_se[, loss_exact]).
set -eu
optdyn=$1 h5=$2 dir=$3
mkdir -p "$dir"
rm -f "$dir"/*.tsv "$dir"/names.txt
names() {   # group of optimizer groups -> "name type momentum" lines (momentum 0 if none)
    "$optdyn" export "$h5" "$1" > "$dir/summary.tsv"
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "type") c = i; if ($i == "momentum") m = i }; next }
                { print $1, $c, (m && $m != "" ? $m : 0) }' "$dir/summary.tsv" > "$dir/names.txt"
}
child_types() {   # group -> "child type" lines, one export of the group ("-": no type)
    "$optdyn" export "$h5" "$1" | awk -F'\t' '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == "type") c = i; next }
        { print $1, (c && $c != "" ? $c : "-") }'
}
if "$optdyn" export "$h5" /scaling/rule > /dev/null 2>&1; then
    # names.txt: the optimizers; per optimizer and rule <opt>_<rule>.tsv (examples, kappa, loss)
    # and <opt>_<rule>.gaps.tsv (one row per kappa: hyperparameters and gaps)
    "$optdyn" export "$h5" /scaling/optimizer | tail -n +2 > "$dir/names.txt"
    "$optdyn" info "$h5" | awk '$1 == "/scaling/" { f = 1; next } f && $1 !~ /^@/ { exit }
        f { sub(/^@/, "", $1); print $1, $3 }' > "$dir/params.txt"
    while read -r opt; do
        "$optdyn" export "$h5" /scaling/rule | tail -n +2 | while read -r rule; do
            "$optdyn" export "$h5" "/scaling/$opt/$rule/loss" > "$dir/${opt}_$rule.tsv"
            for extra in loss_se loss_exact; do      # appended as further columns
                if "$optdyn" export "$h5" "/scaling/$opt/$rule/$extra" > "$dir/tmp.tsv" 2>/dev/null; then
                    cut -f3 "$dir/tmp.tsv" | paste "$dir/${opt}_$rule.tsv" - > "$dir/tmp2.tsv"
                    mv "$dir/tmp2.tsv" "$dir/${opt}_$rule.tsv"
                fi
            done
            rm -f "$dir/tmp.tsv"
            "$optdyn" export "$h5" "/scaling/$opt/$rule" > "$dir/${opt}_$rule.gaps.tsv"
        done
    done < "$dir/names.txt"
elif "$optdyn" export "$h5" /onestep/optimizer > /dev/null 2>&1; then
    # "optimizer direction type" lines; per pair <opt>_<dir>.tsv (batch + every 1-D dataset) and,
    # for first updates, <opt>_first.coords.tsv (batch, coordinate, mean_phi, mean_phi_se, u)
    "$optdyn" export "$h5" /onestep > "$dir/batch.tsv"
    "$optdyn" export "$h5" /onestep/moments > "$dir/moments.tsv"
    "$optdyn" export "$h5" /onestep/optimizer | tail -n +2 | while read -r opt; do
        child_types "/onestep/$opt" | while read -r d type; do
            echo "$opt $d $type"
            "$optdyn" export "$h5" "/onestep/$opt/$d" > "$dir/tmp.tsv"
            paste "$dir/batch.tsv" "$dir/tmp.tsv" > "$dir/${opt}_$d.tsv"
            "$optdyn" export "$h5" "/onestep/$opt/$d/coordinates" > "$dir/${opt}_$d.coords.tsv" \
                2>/dev/null || rm -f "$dir/${opt}_$d.coords.tsv"
        done
    done > "$dir/names.txt"
    rm -f "$dir/tmp.tsv"
    "$optdyn" export "$h5" /onestep/goh/rate > "$dir/goh.tsv" 2>/dev/null || rm -f "$dir/goh.tsv"
    "$optdyn" export "$h5" /onestep/goh/optimum > "$dir/goh_optimum.tsv" 2>/dev/null ||
        rm -f "$dir/goh_optimum.tsv"
elif "$optdyn" export "$h5" /flow > /dev/null 2>&1; then
    # "optimizer limit type" lines; per pair the order table and the matched trajectories
    "$optdyn" export "$h5" /flow | tail -n +2 | while read -r opt; do
        child_types "/flow/$opt" | while read -r lim type; do
            g="/flow/$opt/$lim"
            echo "$opt $lim $type"
            "$optdyn" export "$h5" "$g/order" > "$dir/${opt}_$lim.order.tsv"
            "$optdyn" export "$h5" "$g" > "$dir/${opt}_$lim.fit.tsv"
            "$optdyn" export "$h5" "$g/trajectory" > "$dir/${opt}_$lim.trajectories.tsv" 2>/dev/null ||
                rm -f "$dir/${opt}_$lim.trajectories.tsv"
            j=0
            while "$optdyn" export "$h5" "$g/trajectory/$j" > "$dir/${opt}_$lim.$j.tsv" 2>/dev/null; do
                j=$((j + 1))
            done
            rm -f "$dir/${opt}_$lim.$j.tsv"
        done
    done > "$dir/names.txt"
    for what in landscape xstar; do
        "$optdyn" export "$h5" "/problem/$what" > "$dir/$what.tsv" 2>/dev/null || rm -f "$dir/$what.tsv"
    done
elif "$optdyn" export "$h5" /trajectory > /dev/null 2>&1; then
    names /trajectory
    while read -r name type; do
        "$optdyn" export "$h5" "/trajectory/$name" > "$dir/$name.tsv"
        if "$optdyn" export "$h5" "/trajectory/$name/noise_scale" > "$dir/$name.noise_scale.tsv" \
            2>/dev/null; then      # and its attributes: "small_batch big_batch ema"
            "$optdyn" info "$h5" | awk -v g="/trajectory/$name/noise_scale/" '
                $1 == g { f = 1; next } f && $1 !~ /^@/ { exit }
                f { v[$1] = $3 } END { print v["@small_batch"], v["@big_batch"], v["@ema"] }' \
                > "$dir/$name.noise_scale.attrs"
        else
            rm -f "$dir/$name.noise_scale.tsv"
        fi
        # update spectra ([run] update_sv_every): <name>.update_sv.<block>.tsv (index, step, sv)
        "$optdyn" export "$h5" "/trajectory/$name/update_sv" 2>/dev/null | tail -n +2 |
            while read -r block rest; do
                "$optdyn" export "$h5" "/trajectory/$name/update_sv/$block/sv" \
                    > "$dir/$name.update_sv.$block.tsv"
            done
        if "$optdyn" export "$h5" "/trajectory/$name/sharpness" > "$dir/$name.sharpness.tsv" \
            2>/dev/null; then      # and its attributes: "edge two_over_lr"
            "$optdyn" info "$h5" | awk -v g="/trajectory/$name/sharpness/" '
                $1 == g { f = 1; next } f && $1 !~ /^@/ { exit }
                f { v[$1] = $3 } END { print v["@edge"], v["@two_over_lr"] }' \
                > "$dir/$name.sharpness.attrs"
        else
            rm -f "$dir/$name.sharpness.tsv"
        fi
    done < "$dir/names.txt"
    for what in landscape xstar; do
        "$optdyn" export "$h5" "/problem/$what" > "$dir/$what.tsv" 2>/dev/null || rm -f "$dir/$what.tsv"
    done
    # the minimum value f*, where the problem knows it (an empty file otherwise)
    "$optdyn" info "$h5" | awk '$1 == "/problem/" { f = 1; next } f && $1 !~ /^@/ { exit }
                               f && $1 == "@fstar" { print $3 }' > "$dir/fstar.txt"
else
    # names in the order of the /sweep/optimizer axis (= the index blocks of best.tsv)
    names /sweep/optimizers
    "$optdyn" export "$h5" /sweep/optimizer | tail -n +2 | while read -r name; do
        grep "^$name " "$dir/names.txt"
    done > "$dir/names.sorted" && mv "$dir/names.sorted" "$dir/names.txt"
    "$optdyn" export "$h5" /sweep/best > "$dir/best.tsv"
    "$optdyn" export "$h5" /sweep/target > "$dir/target.tsv"
    while read -r name type mu; do      # the fitted laws of the first target, one row per law
        "$optdyn" export "$h5" "/fit/$name/0" > "$dir/fit_$name.tsv" 2>/dev/null || rm -f "$dir/fit_$name.tsv"
        # critical batch per target: the /fit/NAME/critical_batch table (its axis target first)
        "$optdyn" export "$h5" "/fit/$name/critical_batch" > "$dir/critical_$name.tsv" 2>/dev/null ||
            rm -f "$dir/critical_$name.tsv"
    done < "$dir/names.txt"
fi
