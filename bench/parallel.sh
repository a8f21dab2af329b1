#!/usr/bin/env bash
# Times one study (bench/parallel/study.toml, 8 runs) serially, with --jobs 2 and under mpirun -np 2, checks the
# three give the same results (wall-time metrics aside) and writes bench/results/parallel.md.
# Usage: bench/parallel.sh [BUILD_DIR]   (run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
latpred="$build/bin/latpred"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
study=bench/parallel/study.toml

wall() {  # prints the wall seconds of a command
  local start end
  start=$(date +%s.%N)
  "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' 
}
results() { grep -v '_seconds,' "$1/parallel_bench/results.csv"; }

serial=$(wall "$latpred" run "$study" --output "$out/serial" -q)
jobs=$(wall "$latpred" run "$study" --output "$out/jobs" --jobs 2 -q)
diff <(results "$out/serial") <(results "$out/jobs") >/dev/null && jobs_same=yes || jobs_same=NO
mpi="n/a" mpi_same="n/a"
if command -v mpirun >/dev/null && ldd "$latpred" | grep libmpi >/dev/null; then
  mpi=$(wall mpirun -np 2 "$latpred" run "$study" --output "$out/mpi" -q)
  diff <(results "$out/serial") <(results "$out/mpi") >/dev/null && mpi_same=yes || mpi_same=NO
fi
speedup() { [ "$1" = "n/a" ] && echo "n/a" || awk -v s="$serial" -v p="$1" 'BEGIN { printf "%.2f", s / p }'; }
{
  echo "# Parallel study runs: serial vs --jobs 2 vs mpirun -np 2"
  echo
  echo "\`bench/parallel.sh\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "git $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d). Study: \`$study\` (8 runs, 1 LibTorch thread per process)."
  echo
  echo "| mode | wall s | speedup | results equal to serial |"
  echo "|---|---|---|---|"
  echo "| serial | $serial | 1.00 | - |"
  echo "| --jobs 2 | $jobs | $(speedup "$jobs") | $jobs_same |"
  echo "| mpirun -np 2 | $mpi | $(speedup "$mpi") | $mpi_same |"
} | tee bench/results/parallel.md
