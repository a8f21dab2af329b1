#!/usr/bin/env bash
# `latpred encode`: a tiny arch2vec on 200 NB201 archs of the built-in data trains, writes its CSV and caches the
# table; the second call loads it; an unknown encoder and an unknown parameter are usage errors naming what exists.
# Usage: encode.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
latpred="$build/bin/latpred"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1
fail() { echo "FAILED: $*"; exit 1; }

# A data directory with the first 200 archs of the built-in NB201 table.
mkdir -p "$work/data/latpred"
head -n 201 "$source_dir/data/latpred/nb201_latency_ms.csv" >"$work/data/latpred/nb201_latency_ms.csv"
tiny=(--space nb201 --data-dir "$work/data" --set epochs=1 --set hidden=8 --set dim=4 --set layers=2
      --set "cache_dir=$work/cache")

"$latpred" encode arch2vec "${tiny[@]}" --out "$work/vec.csv" >"$work/out" 2>"$work/err" ||
  { cat "$work/out" "$work/err"; fail "encode arch2vec"; }
grep -q '^arch2vec nb201: 200 rows x 4 dims in ' "$work/out" || { cat "$work/out"; fail "summary line"; }
[ "$(head -n 1 "$work/vec.csv")" = "index,e0,e1,e2,e3" ] || fail "CSV header: $(head -n 1 "$work/vec.csv")"
[ "$(wc -l <"$work/vec.csv")" -eq 201 ] || fail "CSV rows: $(wc -l <"$work/vec.csv")"
[ "$(sed -n 2p "$work/vec.csv" | cut -d, -f1)" = 0 ] || fail "first CSV index"
grep -q 'epoch 1/1' "$work/err" || { cat "$work/err"; fail "no training log"; }
[ "$(ls "$work/cache" | wc -l)" -eq 1 ] || fail "expected one cached table"

"$latpred" encode arch2vec "${tiny[@]}" --out "$work/again.csv" >"$work/out" 2>"$work/err" || fail "second encode"
grep -q 'loaded the cached table' "$work/err" || { cat "$work/err"; fail "second encode did not load the cache"; }
cmp -s "$work/vec.csv" "$work/again.csv" || fail "the cached table differs from the trained one"

status=0
"$latpred" encode no_such_encoder --space nb201 --data-dir "$work/data" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "unknown encoder: exit $status"
grep -q 'arch2vec' "$work/err" && grep -q 'op_counts' "$work/err" || { cat "$work/err"; fail "no list of encoders"; }

status=0
"$latpred" encode arch2vec "${tiny[@]}" --set hiden=4 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "unknown parameter: exit $status"
grep -q 'hiden' "$work/err" && grep -q 'hidden' "$work/err" || { cat "$work/err"; fail "unknown parameter message"; }
echo "latpred encode: ok"
