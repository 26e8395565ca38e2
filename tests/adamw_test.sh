#!/bin/sh
# tests/adamw_test.sh OPTDYN — adamw, adam with coupled l2 and adamw under a cosine schedule,
# 1000 steps each, against torch.optim (or its NumPy transcription) to 1e-12 (tests/adamw_check.py).
tmp=$(mktemp -d /tmp/optdyn-adamw-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/adamw_check.py "${1:-build/optdyn}" "$tmp"
