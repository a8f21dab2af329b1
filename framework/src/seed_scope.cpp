#include "latpred/seed_scope.hpp"

#include <mutex>

#include <ATen/CPUGeneratorImpl.h>

namespace latpred {

GlobalSeedScope::GlobalSeedScope(uint64_t seed) : generator_(at::detail::getDefaultCPUGenerator()) {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  saved_ = generator_.get_state();
  generator_.set_current_seed(seed);
}

GlobalSeedScope::~GlobalSeedScope() {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  generator_.set_state(saved_);
}

}  // namespace latpred
