#!/usr/bin/env bash
# Every study and benchmark study in the repository still validates against the plugins of this build
# (`latpred check`): components, parameters, includes, tasks and sweeps. Fragments meant only to be included
# (*_settings.toml) and the task definitions (pipelines/tasks/) are not studies.
# Usage: check_pipelines.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
latpred="$1/bin/latpred"
cd "$2"
checked=0 failed=0
while IFS= read -r study; do
  if ! out=$("$latpred" -q --plugin-path "$1/plugins" check "$study" 2>&1); then
    echo "FAILED: $study: $out"
    failed=$((failed + 1))
  fi
  checked=$((checked + 1))
done < <(find pipelines bench -name '*.toml' ! -path 'pipelines/tasks/*' ! -name '*_settings.toml' | sort)
echo "$checked studies checked, $failed failed"
[ "$checked" -gt 20 ] || { echo "FAILED: expected more than 20 studies, found $checked"; exit 1; }
[ "$failed" -eq 0 ]
