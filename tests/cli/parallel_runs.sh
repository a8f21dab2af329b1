#!/usr/bin/env bash
# One small study on the built-in data run four ways -- serially, with --jobs 2, as two shards merged, and under
# mpirun -np 2 when latpred has MPI -- must give the same results (wall-time metrics aside). Prints the wall times.
# Usage: parallel_runs.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
latpred="$build/bin/latpred"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1

cat >"$work/tiny.toml" <<TOML
[study]
name = "tiny"
seeds = [1, 2]
data_dir = "$source_dir/data"
[task]
name = "tiny"
space = "nb201"
train = ["cpu_b1_t1", "cpu_b4_t1"]
test = ["cpu_in64_b1_t1"]
[encoder]
type = "adjacency_ops"
[sampler]
type = "random"
[devicerep]
type = "learned_embedding"
[model]
type = "dgf"
[train]
source_samples = 48
epochs = 3
[transfer]
k = [5]
epochs = 5
[[sweep.axes]]
key = "train.lr"
values = [0.001, 0.003]
TOML

# results.csv without the wall-time metrics, which differ between any two runs, then the transfer samples of
# every run.
results() {
  grep -v '_seconds,' "$1/tiny/results.csv"
  cat "$1"/tiny/transfer/*.csv
}
timed() {
  local start=$SECONDS
  "$@" >"$work/log" 2>&1 || { cat "$work/log"; echo "FAILED: $*"; exit 1; }
  echo "$((SECONDS - start)) s: ${*:2}"
}

timed "$latpred" run "$work/tiny.toml" --output "$work/serial" -q
[ "$(results "$work/serial" | wc -l)" -gt 4 ] || { echo "serial run produced no results"; exit 1; }
[ "$(ls "$work/serial/tiny/transfer" | wc -l)" -eq 4 ] || { echo "serial run: not one transfer file per run"; exit 1; }

timed "$latpred" run "$work/tiny.toml" --output "$work/jobs" --jobs 2 -q
diff <(results "$work/serial") <(results "$work/jobs") || { echo "--jobs 2 results differ from serial"; exit 1; }
grep -q '"status": "complete"' "$work/jobs/tiny/manifest.json" || { echo "--jobs manifest not complete"; exit 1; }

timed "$latpred" run "$work/tiny.toml" --output "$work/shards" --shard 0/2 -q
timed "$latpred" run "$work/tiny.toml" --output "$work/shards" --shard 1/2 -q
timed "$latpred" merge "$work/tiny.toml" --output "$work/shards" -q
diff <(results "$work/serial") <(results "$work/shards") || { echo "merged shard results differ from serial"; exit 1; }

if command -v mpirun >/dev/null && ldd "$latpred" | grep libmpi >/dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  timed mpirun -np 2 "$latpred" run "$work/tiny.toml" --output "$work/mpi" -q
  diff <(results "$work/serial") <(results "$work/mpi") || { echo "mpirun -np 2 results differ from serial"; exit 1; }
else
  echo "SKIPPED the MPI part: no mpirun or latpred built without MPI"
fi
echo "all modes agree"
