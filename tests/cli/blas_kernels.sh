#!/usr/bin/env bash
# OpenBLAS kernel selection (latpred::use_native_blas_kernels): a user's OPENBLAS_CORETYPE stands, and without one
# latpred never runs SSE-era kernels on a CPU with AVX2 (OpenBLAS's own detection falls back to Prescott on CPUs
# newer than its build).
# Usage: blas_kernels.sh BINARY_DIR
set -euo pipefail
latpred="$1/bin/latpred"
fail() { echo "FAILED: $*"; exit 1; }
version=$(env -u OPENBLAS_CORETYPE "$latpred" --version)
echo "$version"
if [[ "$version" != *"OpenBLAS kernels"* ]]; then
  echo "SKIPPED: LibTorch does not run on OpenBLAS here"
  exit 0
fi
chosen=$(OPENBLAS_CORETYPE=Haswell "$latpred" --version)
[[ "$chosen" == *"OpenBLAS kernels Haswell)"* ]] || fail "OPENBLAS_CORETYPE=Haswell gave: $chosen"
if grep -qw avx2 /proc/cpuinfo; then
  shopt -s nocasematch
  [[ "$version" =~ kernels\ (unknown|katmai|coppermine|northwood|prescott|banias|core2|penryn|dunnington|nehalem|atom)\) ]] &&
    fail "an SSE-era kernel on a CPU with AVX2: $version"
fi
echo "blas kernels: OK"
