#include "latpred/build_info.hpp"

#include "latpred_git_revision.h"  // generated at build time by cmake/GitRevision.cmake

namespace latpred {

const char* build_git_revision() { return LATPRED_GIT_REVISION; }

}  // namespace latpred
