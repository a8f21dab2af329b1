// Building blocks shared by the NB201 and FBNet networks, and the observer through which each layer reports what it
// computed (used for cost counting and for the activation-based zero-cost proxies: fisher, nwot).
#pragma once

#include <ATen/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cstdint>

namespace latpred::detail {

// Receives every layer's input/output during forward passes on the installing thread. Default: ignore.
class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  virtual void on_conv(const torch::nn::Conv2dImpl& /*conv*/, const at::Tensor& /*output*/) {}
  virtual void on_linear(const torch::nn::LinearImpl& /*linear*/, const at::Tensor& /*output*/) {}
  virtual void on_batch_norm(const at::Tensor& /*output*/) {}
  virtual void on_relu(const at::Tensor& /*input*/) {}
  virtual void on_avg_pool(int /*kernel*/, const at::Tensor& /*output*/) {}
  virtual void on_global_pool(const at::Tensor& /*input*/) {}
};

// Installs an observer for the current thread while in scope (nesting restores the previous one).
class ScopedObserver {
 public:
  explicit ScopedObserver(NetworkObserver* observer);
  ~ScopedObserver();
  ScopedObserver(const ScopedObserver&) = delete;
  ScopedObserver& operator=(const ScopedObserver&) = delete;

 private:
  NetworkObserver* previous_;
};
NetworkObserver* current_observer();

// An op of a cell or a block: one input, one output.
class OpModule : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& x) = 0;
};

// Layer calls that report to the observer.
at::Tensor run_conv(torch::nn::Conv2d& conv, const at::Tensor& x);
at::Tensor run_linear(torch::nn::Linear& linear, const at::Tensor& x);
// Identity when the network was built without BN (bn is then empty).
at::Tensor run_batch_norm(torch::nn::BatchNorm2d& bn, const at::Tensor& x);
at::Tensor run_relu(const at::Tensor& x);
at::Tensor run_avg_pool(const at::Tensor& x, int kernel, int stride, int padding);
at::Tensor run_global_pool(const at::Tensor& x);  // [N, C, H, W] -> [N, C]

torch::nn::Conv2d make_conv(int in, int out, int kernel, int stride, int groups = 1);  // padding k/2, no bias
torch::nn::BatchNorm2d make_batch_norm(int channels, bool enabled);                    // empty holder when !enabled

// conv + BN (+ ReLU before, as in NB201's ReLUConvBN, or after, as in FBNet's blocks).
class ConvBnImpl : public OpModule {
 public:
  enum class Relu { kNone, kBefore, kAfter };
  ConvBnImpl(int in, int out, int kernel, int stride, int groups, Relu relu, bool batch_norm);
  at::Tensor forward(const at::Tensor& x) override;

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
  Relu relu_;
};

}  // namespace latpred::detail
