// The HW-NAS-Bench FBNet network for 32x32 inputs (CIFAR configuration).
//   stem conv3x3 3->16 stride 1 + BN + ReLU;
//   22 searchable layers, output channels [16 | 24 x4 | 32 x4 | 64 x4 | 112 x4 | 184 x4 | 352];
//   the first layer of each stage has stride [1 | 1 | 2 | 2 | 1 | 2 | 1], the others stride 1;
//   conv1x1 352->1504 + BN + ReLU; global average pool; linear classifier.
// Why these strides: FBNet's ImageNet strides are [1 | 2 | 2 | 2 | 1 | 2 | 1] after a stride-2 stem (224 -> 7).
// For 32x32 inputs HW-NAS-Bench keeps the stem at stride 1 and the 24-channel stage at stride 1, so the feature map
// goes 32 -> 32 -> 16 -> 8 -> 8 -> 4 -> 4 (three reductions, as the CIFAR ResNets), never below 4x4.
// Blocks (FBNet MBConv): conv1x1 expand (groups g) + BN + ReLU [+ channel shuffle when g = 2], depthwise kxk
// (stride s) + BN + ReLU, conv1x1 project (groups g) + BN; residual add when stride 1 and in == out channels.
// Expansion 1 keeps the 1x1 expansion conv (FBNet's block always has three convs). skip = identity, or
// conv1x1 (stride s) + BN when the shape changes. Parameter counts match NASFLAT's FBNet proxy table
// (nasflat_fbnet_zcp, CIFAR-100) exactly, which confirms these choices (strides do not change parameters; MACs differ
// from that table's "flops" by ~4%, a counting convention).
#include <ATen/ATen.h>

#include <array>
#include <string>
#include <vector>

#include "latpred/error.hpp"
#include "latpred/networks.hpp"
#include "latpred/search_space.hpp"
#include "network_layers.hpp"

namespace latpred {
namespace {

using detail::ConvBnImpl;
using detail::OpModule;

struct BlockSpec {
  int kernel;
  int expansion;
  int groups;
};
// Block ids 0..7 (8 = skip): k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6.
constexpr std::array<BlockSpec, 8> kBlocks = {
    {{3, 1, 1}, {3, 1, 2}, {3, 3, 1}, {3, 6, 1}, {5, 1, 1}, {5, 1, 2}, {5, 3, 1}, {5, 6, 1}}};
constexpr int kSkip = 8;
constexpr int kStemChannels = 16;
constexpr int kHeadChannels = 1504;
constexpr std::array<int, 22> kLayerChannels = {16, 24, 24,  24,  24,  32,  32,  32,  32,  64,  64,
                                                64, 64, 112, 112, 112, 112, 184, 184, 184, 184, 352};
constexpr std::array<int, 22> kLayerStrides = {1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1};

at::Tensor channel_shuffle(const at::Tensor& x, int groups) {
  const auto n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({n, groups, c / groups, h, w}).transpose(1, 2).contiguous().view({n, c, h, w});
}

class MbConvImpl final : public OpModule {
 public:
  MbConvImpl(int in, int out, int stride, const BlockSpec& spec, bool batch_norm)
      : groups_(spec.groups), residual_(stride == 1 && in == out) {
    const int mid = in * spec.expansion;
    using Relu = ConvBnImpl::Relu;
    expand_ =
        register_module("expand", std::make_shared<ConvBnImpl>(in, mid, 1, 1, spec.groups, Relu::kAfter, batch_norm));
    depthwise_ = register_module(
        "depthwise", std::make_shared<ConvBnImpl>(mid, mid, spec.kernel, stride, mid, Relu::kAfter, batch_norm));
    project_ =
        register_module("project", std::make_shared<ConvBnImpl>(mid, out, 1, 1, spec.groups, Relu::kNone, batch_norm));
  }

  at::Tensor forward(const at::Tensor& x) override {
    at::Tensor y = expand_->forward(x);
    if (groups_ > 1) y = channel_shuffle(y, groups_);
    y = project_->forward(depthwise_->forward(y));
    return residual_ ? y + x : y;
  }

 private:
  int groups_;
  bool residual_;
  std::shared_ptr<ConvBnImpl> expand_, depthwise_, project_;
};

class SkipImpl final : public OpModule {
 public:
  SkipImpl(int in, int out, int stride, bool batch_norm) {
    if (stride != 1 || in != out) {
      projection_ = register_module(
          "projection", std::make_shared<ConvBnImpl>(in, out, 1, stride, 1, ConvBnImpl::Relu::kNone, batch_norm));
    }
  }
  at::Tensor forward(const at::Tensor& x) override { return projection_ ? projection_->forward(x) : x; }

 private:
  std::shared_ptr<ConvBnImpl> projection_;
};

class FbnetNetworkImpl final : public Network {
 public:
  FbnetNetworkImpl(const std::vector<int>& ops, const NetworkOptions& options) {
    using Relu = ConvBnImpl::Relu;
    stem_ = register_module("stem",
                            std::make_shared<ConvBnImpl>(3, kStemChannels, 3, 1, 1, Relu::kAfter, options.batch_norm));
    int in = kStemChannels;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const int out = kLayerChannels[i], stride = kLayerStrides[i];
      std::shared_ptr<OpModule> layer;
      if (ops[i] == kSkip) {
        layer = std::make_shared<SkipImpl>(in, out, stride, options.batch_norm);
      } else {
        layer = std::make_shared<MbConvImpl>(in, out, stride, kBlocks[static_cast<std::size_t>(ops[i])],
                                             options.batch_norm);
      }
      layers_.push_back(register_module("layer" + std::to_string(i), layer));
      in = out;
    }
    head_ = register_module("head",
                            std::make_shared<ConvBnImpl>(in, kHeadChannels, 1, 1, 1, Relu::kAfter, options.batch_norm));
    classifier_ = register_module("classifier", torch::nn::Linear(kHeadChannels, options.num_classes));
  }

  at::Tensor features(const at::Tensor& x) override {
    at::Tensor y = stem_->forward(x);
    for (auto& layer : layers_) y = layer->forward(y);
    return head_->forward(y);
  }

  at::Tensor classify(const at::Tensor& features) override {
    return detail::run_linear(classifier_, detail::run_global_pool(features));
  }

 private:
  std::shared_ptr<ConvBnImpl> stem_, head_;
  std::vector<std::shared_ptr<OpModule>> layers_;
  torch::nn::Linear classifier_{nullptr};
};

}  // namespace

std::shared_ptr<Network> build_fbnet_network(const std::vector<int>& ops, const NetworkOptions& options) {
  make_fbnet_space()->check(ops);
  if (options.num_classes < 1) throw std::invalid_argument("FBNet network: num_classes must be >= 1");
  return std::make_shared<FbnetNetworkImpl>(ops, options);
}

std::shared_ptr<Network> build_network(const std::string& space, const std::vector<int>& ops,
                                       const NetworkOptions& options) {
  if (space == "nb201") return build_nb201_network(ops, options);
  if (space == "fbnet") return build_fbnet_network(ops, options);
  make_search_space(space);  // throws the "unknown search space ... Known spaces" error
  throw Error("build_network: no network builder for search space '" + space + "'");
}

}  // namespace latpred
