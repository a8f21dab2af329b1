#!/usr/bin/env bash
# latpred reports the git revision it was built from, compiled in: it does not ask git at run time, so an installed
# copy run beside a checkout that moved on still names its own revision.
# Usage: build_revision.sh BINARY_DIR SOURCE_DIR
set -euo pipefail
latpred="$1/bin/latpred"
fail() { echo "FAILED: $*"; exit 1; }
expected=$(git -C "$2" rev-parse HEAD 2>/dev/null) || expected=unknown
# Without git on PATH a run-time lookup could only answer "unknown".
version=$(env PATH=/nonexistent "$latpred" --version)
echo "$version"
[[ "$version" =~ \(git\ ([0-9a-f]+(-dirty)?|unknown), ]] || fail "no git revision in: $version"
reported="${BASH_REMATCH[1]%-dirty}"
[[ "$reported" == "$expected" ]] || fail "built from $reported, the checkout is at $expected (rebuild?)"
echo "build revision: OK"
