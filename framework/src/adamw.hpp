// Internal: AdamW for the standard trainer, one pass over each parameter's elements per step.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// torch::optim::AdamW's update (decoupled weight decay, bias-corrected moments, no amsgrad), computed per element in
// one loop instead of LibTorch's ~10 ATen ops per parameter tensor: with the GNNs' ~80 small tensors the dispatcher
// overhead of those ops was about a third of a training step. Same rules as LibTorch's: a parameter whose gradient is
// undefined is skipped and keeps its own step count; zero_grad() zeroes gradients (they stay defined).
// Contiguous float32 CPU parameters only (std::invalid_argument otherwise).
class LATPRED_API FusedAdamW {
 public:
  FusedAdamW(std::vector<at::Tensor> params, double lr, double weight_decay, double beta1 = 0.9, double beta2 = 0.999,
             double eps = 1e-8);

  void set_lr(double lr) { lr_ = lr; }
  void zero_grad();
  void step();

 private:
  struct Moments {
    at::Tensor exp_avg, exp_avg_sq;
    int64_t steps = 0;
  };
  std::vector<at::Tensor> params_;
  std::vector<Moments> moments_;
  double lr_, weight_decay_, beta1_, beta2_, eps_;
};

}  // namespace latpred
