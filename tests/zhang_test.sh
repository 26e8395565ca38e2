#!/bin/sh
# tests/zhang_test.sh OPTDYN — run the exact Zhang et al. 2019 NQM sweep and check its facts.
tmp=$(mktemp -d /tmp/optdyn-zhang-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"${1:-build/optdyn}" run -q -j 2 -o "$tmp/z.h5" experiments/nqm-steps-vs-batch.ini &&
    /usr/bin/python3 tests/zhang_facts.py "$tmp/z.h5"
