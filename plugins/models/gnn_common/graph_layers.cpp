#include "graph_layers.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/nn/init.h>

namespace latpred::gnn {
namespace {

// The first layer of a stack sees the same node features for every arch (an expanded 1 x V x d tensor): apply a
// per-node map once and broadcast, instead of once per arch.
template <class Map>
at::Tensor per_node(const at::Tensor& h, Map map) {
  if (h.size(0) > 1 && h.stride(0) == 0) {
    const at::Tensor once = map(h.slice(0, 0, 1));
    return once.expand({h.size(0), once.size(1), once.size(2)});
  }
  return map(h);
}

}  // namespace

DenseGraphFlow::DenseGraphFlow(int64_t in_dim, int64_t out_dim, int64_t op_dim) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(out_dim));
  weight_ = register_parameter("weight", at::empty({in_dim, out_dim}).uniform_(-bound, bound));
  bias_ = register_parameter("bias", at::empty({out_dim}).uniform_(-bound, bound));
  op_gate_ = register_module("op_gate", torch::nn::Linear(op_dim, out_dim));
}

at::Tensor DenseGraphFlow::forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) {
  const at::Tensor support = per_node(h, [&](const at::Tensor& x) { return at::matmul(x, weight_); });
  const at::Tensor gate = at::sigmoid(op_gate_->forward(op_emb));
  return gate * at::bmm(preds, support) + support + bias_;
}

GraphAttention::GraphAttention(int64_t in_dim, int64_t out_dim, int64_t op_dim, bool mask_non_edges)
    : out_dim_(out_dim), mask_non_edges_(mask_non_edges) {
  project_ = register_module("project", torch::nn::Linear(torch::nn::LinearOptions(in_dim, out_dim).bias(false)));
  attend_ = register_module("attend", torch::nn::Linear(torch::nn::LinearOptions(out_dim, 1).bias(false)));
  op_gate_ = register_module("op_gate", torch::nn::Linear(op_dim, out_dim));
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({out_dim})));
}

at::Tensor GraphAttention::forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) {
  const at::Tensor p = per_node(h, [&](const at::Tensor& x) { return project_->forward(x); });  // B x V x d
  // aᵀ(P_i ⊙ P_l) = (P_i ⊙ a) · P_l: one batched matmul instead of a B x V x V x d intermediate.
  const at::Tensor a = attend_->weight.view({-1});
  at::Tensor logits = per_node(p, [&](const at::Tensor& x) { return at::bmm(x * a, x.transpose(1, 2)); }) /
                      std::sqrt(static_cast<double>(out_dim_));
  logits = at::leaky_relu(logits, 0.01) * preds;
  at::Tensor alpha;
  if (mask_non_edges_) {
    const at::Tensor edge = preds > 0;
    logits = logits.masked_fill(edge.logical_not(), -std::numeric_limits<float>::infinity());
    // Rows without predecessors would be softmax(-inf...) = NaN: give them zero attention instead.
    const at::Tensor has_edge = edge.any(-1, /*keepdim=*/true);
    alpha = at::softmax(logits.masked_fill(has_edge.logical_not(), 0.0), -1) * has_edge;
  } else {
    alpha = at::softmax(logits, -1);
  }
  const at::Tensor gate = at::sigmoid(op_gate_->forward(op_emb));
  return norm_->forward(gate * at::bmm(alpha, p));
}

EnsembleLayer::EnsembleLayer(int64_t in_dim, int64_t out_dim, int64_t op_dim, bool mask_non_edges,
                             const std::string& fuse) {
  dgf_ = register_module("dgf", std::make_shared<DenseGraphFlow>(in_dim, out_dim, op_dim));
  gat_ = register_module("gat", std::make_shared<GraphAttention>(in_dim, out_dim, op_dim, mask_non_edges));
  if (fuse == "mlp") {
    fuse_in_ = register_module("fuse_in", torch::nn::Linear(2 * out_dim, out_dim));
    fuse_out_ = register_module("fuse_out", torch::nn::Linear(out_dim, out_dim));
  } else if (fuse != "add") {
    throw std::invalid_argument("ensemble fuse must be 'add' or 'mlp', got '" + fuse + "'");
  }
}

at::Tensor EnsembleLayer::forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) {
  const at::Tensor a = dgf_->forward(h, preds, op_emb);
  const at::Tensor b = gat_->forward(h, preds, op_emb);
  if (fuse_in_) return fuse_out_->forward(at::relu(fuse_in_->forward(at::cat({a, b}, -1))));
  return (a + b) * 0.5;
}

std::shared_ptr<GraphLayer> make_layer(const LayerOptions& options, int64_t in_dim, int64_t out_dim, int64_t op_dim) {
  if (options.type == "dgf") return std::make_shared<DenseGraphFlow>(in_dim, out_dim, op_dim);
  if (options.type == "gat") return std::make_shared<GraphAttention>(in_dim, out_dim, op_dim, options.mask_non_edges);
  if (options.type == "ensemble")
    return std::make_shared<EnsembleLayer>(in_dim, out_dim, op_dim, options.mask_non_edges, options.fuse);
  throw std::invalid_argument("unknown graph layer type '" + options.type + "' (dgf, gat, ensemble)");
}

}  // namespace latpred::gnn
