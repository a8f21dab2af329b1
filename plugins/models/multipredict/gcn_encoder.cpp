#include "gcn_encoder.hpp"

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

namespace latpred::multipredict {

GcnEncoder::GcnEncoder(int64_t num_labels, int64_t width, int64_t layers, bool readout_last)
    : num_labels_(num_labels), readout_last_(readout_last) {
  int64_t in = num_labels;
  for (int64_t i = 0; i < layers; ++i) {
    layers_->push_back(torch::nn::Linear(in, width));
    in = width;
  }
  register_module("layers", layers_);
}

at::Tensor GcnEncoder::forward(const at::Tensor& adj, const at::Tensor& ops) {
  const int64_t v = adj.size(1);
  // Predecessors of each node plus itself, averaged: the rows of Â sum to one, so depth does not scale features.
  const at::Tensor with_self = adj.transpose(1, 2) + at::eye(v, adj.options()).unsqueeze(0);
  const at::Tensor norm = with_self / with_self.sum(2, /*keepdim=*/true);
  at::Tensor h = at::one_hot(ops, num_labels_).to(at::kFloat);
  for (const auto& layer : *layers_) h = at::relu(at::matmul(norm, layer->as<torch::nn::Linear>()->forward(h)));
  return readout_last_ ? h.select(1, v - 1) : h.mean(1);
}

}  // namespace latpred::multipredict
