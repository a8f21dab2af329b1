#!/usr/bin/env bash
# Every study and benchmark study in the repository still validates against the plugins of this build
# (`latpred check`): components, parameters, includes, tasks and sweeps. Fragments meant only to be included
# (*_settings.toml) and the task definitions (pipelines/tasks/) are not studies. One process checks them all,
# so the plugins load once.
# Usage: check_pipelines.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
latpred="$1/bin/latpred"
cd "$2"
mapfile -t studies < <(find pipelines bench -name '*.toml' ! -path 'pipelines/tasks/*' ! -name '*_settings.toml' | sort)
[ "${#studies[@]}" -gt 20 ] || { echo "FAILED: expected more than 20 studies, found ${#studies[@]}"; exit 1; }
out=$("$latpred" -q --plugin-path "$1/plugins" check "${studies[@]}" 2>&1) || { echo "FAILED: $out"; exit 1; }
ok=$(grep -c ': ok (' <<<"$out")
echo "$ok of ${#studies[@]} studies valid"
[ "$ok" -eq "${#studies[@]}" ]

# An invalid study among valid ones: every file is still reported, the invalid one by name, and the exit is non-zero.
bad=$(mktemp --suffix=.toml)
trap 'rm -f "$bad"' EXIT
printf '[study]\nname = "broken"\n[model]\ntype = "no_such_model"\n' >"$bad"
if out=$("$latpred" -q --plugin-path "$1/plugins" check "${studies[0]}" "$bad" "${studies[1]}" 2>&1); then
  echo "FAILED: check accepted $bad"; exit 1
fi
grep -q "^error: $bad: " <<<"$out" || { echo "FAILED: the error does not name $bad: $out"; exit 1; }
[ "$(grep -c ': ok (' <<<"$out")" -eq 2 ] || { echo "FAILED: the valid studies were not all reported: $out"; exit 1; }
grep -q "3 studies checked, 1 invalid" <<<"$out" || { echo "FAILED: no summary line: $out"; exit 1; }
echo "an invalid study is reported by name among valid ones"
