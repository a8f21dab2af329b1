// Real networks of the search spaces, built in LibTorch: the NAS-Bench-201 macro network and the HW-NAS-Bench FBNet
// network, both for 32x32x3 inputs. Used to measure latency on this machine and to compute zero-cost proxies.
#pragma once

#include <ATen/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

struct NetworkOptions {
  int num_classes = 10;    // 10 (CIFAR-10) or 100 (CIFAR-100); any value >= 1 is accepted
  bool batch_norm = true;  // false leaves every BatchNorm out (synflow's data-free "bn=False" network)
};

// A built network. forward = classify(features(x)); features stops before the global average pool (Zen-NAS needs
// that point). Every conv/BN/ReLU/pool/linear reports itself to the thread's NetworkObserver, if one is installed.
class LATPRED_API Network : public torch::nn::Module {
 public:
  ~Network() override;
  virtual at::Tensor features(const at::Tensor& x) = 0;         // [N, C, H, W] before the global pool
  virtual at::Tensor classify(const at::Tensor& features) = 0;  // global average pool + linear -> [N, classes]
  at::Tensor forward(const at::Tensor& x) { return classify(features(x)); }
};

// Builds the network of `ops` (checked against the space; throws std::invalid_argument on bad ops). Weights get
// LibTorch's default initialisation (the same as PyTorch's), drawn from the global generator: seed it
// (torch::manual_seed) before the call for reproducible weights.
LATPRED_API std::shared_ptr<Network> build_nb201_network(const std::vector<int>& ops,
                                                         const NetworkOptions& options = {});
LATPRED_API std::shared_ptr<Network> build_fbnet_network(const std::vector<int>& ops,
                                                         const NetworkOptions& options = {});
// space = "nb201" | "fbnet"; throws Error listing the known spaces otherwise.
LATPRED_API std::shared_ptr<Network> build_network(const std::string& space, const std::vector<int>& ops,
                                                   const NetworkOptions& options = {});

// Number of trainable parameters (weights, biases, BN affine; BN running statistics are buffers, not counted).
LATPRED_API int64_t count_parameters(const torch::nn::Module& module);

// Cost of one image of input_size x input_size, computed from each layer's shape (one forward of a zero image
// records the shapes; nothing is timed).
struct NetworkCost {
  // Multiply-accumulates of conv and linear layers: out_h*out_w*out_c*(in_c/groups)*k*k per conv, in*out per linear.
  // Bias adds, BN, ReLU and pooling are not counted. This is the "FLOPs" of most NAS papers (really MACs).
  int64_t macs = 0;
  // NASLib's "flops" zero-cost proxy convention: macs + bias adds + 2 per BN output element (affine) + 1 per ReLU
  // element + k*k per avg-pool output element + the global pool's input size. Reproduces NASLib's NB201 values per
  // op exactly; the fixed skeleton is 1078 FLOPs (0.014%) below theirs, a constant whose source was not traced.
  int64_t naslib_flops = 0;
};
LATPRED_API NetworkCost count_cost(Network& network, int input_size = 32);

}  // namespace latpred
