#!/bin/sh
# tests/h5_roundtrip.sh OPTDYN — run tests/h5_roundtrip.py with Debian's python3 (h5py, numpy).
tmp=$(mktemp -d /tmp/optdyn-h5-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/h5_roundtrip.py "${1:-build/optdyn}" "$tmp"
