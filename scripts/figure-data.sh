#!/bin/sh
# scripts/figure-data.sh OPTDYN OUT.h5 DIR — export what the figure scripts read, as TSV, with
# `optdyn export` only. Trajectory files: DIR/names.txt ("name type" per optimizer),
# DIR/<name>.tsv, DIR/landscape.tsv, DIR/xstar.tsv. Sweep files: DIR/names.txt, DIR/best.tsv
# (one gnuplot index block per optimizer). Flow files: DIR/names.txt ("optimizer limit type"
# per limit), DIR/<opt>_<limit>.order.tsv, DIR/<opt>_<limit>.<j>.tsv per recorded trajectory j.
set -eu
optdyn=$1 h5=$2 dir=$3
mkdir -p "$dir"
rm -f "$dir"/*.tsv "$dir"/names.txt
names() {   # group of optimizer groups -> "name type" lines
    "$optdyn" export "$h5" "$1" > "$dir/summary.tsv"
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "type") c = i; next }
                { print $1, $c }' "$dir/summary.tsv" > "$dir/names.txt"
}
if "$optdyn" export "$h5" /flow > /dev/null 2>&1; then
    # "optimizer limit type" lines; per pair the order table and the matched trajectories
    "$optdyn" export "$h5" /flow | tail -n +2 | while read -r opt; do
        "$optdyn" export "$h5" "/flow/$opt" | tail -n +2 | cut -f1 | while read -r lim; do
            g="/flow/$opt/$lim"
            type=$("$optdyn" export "$h5" "/flow/$opt" | awk -F'\t' -v l="$lim" \
                'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "type") c = i; next }
                 $1 == l { print (c ? $c : "-") }')
            echo "$opt $lim ${type:--}"
            "$optdyn" export "$h5" "$g/order" > "$dir/${opt}_$lim.order.tsv"
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
    done < "$dir/names.txt"
    for what in landscape xstar; do
        "$optdyn" export "$h5" "/problem/$what" > "$dir/$what.tsv" 2>/dev/null || rm -f "$dir/$what.tsv"
    done
else
    # names in the order of the /sweep/optimizer axis (= the index blocks of best.tsv)
    names /sweep/optimizers
    "$optdyn" export "$h5" /sweep/optimizer | tail -n +2 | while read -r name; do
        grep "^$name " "$dir/names.txt"
    done > "$dir/names.sorted" && mv "$dir/names.sorted" "$dir/names.txt"
    "$optdyn" export "$h5" /sweep/best > "$dir/best.tsv"
fi
