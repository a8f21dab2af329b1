// What this build of liblatpred was made from, for run manifests and `latpred --version`.
#pragma once

#include "latpred/export.hpp"

namespace latpred {

// The git revision of the source checkout at build time ("<sha>", "<sha>-dirty" when tracked files had uncommitted
// changes, "unknown" when built outside a git checkout). Compiled in, so an installed or stale binary reports its
// own revision, not that of whatever the checkout holds when it runs.
LATPRED_API const char* build_git_revision();

}  // namespace latpred
