#!/bin/sh
# scripts/figure-data.sh OPTDYN OUT.h5 DIR — export what the figure scripts read, as TSV:
# DIR/names.txt ("name type" per optimizer), DIR/<name>.tsv per trajectory, DIR/landscape.tsv,
# DIR/xstar.tsv where the file has them. Uses only `optdyn export`.
set -eu
optdyn=$1 h5=$2 dir=$3
mkdir -p "$dir"
rm -f "$dir"/*.tsv "$dir"/names.txt
"$optdyn" export "$h5" /trajectory > "$dir/summary.tsv"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "type") c = i; next }
            { print $1, $c }' "$dir/summary.tsv" > "$dir/names.txt"
while read -r name type; do
    "$optdyn" export "$h5" "/trajectory/$name" > "$dir/$name.tsv"
done < "$dir/names.txt"
for what in landscape xstar; do
    "$optdyn" export "$h5" "/problem/$what" > "$dir/$what.tsv" 2>/dev/null || rm -f "$dir/$what.tsv"
done
