#include "cate_model.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace latpred_cate {
namespace {

// a [..., n, k] x b [..., k, m]. LibTorch 1.13's CPU bmm multiplies tiny matrices (n * m * k < 400, e.g. NB201's
// 8 nodes with d_k = 4) one select() at a time, 10x slower than this broadcast product summed over k.
at::Tensor batched_product(const at::Tensor& a, const at::Tensor& b) {
  if (a.size(-2) * b.size(-1) * a.size(-1) >= 400) return at::matmul(a, b);
  return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(-2);
}

}  // namespace

BlockImpl::BlockImpl(const TransformerShape& shape) : heads_(shape.heads), d_k_(shape.d_model / shape.heads) {
  if (shape.d_model % shape.heads != 0)
    throw std::invalid_argument("CATE: d_model " + std::to_string(shape.d_model) + " is not divisible by " +
                                std::to_string(shape.heads) + " heads");
  const int64_t d = shape.d_model;
  norm_attn_ = register_module("norm_attn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  norm_ff_ = register_module("norm_ff", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  query_ = register_module("query", torch::nn::Linear(d, d));
  key_ = register_module("key", torch::nn::Linear(d, d));
  value_ = register_module("value", torch::nn::Linear(d, d));
  out_ = register_module("out", torch::nn::Linear(d, d));
  ff_in_ = register_module("ff_in", torch::nn::Linear(d, shape.d_ff));
  ff_out_ = register_module("ff_out", torch::nn::Linear(shape.d_ff, d));
  dropout_ = register_module("dropout", torch::nn::Dropout(shape.dropout));
}

at::Tensor BlockImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
  const int64_t batch = x.size(0), length = x.size(1);
  auto split = [&](const at::Tensor& t) { return t.view({batch, length, heads_, d_k_}).transpose(1, 2); };
  const at::Tensor h = norm_attn_(x);
  const at::Tensor q = split(query_(h)), k = split(key_(h)), v = split(value_(h));
  at::Tensor scores = batched_product(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d_k_));
  // A finite fill as in CATE: a node that reaches no node (e.g. the output) gets equal scores everywhere and so
  // attends uniformly to the whole graph.
  if (mask.defined()) scores = scores.masked_fill(mask.unsqueeze(1).logical_not(), -1e9);
  const at::Tensor attention = dropout_(at::softmax(scores, -1));
  const at::Tensor mixed = batched_product(attention, v).transpose(1, 2).reshape({batch, length, heads_ * d_k_});
  const at::Tensor y = x + dropout_(out_(mixed));
  return y + dropout_(ff_out_(dropout_(at::relu(ff_in_(norm_ff_(y))))));
}

TransformerImpl::TransformerImpl(const TransformerShape& shape) {
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < shape.layers; ++i) blocks_->push_back(Block(shape));
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({shape.d_model})));
}

at::Tensor TransformerImpl::forward(at::Tensor x, const at::Tensor& mask) {
  for (const auto& block : *blocks_) x = block->as<Block>()->forward(x, mask);
  return norm_(x);
}

CateNetImpl::CateNetImpl(const CateShape& shape) : scale_(std::sqrt(static_cast<double>(shape.graph.d_model))) {
  if (shape.graph.d_model != shape.pair.d_model)
    throw std::invalid_argument("CATE: the graph and pair encoders need the same d_model");
  const int64_t d = shape.graph.d_model;
  op_embedding_ = register_module("op_embedding", torch::nn::Embedding(shape.vocab, d));
  segment_embedding_ = register_module("segment_embedding", torch::nn::Embedding(2, d));
  dropout_ = register_module("dropout", torch::nn::Dropout(shape.graph.dropout));
  graph_encoder_ = register_module("graph_encoder", Transformer(shape.graph));
  cross_encoder_ = register_module("cross_encoder", Transformer(shape.pair));
  head_hidden_ = register_module("head_hidden", torch::nn::Linear(d, d));
  head_out_ = register_module("head_out", torch::nn::Linear(d, shape.num_labels));
}

at::Tensor CateNetImpl::encode(const at::Tensor& tokens, const at::Tensor& mask) {
  return graph_encoder_(dropout_(op_embedding_(tokens) * scale_), mask);
}

at::Tensor CateNetImpl::forward(const at::Tensor& x, const at::Tensor& mask_x, const at::Tensor& y,
                                const at::Tensor& mask_y) {
  const at::Tensor hx = encode(x, mask_x), hy = encode(y, mask_y);
  // Segment embeddings tell the cross-attention which graph of the pair a node belongs to; every node of both
  // graphs attends to every other (all graphs of a space have the same length, so there is no padding).
  const at::Tensor segments = at::cat({at::zeros_like(x), at::ones_like(y)}, 1);  // B x 2V
  const at::Tensor h = at::cat({hx, hy}, 1) + dropout_(segment_embedding_(segments) * scale_);
  const at::Tensor z = cross_encoder_(h, at::Tensor());
  return at::log_softmax(head_out_(dropout_(at::tanh(head_hidden_(z)))), -1);
}

}  // namespace latpred_cate
