#!/usr/bin/env bash
# bench_zcp_agreement: joins a `latpred zcp` table with a reference by arch index, keeps only the reference rows of
# the chosen dataset, skips empty cells, and prints Spearman / Kendall per shared proxy; bad input is a clear error.
# Usage: zcp_agreement.sh BUILD_DIR
set -euo pipefail
bench="$1/bin/bench_zcp_agreement"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*"; exit 1; }

cat >"$work/ours.csv" <<'CSV'
nb201_index,ops,params,synflow,zen
3,0-0-0-0-0-0,1,10,5
1,0-0-0-0-0-1,2,20,6
7,0-0-0-0-0-2,3,,7
9,0-0-0-0-0-3,4,40,8
5,0-0-0-0-0-4,5,50,9
CSV
# params agrees in order, synflow is reversed (and missing for arch 7 on our side); arch 5 has no reference row; the
# cifar100 rows would reverse params if they were read.
cat >"$work/ref.csv" <<'CSV'
dataset,nb201_index,params,synflow
cifar10,3,0.1,4
cifar10,1,0.2,3
cifar10,7,0.3,2
cifar10,9,0.4,1
cifar100,3,9,4
cifar100,1,8,3
cifar100,7,7,2
cifar100,9,6,1
CSV
"$bench" "$work/ours.csv" "$work/ref.csv" >"$work/out" 2>&1 || { cat "$work/out"; fail "agreement run"; }
grep -q '4 reference archs' "$work/out" || { cat "$work/out"; fail "reference row count"; }
grep -q '^| params | 4 | 1.000 | 1.000 |$' "$work/out" || { cat "$work/out"; fail "params row"; }
grep -q '^| synflow | 3 | -1.000 | -1.000 |$' "$work/out" || { cat "$work/out"; fail "synflow row"; }
if grep -q '| zen |' "$work/out"; then fail "zen is not in the reference"; fi

"$bench" "$work/ours.csv" "$work/ref.csv" cifar100 >"$work/out" 2>&1 || fail "cifar100 run"
grep -q '^| params | 4 | -1.000 | -1.000 |$' "$work/out" || { cat "$work/out"; fail "cifar100 params row"; }

# With an accuracy column: each table's proxy against it, over the archs that have one (arch 9 has none).
cat >"$work/acc.csv" <<'CSV'
dataset,nb201_index,params,val_accuracy
cifar10,3,0.1,90
cifar10,1,0.2,80
cifar10,7,0.3,85
cifar10,9,0.4,
CSV
"$bench" "$work/ours.csv" "$work/acc.csv" >"$work/out" 2>&1 || { cat "$work/out"; fail "accuracy run"; }
grep -q '| ours vs accuracy | reference vs accuracy |' "$work/out" || { cat "$work/out"; fail "accuracy header"; }
grep -q '^| params | 4 | 1.000 | 1.000 | -0.500 | -0.500 |$' "$work/out" || { cat "$work/out"; fail "accuracy row"; }

if "$bench" "$work/ours.csv" "$work/ref.csv" imagenet >"$work/out" 2>&1; then fail "unknown dataset accepted"; fi
grep -q "no rows of dataset 'imagenet'" "$work/out" || { cat "$work/out"; fail "unknown dataset message"; }
echo "nb201_index,ops,params" >"$work/short.csv"
echo "3,0-0-0-0-0-0" >>"$work/short.csv"
if "$bench" "$work/short.csv" "$work/ref.csv" >"$work/out" 2>&1; then fail "short row accepted"; fi
grep -q 'short.csv:2: 2 fields, the header has 3' "$work/out" || { cat "$work/out"; fail "short row message"; }
if "$bench" "$work/missing.csv" "$work/ref.csv" >"$work/out" 2>&1; then fail "missing file accepted"; fi
grep -q 'missing.csv: cannot open' "$work/out" || { cat "$work/out"; fail "missing file message"; }
echo "zcp_agreement: all checks passed"
