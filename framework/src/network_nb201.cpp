// The NAS-Bench-201 macro network (Dong & Yang 2020, xautodl TinyNetwork + InferCell), for 32x32 inputs:
//   stem conv3x3 3->16 + BN; 3 stages of N=5 cells at C = 16, 32, 64 with a ResNet basic block (stride 2,
//   avgpool2x2 + conv1x1 shortcut) between stages; BN + ReLU; global average pool; linear classifier.
// A cell has 4 nodes; node i sums the ops of its edges from every node j < i; the output is node 3.
// Ops: none = x*0 (kept, as in the InferCell), skip = identity, nor_conv_kxk = ReLU-conv-BN,
// avg_pool_3x3 = average pool 3x3 stride 1 pad 1 (padding not counted).
// Parameter count matches NASLib's NB201 values exactly (e.g. all-conv3x3 = 1,531,546 for 10 classes).
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "latpred/networks.hpp"
#include "latpred/search_space.hpp"
#include "network_layers.hpp"

namespace latpred {
namespace {

using detail::ConvBnImpl;
using detail::OpModule;

enum Nb201Op { kNone = 0, kSkip = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4 };

class ZeroImpl final : public OpModule {
 public:
  at::Tensor forward(const at::Tensor& x) override { return x.mul(0.0); }
};

class IdentityImpl final : public OpModule {
 public:
  at::Tensor forward(const at::Tensor& x) override { return x; }
};

class AvgPoolImpl final : public OpModule {
 public:
  at::Tensor forward(const at::Tensor& x) override { return detail::run_avg_pool(x, 3, 1, 1); }
};

std::shared_ptr<OpModule> make_op(int op, int channels, bool batch_norm) {
  switch (op) {
    case kNone:
      return std::make_shared<ZeroImpl>();
    case kSkip:
      return std::make_shared<IdentityImpl>();
    case kConv1x1:
      return std::make_shared<ConvBnImpl>(channels, channels, 1, 1, 1, ConvBnImpl::Relu::kBefore, batch_norm);
    case kConv3x3:
      return std::make_shared<ConvBnImpl>(channels, channels, 3, 1, 1, ConvBnImpl::Relu::kBefore, batch_norm);
    case kAvgPool:
      return std::make_shared<AvgPoolImpl>();
  }
  throw std::invalid_argument("NB201 op id " + std::to_string(op) + " is out of range 0..4");
}

class CellImpl final : public OpModule {
 public:
  CellImpl(const std::vector<int>& ops, int channels, bool batch_norm) {
    for (std::size_t e = 0; e < ops.size(); ++e) {
      edges_.push_back(register_module("edge" + std::to_string(e), make_op(ops[e], channels, batch_norm)));
    }
  }

  at::Tensor forward(const at::Tensor& x) override {
    // Edges in arch-string order: (1<-0), (2<-0, 2<-1), (3<-0, 3<-1, 3<-2).
    std::vector<at::Tensor> nodes = {x};
    std::size_t edge = 0;
    for (int node = 1; node <= 3; ++node) {
      at::Tensor sum = edges_[edge++]->forward(nodes[0]);
      for (int from = 1; from < node; ++from) sum = sum + edges_[edge++]->forward(nodes[from]);
      nodes.push_back(sum);
    }
    return nodes.back();
  }

 private:
  std::vector<std::shared_ptr<OpModule>> edges_;
};

// xautodl ResNetBasicblock with stride 2: ReLU-conv3x3(s2)-BN, ReLU-conv3x3-BN, plus avgpool2x2 + conv1x1 shortcut.
class ReductionImpl final : public OpModule {
 public:
  ReductionImpl(int in, int out, bool batch_norm)
      : conv_a_(register_module("conv_a",
                                std::make_shared<ConvBnImpl>(in, out, 3, 2, 1, ConvBnImpl::Relu::kBefore, batch_norm))),
        conv_b_(register_module(
            "conv_b", std::make_shared<ConvBnImpl>(out, out, 3, 1, 1, ConvBnImpl::Relu::kBefore, batch_norm))),
        shortcut_(register_module("shortcut", detail::make_conv(in, out, 1, 1))) {}

  at::Tensor forward(const at::Tensor& x) override {
    at::Tensor residual = detail::run_conv(shortcut_, detail::run_avg_pool(x, 2, 2, 0));
    return residual + conv_b_->forward(conv_a_->forward(x));
  }

 private:
  std::shared_ptr<ConvBnImpl> conv_a_, conv_b_;
  torch::nn::Conv2d shortcut_;
};

class Nb201NetworkImpl final : public Network {
 public:
  static constexpr int kCellsPerStage = 5;

  Nb201NetworkImpl(const std::vector<int>& ops, const NetworkOptions& options) {
    stem_conv_ = register_module("stem_conv", detail::make_conv(3, 16, 3, 1));
    stem_bn_ = detail::make_batch_norm(16, options.batch_norm);
    if (stem_bn_) register_module("stem_bn", stem_bn_);
    int channels = 16;
    for (int stage = 0; stage < 3; ++stage) {
      if (stage > 0) {
        layers_.push_back(register_module("reduction" + std::to_string(stage),
                                          std::make_shared<ReductionImpl>(channels, 2 * channels, options.batch_norm)));
        channels *= 2;
      }
      for (int c = 0; c < kCellsPerStage; ++c) {
        layers_.push_back(register_module("cell" + std::to_string(stage) + "_" + std::to_string(c),
                                          std::make_shared<CellImpl>(ops, channels, options.batch_norm)));
      }
    }
    last_bn_ = detail::make_batch_norm(channels, options.batch_norm);
    if (last_bn_) register_module("last_bn", last_bn_);
    classifier_ = register_module("classifier", torch::nn::Linear(channels, options.num_classes));
  }

  at::Tensor features(const at::Tensor& x) override {
    at::Tensor y = detail::run_batch_norm(stem_bn_, detail::run_conv(stem_conv_, x));
    for (auto& layer : layers_) y = layer->forward(y);
    return detail::run_relu(detail::run_batch_norm(last_bn_, y));
  }

  at::Tensor classify(const at::Tensor& features) override {
    return detail::run_linear(classifier_, detail::run_global_pool(features));
  }

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr}, last_bn_{nullptr};
  std::vector<std::shared_ptr<OpModule>> layers_;
  torch::nn::Linear classifier_{nullptr};
};

}  // namespace

std::shared_ptr<Network> build_nb201_network(const std::vector<int>& ops, const NetworkOptions& options) {
  make_nb201_space()->check(ops);
  if (options.num_classes < 1) throw std::invalid_argument("NB201 network: num_classes must be >= 1");
  return std::make_shared<Nb201NetworkImpl>(ops, options);
}

}  // namespace latpred
