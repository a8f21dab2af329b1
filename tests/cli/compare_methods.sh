#!/usr/bin/env bash
# bench/compare_methods.sh: per-seed means over test devices, mean ± population std over seeds, directories of one
# method merged, an unfinished study read from its finished runs, the paper's values at k = 20, the mean per search
# space, another metric (METRIC), run time per method (mean and median); a CSV file of kept rows (bench/keep_rows.sh) standing for a directory; a missing directory is a
# clear error.
# Usage: compare_methods.sh SOURCE_DIR
set -euo pipefail
script="$1/bench/compare_methods.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
mkdir -p "$work/a" "$work/b" "$work/c"
# Method A on N1, two seeds: seed 42 devices 0.8 and 0.6 (mean 0.7), seed 43 device 0.9 (mean 0.9) -> 0.800 ± 0.100.
# Rows without a device (task-level) and other metrics must not count. Columns may come in any order. A on N2: 0.4.
cat >"$work/a/results.csv" <<'CSV'
run_key,task,device,k,seed,metric,value
r1,N1,d1,20,42,spearman,0.8
r1,N1,d2,20,42,spearman,0.6
r1,N1,,20,42,spearman,0.1
r1,N1,d1,20,42,kendall,0.2
r1,N1,d1,20,42,model_spearman,0.5
r1,N1,d1,20,42,basis_weight,0.25
r1,N1,,0,42,total_seconds,100
r2,N1,d1,20,43,spearman,0.9
r2,N2,d1,20,43,spearman,0.4
r2,N1,,0,43,total_seconds,300
CSV
# Method A's second directory (another space) merges into the same column; a swept column shifts the others. Its
# long run moves A's mean clock (400 s) but not the median (300 s).
cat >"$work/b/results.csv" <<'CSV'
run_key,task,device,k,seed,model.type,metric,value
r3,FD,fpga,5,42,ensemble,spearman,0.5
r3,FD,,0,42,ensemble,total_seconds,800
CSV
# Method B's study is unfinished: no results.csv, only its finished runs' files, each with its own header.
mkdir -p "$work/c/runs"
cat >"$work/c/runs/r4.csv" <<'CSV'
seed,k,task,device,metric,value
44,20,N1,d1,spearman,0.25
CSV
cat >"$work/c/runs/r5.csv" <<'CSV'
task,device,k,seed,metric,value
N1,d1,20,45,spearman,0.35
CSV
# Method B's other runs survive only as a CSV file of kept rows (a per-seed mean stands in for its devices).
cat >"$work/kept.csv" <<'CSV'
task,device,k,seed,metric,value
N1,all,20,46,spearman,0.30
CSV
out=$(bash "$script" A="$work/a" A="$work/b" "Method B=$work/c" "Method B=$work/kept.csv")
grep -qF '| N1 | 0.800 ± 0.100 (2) | 0.300 ± 0.041 (3) | 0.604 | 0.907 | 0.967 |' <<<"$out" || fail "k=20 N1 row: $out"
grep -qF '| task | A | Method B | paper HELP |' <<<"$out" || fail "header: $out"
grep -qF '| FD | 0.500 ± 0.000 (1) | - |' <<<"$out" || fail "k=5 FD row: $out"
grep -qF '| ND | - | - | 0.948 | 0.930 | 0.959 |' <<<"$out" || fail "a task never run: $out"
# Space means: over the tasks a method has (A: N1 0.8 and N2 0.4), the paper's over all six; none for a space unrun.
grep -qF '| NB201 mean | 0.600 (2 of 6 tasks) | 0.300 (1 of 6 tasks) | 0.658 | 0.885 | 0.933 |' <<<"$out" ||
  fail "k=20 NB201 mean: $out"
grep -qF '| FBNet mean | 0.500 (1 of 6 tasks) | - |' <<<"$out" || fail "k=5 FBNet mean: $out"
[[ $(grep -c 'FBNet mean' <<<"$out") == 1 ]] || fail "an FBNet mean row where no method ran FBNet: $out"
grep -qF '| A | 3 | 400 | 300 | 0.33 |' <<<"$out" || fail "run time of A: $out"
grep -qF '| Method B | 0 | - | - | - |' <<<"$out" || fail "run time of B: $out"
model=$(METRIC=model_spearman bash "$script" A="$work/a")
grep -qF 'model_spearman at k = 20' <<<"$model" || fail "METRIC title: $model"
grep -qF '| N1 | 0.500 ± 0.000 (1) |' <<<"$model" || fail "METRIC=model_spearman N1 row: $model"
if err=$(bash "$script" A="$work/none" 2>&1); then fail "a missing directory was accepted"; fi
grep -qF "'$work/none' (for A) is neither a CSV file nor a run directory with results.csv or finished runs" <<<"$err" ||
  fail "missing-directory message: $err"
if err=$(bash "$script" "$work/a" 2>&1); then fail "an operand without NAME= was accepted"; fi
grep -qF "expected NAME=RUN_DIR" <<<"$err" || fail "usage message: $err"
# bench/keep_rows.sh: the kept rows of directories stand for them, the same table from the CSV as from the runs.
keep="$1/bench/keep_rows.sh"
bash "$keep" "$work/a" "$work/b" "$work/c" >"$work/kept_all.csv"
[[ $(head -1 "$work/kept_all.csv") == "task,device,k,seed,metric,value" ]] || fail "keep_rows header"
grep -q "kendall" "$work/kept_all.csv" && fail "keep_rows kept a kendall row"
grep -qF "N1,d1,20,43,spearman,0.9" "$work/kept_all.csv" || fail "keep_rows lost a spearman row: $(cat "$work/kept_all.csv")"
grep -qF "FD,,0,42,total_seconds,800" "$work/kept_all.csv" || fail "keep_rows lost a run time (swept column)"
grep -qF "N1,d1,20,42,basis_weight,0.25" "$work/kept_all.csv" || fail "keep_rows lost an expert's blend weight"
from_dirs=$(bash "$script" A="$work/a" A="$work/b" A="$work/c")
from_csv=$(bash "$script" A="$work/kept_all.csv")
[[ "$from_dirs" == "$from_csv" ]] || fail "kept rows give another table: $from_csv"
if err=$(bash "$keep" "$work/none" 2>&1); then fail "keep_rows accepted a missing directory"; fi
grep -qF "no results.csv or finished runs (runs/*.csv) in '$work/none'" <<<"$err" || fail "keep_rows message: $err"
echo "compare_methods: ok"
