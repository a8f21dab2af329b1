#!/usr/bin/env bash
# The paper's headline table (NASFLAT_METHOD §8.2) reproduced on all 12 tasks: runs the NB201 and FBNet studies
# (default: pipelines/paper/{nb201,fbnet}.toml; pass others, e.g. pipelines/paper/best_*.toml) and prints, per
# task, our Spearman at k=20 (mean ± std over seeds of the mean over test devices, scored on every measured arch
# except the transfer samples) beside the published HELP / MultiPredict / NASFLAT values, plus wall time.
# Writes bench/results/paper_table.md and .csv. Usage: bench/paper_table.sh [NB201_STUDY FBNET_STUDY] [--set ...]
# JOBS=N runs each study with `latpred run --jobs N` (N worker processes); RESULT=path/name writes name.md and
# name.csv instead of bench/results/paper_table.*. RUN=0 only summarises the studies' existing run directories
# (finished earlier, perhaps in several invocations): nothing is run, and their manifests are left untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
nb201_study=${1:-pipelines/paper/nb201.toml}
fbnet_study=${2:-pipelines/paper/fbnet.toml}
shift $(( $# >= 2 ? 2 : $# ))
latpred=${LATPRED:-build/bin/latpred}
out=${OUTPUT:-runs}
result=${RESULT:-bench/results/paper_table}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
start=$(date +%s)
run=${RUN:-1}
if [[ $run != 0 ]]; then
  for study in "$nb201_study" "$fbnet_study"; do
    /usr/bin/time -f "%e s wall, %U s user, %M KB peak RSS: $study" -a -o "$out/paper_table.time" \
      "$latpred" run "$study" --output "$out" --jobs "${JOBS:-1}" "$@"
  done
fi
end=$(date +%s)
dirs=()
for study in "$nb201_study" "$fbnet_study"; do
  dirs+=("$out/$("$latpred" plan "$study" "$@" | awk 'NR==1 {gsub(/'"'"'/, "", $2); gsub(/:/, "", $2); print $2}')")
done
mkdir -p "$(dirname "$result")"
{
  echo "# Paper table: Spearman at k=20 (mean over test devices; mean ± std over seeds)"
  echo
  # The revision each study's binary was built from (compiled in, recorded in manifest.json), not the checkout's.
  revisions=$(for d in "${dirs[@]}"; do
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["git_revision"][:7])' "$d/manifest.json" 2>/dev/null || echo unknown
  done | sort -u | xargs)
  echo "Studies: $nb201_study, $fbnet_study $*; git $revisions; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores."
  echo "Evaluation: every measured architecture of the test device except the transfer samples (the paper: archs 0-127)."
  if [[ $run != 0 ]]; then
    echo "Whole table: $((end - start)) s wall."
  else
    echo "Summarised from existing run directories (RUN=0); their invocations are listed at the end."
  fi
  echo
  awk -F, -v csv="$result.csv" '
    FNR == 1 && FILENAME ~ /paper_values/ { next }
    FILENAME ~ /paper_values/ { help[$1] = $3; mp[$1] = $4; nf[$1] = $5; order[++n] = $1; next }
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    ($col["metric"] == "spearman" || $col["metric"] == "spearman_first128") && $col["k"] == 20 {
      key = $col["metric"] SUBSEP $col["task"] SUBSEP $col["seed"]
      sum[key] += $col["value"]; cnt[key]++
    }
    # mean +- std over seeds of the per-seed mean over test devices; sets c (seeds), m, sd
    function stats(metric, t,   key, p, v, s2) {
      m = 0; s2 = 0; c = 0
      for (key in sum) {
        split(key, p, SUBSEP)
        if (p[1] == metric && p[2] == t) { v = sum[key] / cnt[key]; m += v; s2 += v * v; c++ }
      }
      if (c == 0) return
      m /= c; sd = sqrt(s2 / c - m * m > 0 ? s2 / c - m * m : 0)
    }
    END {
      print "| task | ours k=20 | ours k=20, first 128 archs (reference evaluation) | HELP | MultiPredict | NASFLAT (paper, first 128 archs) | ours / best published |"
      print "|---|---|---|---|---|---|---|"
      print "task,seeds,spearman_mean,spearman_std,first128_mean,first128_std,help,multipredict,nasflat,ratio_to_best" > csv
      for (j = 1; j <= n; j++) {
        t = order[j]
        stats("spearman_first128", t); r_m = m; r_sd = sd; r_c = c
        stats("spearman", t)
        if (c == 0) { printf "| %s | (not run) | | %s | %s | %s | |\n", t, help[t], mp[t], nf[t]; continue }
        best = help[t]; if (mp[t] > best) best = mp[t]; if (nf[t] > best) best = nf[t]
        ref = r_c ? sprintf("%.3f ± %.3f", r_m, r_sd) : "(not recorded)"
        printf "| %s | %.3f ± %.3f (%d seeds) | %s | %s | %s | %s | %.3f |\n", t, m, sd, c, ref, help[t], mp[t], nf[t], m / best
        printf "%s,%d,%.4f,%.4f,%s,%s,%s,%s,%s,%.4f\n", t, c, m, sd, r_c ? sprintf("%.4f", r_m) : "", r_c ? sprintf("%.4f", r_sd) : "", help[t], mp[t], nf[t], m / best > csv
      }
    }' bench/paper_values.csv $(for d in "${dirs[@]}"; do echo "$d/results.csv"; done)
  echo
  echo "Time per task (each run's own clock; with JOBS=2 two runs share the machine):"
  echo
  awk -F, '
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { t = $col["task"]; v = $col["value"]; metric = $col["metric"] }
    !(t in seen) { seen[t] = 1; order[++n] = t }
    metric == "total_seconds" { runs[t]++; total[t] += v }
    metric == "pretrain_seconds" { pre_s[t] += v }
    metric == "pretrain_example_epochs" { pre_n[t] += v; counted[t]++ }
    metric == "predict_seconds" { pred_s[t] += v }
    metric == "eval_archs" { pred_n[t] += v }
    END {
      print "| task | runs | seconds per run | pretraining examples/s | predictions/s |"
      print "|---|---|---|---|---|"
      for (j = 1; j <= n; j++) {
        t = order[j]
        ex = counted[t] && pre_s[t] > 0 ? sprintf("%.0f", pre_n[t] / pre_s[t]) : "(not recorded)"
        pr = pred_s[t] > 0 ? sprintf("%.0f", pred_n[t] / pred_s[t]) : ""
        printf "| %s | %d | %.0f | %s | %s |\n", t, runs[t], total[t] / runs[t], ex, pr
      }
    }' $(for d in "${dirs[@]}"; do echo "$d/results.csv"; done)
  echo
  if [[ $run != 0 ]]; then
    echo "Time and memory per study:"
    echo '```'
    cat "$out/paper_table.time"
    echo '```'
  else
    echo "Last invocation of each study (manifest.json; earlier invocations of a resumed study are not recorded):"
    echo
    for d in "${dirs[@]}"; do
      python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print("- `{}`: {} to {}, {}, git {}".format(m["command_line"], m["started"], m["ended"], m["status"], m["git_revision"][:7]))' "$d/manifest.json"
    done
  fi
} | tee "$result.md"
