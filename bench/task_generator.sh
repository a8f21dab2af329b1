#!/bin/bash
# Runs `latpred tasks generate` on the full NB201 (40) and FBNet (27) device sets for (m,n) = (5,5), (10,3) and both
# KL signs: the tasks of seeds 1-3, a summary over seeds 1-20, then `latpred tasks correlation` on the published
# tasks. Prints markdown tables (bench/results/task_generator.md quotes them).
# Usage: bench/task_generator.sh [path/to/latpred]
set -euo pipefail
LATPRED=${1:-build/bin/latpred}
SEEDS=20

generate() {  # space m n sign seed -> the task file on stdout
  "$LATPRED" -q tasks generate --space "$1" --train "$2" --test "$3" --sign "$4" --seed "$5" 2>/dev/null
}
stat_of() { grep '^# train x test Spearman' | sed -E "s/.*$1 ([-0-9.]+).*/\1/"; }
list_of() { grep "^$1 = " | sed -E 's/^[a-z]+ = \[(.*)\]/\1/; s/"//g'; }

details="| space | m,n | sign | seed | mean rho | min | max | best/test | train | test |
|---|---|---|---|---|---|---|---|---|---|"
summary="| space | m,n | sign | mean of mean rho (seeds 1-$SEEDS) | lowest | highest | distinct tasks |
|---|---|---|---|---|---|---|"
for space in nb201 fbnet; do
  for size in "5 5" "10 3"; do
    read -r m n <<<"$size"
    for sign in published min_cross; do
      means=()
      tasks=()
      for seed in $(seq 1 "$SEEDS"); do
        out=$(generate "$space" "$m" "$n" "$sign" "$seed")
        mean=$(stat_of mean <<<"$out")
        means+=("$mean")
        tasks+=("$(list_of train <<<"$out") / $(list_of test <<<"$out")")
        if ((seed <= 3)); then
          details+="
| $space | $m,$n | $sign | $seed | $mean | $(stat_of min <<<"$out") | $(stat_of max <<<"$out") | \
$(grep '^# train x test' <<<"$out" | sed -E 's/.*per test ([-0-9.]+)/\1/') | $(list_of train <<<"$out") | \
$(list_of test <<<"$out") |"
        fi
      done
      distinct=$(printf '%s\n' "${tasks[@]}" | sort -u | wc -l)
      summary+="
| $space | $m,$n | $sign | $(printf '%s\n' "${means[@]}" | awk '{s+=$1} END {printf "%.3f", s/NR}') | \
$(printf '%s\n' "${means[@]}" | sort -n | head -1) | $(printf '%s\n' "${means[@]}" | sort -n | tail -1) | $distinct |"
    done
  done
done
echo "$details"
echo
echo "$summary"
echo
echo '```'
"$LATPRED" -q tasks correlation N1 N2 N3 N4 ND NA F1 F2 F3 F4 FD FA
echo '```'
