#!/usr/bin/env bash
# The installed SDK, end to end: installs the build tree into a temporary prefix, builds the out-of-tree example
# plugin (examples/out_of_tree_plugin) and a small host program against that prefix only, then checks that the
# installed CLI and the host program load the example plugin and every installed plugin without error.
# Usage: out_of_tree.sh BUILD_DIR SOURCE_DIR PLUGIN_DIR_RELATIVE_TO_PREFIX
set -euo pipefail
build_dir=$1
source_dir=$2
plugin_dir_rel=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/latpred_sdk.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

step() { echo "== $*"; }
run_logged() {  # runs a command, shows its output only if it fails
  local log=$work/step.log
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    echo "FAILED: $*" >&2
    exit 1
  fi
}

step "install $build_dir into $prefix"
run_logged cmake --install "$build_dir" --prefix "$prefix"

configure_args=(-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release)
if command -v ccache >/dev/null; then configure_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

step "build the out-of-tree plugin against the installed SDK"
run_logged cmake -S "$source_dir/examples/out_of_tree_plugin" -B "$work/plugin" "${configure_args[@]}"
run_logged cmake --build "$work/plugin" -j2
test -f "$work/plugin/ext_op_counts.so"

step "installed plugins find the installed liblatpred"
for plugin in "$prefix/$plugin_dir_rel"/*.so; do
  [ -e "$plugin" ] || continue
  # Capture first: `ldd | grep -q` under pipefail fails when grep exits early and ldd gets SIGPIPE.
  libraries=$(ldd "$plugin")
  if ! grep -q "liblatpred.so.* => $prefix/" <<<"$libraries"; then
    echo "$libraries"
    echo "FAILED: $plugin does not resolve liblatpred from $prefix" >&2
    exit 1
  fi
done

step "installed CLI lists the example's component (strict: every plugin loads)"
LATPRED_PLUGIN_PATH=$work/plugin "$prefix/bin/latpred" --strict plugins list >"$work/list.txt" 2>&1 || {
  cat "$work/list.txt"
  echo "FAILED: latpred --strict plugins list" >&2
  exit 1
}
cat "$work/list.txt"
grep -q "^  encoder/ext_op_counts$" "$work/list.txt" || { echo "FAILED: encoder/ext_op_counts not listed" >&2; exit 1; }

step "a host program built against the SDK loads and runs the example"
run_logged cmake -S "$source_dir/tests/sdk/load_check" -B "$work/check" "${configure_args[@]}"
run_logged cmake --build "$work/check" -j2
LATPRED_PLUGIN_PATH=$work/plugin "$work/check/load_check" "$prefix/$plugin_dir_rel"
step "the example plugin in a pipeline run by the installed CLI"
data_dir=$source_dir/../shared/data
if [ -d "$data_dir/help_latency" ]; then
  cat >"$work/study.toml" <<TOML
[study]
name = "sdk_pipeline"
seeds = [1]
data_dir = "$data_dir"
[task]
name = "gpus"
space = "nb201"
train = ["1080ti_1", "2080ti_1"]
test = ["titan_rtx_1"]
[encoder]
type = "ext_op_counts"
[sampler]
type = "random"
[devicerep]
type = "learned_embedding"
[model]
type = "mlp"
[train]
source_samples = 64
epochs = 3
[transfer]
k = [10]
epochs = 3
TOML
  run_logged env LATPRED_PLUGIN_PATH="$work/plugin" "$prefix/bin/latpred" --strict run "$work/study.toml" \
    --output "$work/runs"
  grep -q ",titan_rtx_1,10,1,spearman," "$work/runs/sdk_pipeline/results.csv" ||
    { cat "$work/runs/sdk_pipeline/results.csv"; echo "FAILED: no spearman row from the pipeline" >&2; exit 1; }
  grep ",spearman," "$work/runs/sdk_pipeline/results.csv"
else
  echo "shared data not found at $data_dir: pipeline step skipped"
fi
echo "out-of-tree SDK test passed"
