#!/usr/bin/env bash
# Installs every Debian 12 package SitePlan needs to build, test and run.
# Usage: scripts/install-deps.sh [--test]   (--test adds the packages only tests need)
set -euo pipefail
PKGS=(cmake g++ make pkg-config
      libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev
      libssl-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev libtbb-dev
      libvtk9-dev xvfb xauth fonts-noto-cjk libcairo2-dev libpango1.0-dev libgoogle-perftools-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      libopenmpi-dev openmpi-bin)  # MPI: sharded runs under mpirun (docs/mpi.md), and their tests
if [[ "${1:-}" == "--test" ]]; then
  PKGS+=(python3 python3-gdal python3-numpy clang-format poppler-utils)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
