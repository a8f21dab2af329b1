#!/usr/bin/env bash
# How pretraining time grows with source archs per device (S) and training devices (m): runs
# bench/scaling/study.toml (NB201, ensemble, 2 epochs, S = 128/512/2048 x m = 2/4/8) and prints pretraining seconds
# and examples/s per point; writes bench/results/scaling.md. Usage: bench/scaling.sh [BUILD_DIR] (idle machine;
# data from $LATPRED_DATA or ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1
start=$(date +%s)
"$build/bin/latpred" run bench/scaling/study.toml --output "$out" -q
end=$(date +%s)
epochs=$(awk -F' *= *' '/^epochs/ { print $2; exit }' bench/scaling/study.toml)
{
  echo "# Pretraining time against source archs per device (S) and training devices (m)"
  echo
  echo "\`bench/scaling.sh\`: NB201, ensemble GNN at latpred's best settings, $epochs pretraining epochs; git"
  echo "$(git rev-parse --short HEAD); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores;"
  echo "1 intra-op thread. Whole bench: $((end - start)) s wall."
  echo
  echo "| m devices | S archs/device | examples/epoch | pretraining s | examples/s | s per 1000 examples |"
  echo "|---|---|---|---|---|---|"
  # run key -> (devices, S) from the plan: devices = quoted names in the task.train column, S = last column.
  "$build/bin/latpred" plan bench/scaling/study.toml | awk 'NR > 2 { m = gsub(/"/, "\""); print $2, m / 2, $NF }' |
    while read -r key m samples; do
      secs=$(awk -F, '$5 == "pretrain_seconds" { print $6 }' "$out/scaling_bench/runs/$key.csv")
      awk -v m="$m" -v S="$samples" -v s="$secs" -v e="$epochs" 'BEGIN {
        n = m * S; printf "| %d | %d | %d | %.1f | %.0f | %.2f |\n", m, S, n, s, n * e / s, 1000 * s / (n * e) }'
    done
} > bench/results/scaling.md
cat bench/results/scaling.md
