#!/bin/sh
# fuzz/make_h5_seeds.sh [OPTDYN] — regenerate the committed seed files fuzz/seeds/h5/*.h5 of the
# HDF5-reader target from fuzz/seeds/h5-src/*.ini (tiny runs; trajectory chunks repacked small).
set -eu
cd "$(dirname "$0")/.."
optdyn=${1:-build/optdyn}
tmp=$(mktemp -d /tmp/optdyn-seeds-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for k in flow onestep; do
    "$optdyn" run -q "fuzz/seeds/h5-src/$k.ini" -o "fuzz/seeds/h5/$k.h5"
done
"$optdyn" run -q --shard 0/1 fuzz/seeds/h5-src/sweep.ini -o fuzz/seeds/h5/sweep.h5
# A trajectory's extendible datasets are chunked for long runs (10922 rows): repack to 4 rows.
"$optdyn" run -q fuzz/seeds/h5-src/trajectory.ini -o "$tmp/t.h5"
rows="" xs=""
for o in sgd adam; do
    for d in grad_norm loss lr step; do rows="$rows${rows:+,}/trajectory/$o/$d"; done
    xs="$xs${xs:+,}/trajectory/$o/x"
done
h5repack -l "$rows:CHUNK=4" -l "$xs:CHUNK=4x3" "$tmp/t.h5" fuzz/seeds/h5/trajectory.h5
ls -l fuzz/seeds/h5/
