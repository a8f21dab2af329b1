#!/usr/bin/env bash
# Compares methods run in latpred's harness (e.g. NASFLAT, HELP, MultiPredict) task by task, beside the paper's
# published values (bench/paper_values.csv, k = 20). Each method is one or more finished study directories; a cell is
# the mean ± population std over seeds of the per-seed mean Spearman over the task's test devices (every measured arch
# except the transfer samples), with the number of seeds. Nothing is run. A study still running (or stopped) has no
# results.csv yet: its finished runs' files (RUN_DIR/runs/*.csv) are read instead.
# A CSV file in the results.csv format can stand for a directory: e.g. the spearman rows of runs kept in
# bench/results/ after their run directories are gone.
# Each table ends with the mean over each search space's tasks (of the tasks a method has; their count when not all).
# METRIC=model_spearman (or expert_spearman, basis_spearman, spearman_first128) tabulates that per-device metric
# instead of spearman, e.g. a blend's parts alone.
# Usage: bench/compare_methods.sh NAME=RUN_DIR|NAME=CSV [...]   (repeat a NAME to merge its directories)
#   e.g. bench/compare_methods.sh NASFLAT=runs/best_nb201_ca HELP=runs/baselines_help \
#          MultiPredict=runs/baselines_multipredict_nb201
set -euo pipefail
cd "$(dirname "$0")/.."
(($# > 0)) || { sed -n '2,14p' "$0" >&2; exit 2; }
metric=${METRIC:-spearman}
operands=()
for spec in "$@"; do
  name=${spec%%=*} dir=${spec#*=}
  [[ $spec == *=* && -n $name ]] || { echo "compare_methods: expected NAME=RUN_DIR, got '$spec'" >&2; exit 2; }
  if [[ -f $dir && $dir == *.csv ]]; then
    operands+=("method=$name" "$dir")
  elif [[ -f $dir/results.csv ]]; then
    operands+=("method=$name" "$dir/results.csv")
  elif compgen -G "$dir/runs/*.csv" >/dev/null; then
    for run in "$dir"/runs/*.csv; do operands+=("method=$name" "$run"); done
  else
    echo "compare_methods: '$dir' (for $name) is neither a CSV file nor a run directory with results.csv or finished runs (runs/*.csv)" >&2
    exit 2
  fi
done
awk -F, -v metric="$metric" '
  FILENAME ~ /paper_values/ {
    if (FNR > 1) {
      help[$1] = $3; mp[$1] = $4; nf[$1] = $5; order[++ntasks] = $1; space[$1] = $2
      space_tasks[$2]++; paper_sum["help", $2] += $3; paper_sum["mp", $2] += $4; paper_sum["nf", $2] += $5
    }
    next
  }
  FNR == 1 {
    delete col
    for (i = 1; i <= NF; i++) col[$i] = i
    if (!(method in known)) { known[method] = 1; methods[++nmethods] = method }
    next
  }
  $col["metric"] == metric && $col["device"] != "" {
    key = method SUBSEP $col["task"] SUBSEP $col["k"] SUBSEP $col["seed"]
    sum[key] += $col["value"]; cnt[key]++
  }
  $col["metric"] == "total_seconds" { seconds[method] += $col["value"]; clock[method, ++runs[method]] = $col["value"] }
  # mean ± population std over seeds of the per-seed device means: the cell text, "-" when never run; the mean is
  # left in cell_mean (and cell_seeds = 0 when never run) for the space mean rows
  function cell(m, t, k,   key, p, v, s, s2, c, var) {
    s = 0; s2 = 0; c = 0
    for (key in sum) {
      split(key, p, SUBSEP)
      if (p[1] == m && p[2] == t && p[3] == k) { v = sum[key] / cnt[key]; s += v; s2 += v * v; c++ }
    }
    cell_seeds = c
    if (c == 0) return "-"
    cell_mean = s / c; var = s2 / c - cell_mean * cell_mean
    return sprintf("%.3f ± %.3f (%d)", cell_mean, sqrt(var > 0 ? var : 0), c)
  }
  # the mean row of space sp over the tasks each method has (their count when not all); "" when no method has any
  function space_row(sp, k,   i, c, v, line, used) {
    line = "| " (sp == "nb201" ? "NB201" : "FBNet") " mean |"; used = 0
    for (i = 1; i <= nmethods; i++) {
      c = space_cnt[i, sp]
      if (c == 0) v = "-"
      else {
        v = sprintf("%.3f", space_sum[i, sp] / c); used = 1
        if (c < space_tasks[sp]) v = v sprintf(" (%d of %d tasks)", c, space_tasks[sp])
      }
      line = line " " v " |"
    }
    if (k == 20) {
      line = line sprintf(" %.3f | %.3f | %.3f |", paper_sum["help", sp] / space_tasks[sp],
                          paper_sum["mp", sp] / space_tasks[sp], paper_sum["nf", sp] / space_tasks[sp])
    }
    return used ? line : ""
  }
  # the median run clock of method m: a run paused or slowed by a busy machine moves the mean, not the median
  function median_clock(m,   n, i, j, v, sorted) {
    n = runs[m]
    for (i = 1; i <= n; i++) {
      v = clock[m, i]
      for (j = i - 1; j >= 1 && sorted[j] > v; j--) sorted[j + 1] = sorted[j]
      sorted[j + 1] = v
    }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  END {
    split("20 10 5", ks, " ")
    for (j = 1; j <= 3; j++) {
      k = ks[j]
      printf "\n%s at k = %s (seeds in parentheses)%s\n\n", metric == "spearman" ? "Spearman" : metric, k,
        k == 20 ? "; the paper scored archs 0-127 only" : ""
      header = "| task |"; rule = "|---|"
      for (i = 1; i <= nmethods; i++) { header = header " " methods[i] " |"; rule = rule "---|" }
      if (k == 20) { header = header " paper HELP | paper MultiPredict | paper NASFLAT |"; rule = rule "---|---|---|" }
      print header; print rule
      delete space_sum; delete space_cnt
      for (n = 1; n <= ntasks; n++) {
        t = order[n]; line = "| " t " |"
        for (i = 1; i <= nmethods; i++) {
          line = line " " cell(methods[i], t, k) " |"
          if (cell_seeds > 0) { space_sum[i, space[t]] += cell_mean; space_cnt[i, space[t]]++ }
        }
        if (k == 20) line = line " " help[t] " | " mp[t] " | " nf[t] " |"
        print line
      }
      split("nb201 fbnet", spaces, " ")
      for (n = 1; n <= 2; n++) if ((line = space_row(spaces[n], k)) != "") print line
    }
    print "\nRun time per method (each run'"'"'s own clock, from its total_seconds):\n"
    print "| method | runs | seconds per run (mean) | median | total hours |"
    print "|---|---|---|---|---|"
    for (i = 1; i <= nmethods; i++) {
      m = methods[i]
      if (runs[m] == 0) { printf "| %s | 0 | - | - | - |\n", m; continue }
      printf "| %s | %d | %.0f | %.0f | %.2f |\n", m, runs[m], seconds[m] / runs[m], median_clock(m), seconds[m] / 3600
    }
  }' bench/paper_values.csv "${operands[@]}"
