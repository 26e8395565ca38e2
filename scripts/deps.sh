#!/bin/sh
# scripts/deps.sh [mpi|fuzz|bench] — install optdyn's Debian dependencies when any is missing (with
# `mpi`: OpenMPI too, for `make MPI=1`; `fuzz`: clang, libFuzzer and libomp, for `make fuzz`;
# `bench`: PyTorch for the benchmark's peer). Idempotent.
set -eu

PKGS="gcc make pkg-config libc6-dev libgsl-dev libhdf5-dev hdf5-tools gnuplot-nox
      libinih-dev librandom123-dev libcmocka-dev python3 python3-numpy python3-h5py
      python3-xarray python3-h5netcdf zlib1g-dev dataset-fashion-mnist"
[ "${1:-}" = mpi ] && PKGS="$PKGS libopenmpi-dev openmpi-bin"
[ "${1:-}" = fuzz ] && PKGS="$PKGS clang libclang-rt-14-dev libomp-dev"
[ "${1:-}" = bench ] && PKGS="$PKGS python3-torch"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
