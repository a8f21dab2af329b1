// Small LibTorch building blocks shared by plugins (and available to third-party plugins through the SDK).
#pragma once

#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

struct MlpSpec {
  std::vector<int64_t> hidden;  // widths of the hidden layers (may be empty: one Linear)
  bool batch_norm = false;      // BatchNorm1d after every hidden Linear
  double dropout = 0.0;         // Dropout after every hidden activation when > 0
};

// Linear -> [BatchNorm1d] -> ReLU -> [Dropout] per hidden width, then a plain Linear to `out`.
LATPRED_API torch::nn::Sequential make_mlp(int64_t in, int64_t out, const MlpSpec& spec);

}  // namespace latpred
