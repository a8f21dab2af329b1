#!/usr/bin/env bash
# Fresh Debian machine -> dependencies, build, and the built-in quick-start study (pipelines/quickstart.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/bin/latpred run pipelines/quickstart.toml "$@"
