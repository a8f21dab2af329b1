#!/usr/bin/env bash
# Configures and builds latpred into build/ (Release, -j2: each LibTorch TU needs ~1.5 GB and ~10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "${LATPRED_BUILD_JOBS:-2}"
