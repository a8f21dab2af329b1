// Seeding LibTorch's global CPU generator for one piece of work and restoring it afterwards, so that training an
// encoder (or not, when its table is cached) never shifts the random draws of the study around it.
#pragma once

#include <cstdint>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "latpred/export.hpp"

namespace latpred {

class LATPRED_API GlobalSeedScope {
 public:
  // Saves the generator's state and seeds it with `seed`; the destructor restores the saved state.
  explicit GlobalSeedScope(uint64_t seed);
  ~GlobalSeedScope();
  GlobalSeedScope(const GlobalSeedScope&) = delete;
  GlobalSeedScope& operator=(const GlobalSeedScope&) = delete;

 private:
  at::Generator generator_;
  at::Tensor saved_;
};

}  // namespace latpred
