#!/usr/bin/env bash
# Prints a Markdown table of a run directory's summary.csv: Spearman and Kendall (mean ± population std over
# seeds) per task, swept values, test device and k, plus the task mean per k.
# Usage: bench/summarize.sh RUN_DIR
set -euo pipefail
summary="$1/summary.csv"
[ -f "$summary" ] || { echo "no summary.csv in $1" >&2; exit 2; }
awk -F, '
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  nkeys = col["metric"] - 1  # task, device, k and any swept keys come before metric
  next
}
$col["metric"] == "spearman" || $col["metric"] == "kendall" {
  key = ""
  for (i = 1; i <= nkeys; i++) key = key (i > 1 ? " | " : "") $i
  cell[key, $col["metric"]] = sprintf("%.3f ± %.3f", $col["mean"], $col["std"])
  if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  if ($col["metric"] == "spearman") {
    group = $col["task"] "|" $col["k"]
    for (i = 1; i <= nkeys; i++) if (i != col["device"] && i != col["task"] && i != col["k"]) group = group "|" $i
    sum[group] += $col["mean"]; cnt[group]++
    if (!(group in gseen)) { gseen[group] = 1; gorder[++g] = group }
  }
}
END {
  print "| task | device | k (| swept values) | Spearman | Kendall |"
  print "|---|---|---|---|---|"
  for (j = 1; j <= n; j++) print "| " order[j] " | " cell[order[j], "spearman"] " | " cell[order[j], "kendall"] " |"
  print ""
  print "| task, k, swept | mean Spearman over test devices |"
  print "|---|---|"
  for (j = 1; j <= g; j++) printf "| %s | %.3f |\n", gorder[j], sum[gorder[j]] / cnt[gorder[j]]
}' "$summary"
