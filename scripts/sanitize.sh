#!/usr/bin/env bash
# Builds latpred with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ and runs every test there.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DLATPRED_SANITIZE=ON \
  -DLATPRED_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "${LATPRED_BUILD_JOBS:-2}"
cd build-asan && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2 "$@"
