#!/usr/bin/env bash
# Installs latpred's build and runtime dependencies from Debian bookworm packages (run as root).
# libopenblas0-pthread matters: without it LibTorch falls back to reference BLAS and trains ~12x slower.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PACKAGES=(cmake g++ make git ccache
  libtorch-dev libboost-dev libboost-filesystem-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  catch2 libcli11-dev nlohmann-json3-dev libopenblas0-pthread libopenblas-dev
  gnuplot-nox  # gnuplot: plots of `latpred nas` and `latpred report` (optional: else only the .gp scripts)
  libopenmpi-dev openmpi-bin)  # MPI: `mpirun -np P latpred run` (optional: latpred builds without it)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
