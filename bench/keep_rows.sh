#!/usr/bin/env bash
# Prints the rows of a study directory worth keeping after the run directory is gone, as one CSV in the results.csv
# format that bench/compare_methods.sh reads (NAME=FILE.csv): every spearman-type metric (spearman,
# spearman_first128, model_spearman, expert_spearman, basis_spearman), the experts' blend weights (expert_weight,
# basis_weight) and each run's total_seconds, with the columns task, device, k, seed, metric, value. Reads RUN_DIR/results.csv, or the finished runs' files (RUN_DIR/runs/*.csv) of a study
# that is still running. Several directories: their rows one after the other.
# Usage: bench/keep_rows.sh RUN_DIR [RUN_DIR ...] > bench/results/NAME.csv
set -euo pipefail
(($# > 0)) || { sed -n '2,7p' "$0" >&2; exit 2; }
files=()
for dir in "$@"; do
  if [[ -f $dir/results.csv ]]; then
    files+=("$dir/results.csv")
  elif compgen -G "$dir/runs/*.csv" >/dev/null; then
    files+=("$dir"/runs/*.csv)
  else
    echo "keep_rows: no results.csv or finished runs (runs/*.csv) in '$dir'" >&2
    exit 2
  fi
done
echo "task,device,k,seed,metric,value"
awk -F, '
  BEGIN { n = split("task device k seed metric value", names, " "); for (i = 1; i <= n; i++) need[names[i]] = 1 }
  FNR == 1 {
    delete col
    for (i = 1; i <= NF; i++) col[$i] = i
    for (name in need) if (!(name in col)) { printf "keep_rows: %s has no column %s\n", FILENAME, name > "/dev/stderr"; exit 2 }
    next
  }
  $col["metric"] ~ /^(spearman|spearman_first128|model_spearman|expert_spearman|basis_spearman|expert_weight|basis_weight|total_seconds)$/ {
    print $col["task"] "," $col["device"] "," $col["k"] "," $col["seed"] "," $col["metric"] "," $col["value"]
  }' "${files[@]}"
