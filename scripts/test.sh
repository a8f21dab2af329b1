#!/usr/bin/env bash
# Fresh Debian machine -> dependencies, build, and every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build && ctest --output-on-failure -j2 "$@"
