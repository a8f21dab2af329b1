#include "graph_layers.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/nn/init.h>

#include "fused_inference.hpp"

namespace latpred::gnn {

bool same_for_every_arch(const at::Tensor& t) { return t.size(0) > 1 && t.stride(0) == 0; }

namespace {

// Applies a per-node map once and broadcasts when the node features are the same for every arch.
template <class Map>
at::Tensor per_node(const at::Tensor& h, Map map) {
  if (same_for_every_arch(h)) {
    const at::Tensor once = map(h.slice(0, 0, 1));
    return once.expand({h.size(0), once.size(1), once.size(2)});
  }
  return map(h);
}

// Σ_l preds[b][i][l] x[b][l] for every b, i. When all archs share one graph (NB201's full cell, FBNet's layer
// chain) this is one GEMM over the whole batch: at::bmm on CPU runs one small GEMM per arch (4x slower at V = 8).
at::Tensor aggregate(const at::Tensor& preds, const at::Tensor& x) {
  if (!same_for_every_arch(preds)) return at::bmm(preds, x);
  const at::Tensor a = preds.select(0, 0);
  return per_node(x, [&](const at::Tensor& y) {
    const int64_t batch = y.size(0), v = y.size(1), d = y.size(2);
    return at::mm(a, y.transpose(0, 1).reshape({v, batch * d})).view({v, batch, d}).transpose(0, 1).contiguous();
  });
}

// Masked graph attention over one graph shared by the batch: logits, softmax and messages on its edges only.
// p: B x V x d projected features, a: the d attention weights, a_pred: V x V predecessor weights.
at::Tensor attend_on_edges(const at::Tensor& p, const at::Tensor& a, const at::Tensor& a_pred, double scale) {
  const int64_t batch = p.size(0), v = p.size(1);
  const at::Tensor edge = a_pred > 0;
  const at::Tensor edges = edge.nonzero();  // E x 2: (node, predecessor)
  if (edges.size(0) == 0) return at::zeros(p.sizes(), p.options());
  const at::Tensor node = edges.select(1, 0), pred = edges.select(1, 1);
  const at::Tensor p_pred = p.index_select(1, pred);  // B x E x d
  at::Tensor logits = ((p * a).index_select(1, node) * p_pred).sum(-1) / scale;
  logits = at::leaky_relu(logits, 0.01) * a_pred.index({node, pred});
  // Softmax over each node's predecessors on a dense B x V x V: -inf off the edges; rows without any edge get 0
  // everywhere (their softmax is never read), so no NaN reaches the gradient.
  const at::Tensor fill = at::where(edge.any(-1, /*keepdim=*/true), -std::numeric_limits<float>::infinity(), 0.0);
  at::Tensor dense = fill.to(p.scalar_type()).expand({batch, v, v}).clone();
  dense.index_put_({at::indexing::Slice(), node, pred}, logits);
  const at::Tensor alpha = at::softmax(dense, -1).index({at::indexing::Slice(), node, pred});  // B x E
  return at::zeros(p.sizes(), p.options()).index_add(1, node, alpha.unsqueeze(-1) * p_pred);
}

// Masked attention where no node has more than one predecessor (FBNet's layer chain): a softmax over one edge is 1
// whatever its logit, so each node's message is its predecessor's projection (zero without one); logits, softmax
// and their backward would be wasted. Returns an undefined tensor when some node has several predecessors.
at::Tensor single_predecessor_messages(const at::Tensor& p, const at::Tensor& a_pred) {
  const at::Tensor edge = a_pred > 0;
  if (edge.sum(-1).max().item<int64_t>() > 1) return {};
  const int64_t batch = p.size(0), v = p.size(1), d = p.size(2);
  // source[i] = the predecessor of node i, or v: a zero row appended after the nodes.
  at::Tensor source = at::full({v}, v, at::kLong);
  const at::Tensor edges = edge.nonzero();  // (node, predecessor), at most one per node
  source.index_put_({edges.select(1, 0)}, edges.select(1, 1));
  return at::cat({p, at::zeros({batch, 1, d}, p.options())}, 1).index_select(1, source);
}

// The rows a layer reads to compute one node of a graph shared by the batch: its predecessors (a_pred[node][l] != 0,
// a self-loop included), then the node itself.
at::Tensor neighbourhood(const at::Tensor& a_pred, int64_t node) {
  const at::Tensor preds = (a_pred.select(0, node) != 0).nonzero().view({-1});
  return at::cat({preds, at::full({1}, node, preds.options())});
}

// h's rows at `rows` (B x R x d), kept an expanded view when h is the same for every arch.
at::Tensor gather_nodes(const at::Tensor& h, const at::Tensor& rows) {
  if (!same_for_every_arch(h)) return h.index_select(1, rows);
  const at::Tensor once = h.slice(0, 0, 1).index_select(1, rows);
  return once.expand({h.size(0), once.size(1), once.size(2)});
}

}  // namespace

at::Tensor GraphLayer::forward_at(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb,
                                  int64_t node) {
  if (!local() || !same_for_every_arch(preds)) return forward(h, preds, op_emb).select(1, node);
  // The layer on the node's neighbourhood: its predecessors, then the node itself (a self-loop's predecessor is a
  // copy of the node), with the edges among them. The node's output is the subgraph's last row.
  const at::Tensor a_pred = preds.select(0, 0);
  const at::Tensor rows = neighbourhood(a_pred, node);
  const int64_t r = rows.size(0);
  at::Tensor sub = a_pred.index_select(0, rows).index_select(1, rows);
  sub[r - 1][r - 1] = 0;  // a self-loop is already the edge from the node's copy among the predecessors
  return forward(gather_nodes(h, rows), sub.unsqueeze(0).expand({h.size(0), r, r}), gather_nodes(op_emb, rows))
      .select(1, r - 1);
}

DenseGraphFlow::DenseGraphFlow(int64_t in_dim, int64_t out_dim, int64_t op_dim) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(out_dim));
  weight_ = register_parameter("weight", at::empty({in_dim, out_dim}).uniform_(-bound, bound));
  bias_ = register_parameter("bias", at::empty({out_dim}).uniform_(-bound, bound));
  op_gate_ = register_module("op_gate", torch::nn::Linear(op_dim, out_dim));
}

at::Tensor DenseGraphFlow::forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) {
  const at::Tensor support = per_node(h, [&](const at::Tensor& x) { return at::matmul(x, weight_); });
  const at::Tensor gate = op_gate_->forward(op_emb);
  if (same_for_every_arch(preds) && fused::applies({gate, support})) {
    return fused::gated_graph_sum(gate, support, preds.select(0, 0), bias_);
  }
  return at::sigmoid(gate) * aggregate(preds, support) + support + bias_;
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
  const at::Tensor a = attend_->weight.view({-1});
  const double scale = std::sqrt(static_cast<double>(out_dim_));
  at::Tensor messages;
  if (mask_non_edges_ && same_for_every_arch(preds)) {
    const at::Tensor a_pred = preds.select(0, 0);
    messages = per_node(p, [&](const at::Tensor& x) {
      if (at::Tensor single = single_predecessor_messages(x, a_pred); single.defined()) return single;
      return fused::applies({x}) ? fused::edge_attention(x, a, a_pred, scale) : attend_on_edges(x, a, a_pred, scale);
    });
  } else {
    messages = at::bmm(attention(p, a, preds, scale), p);
  }
  const at::Tensor gate = op_gate_->forward(op_emb);
  if (fused::applies({gate, messages})) {
    return fused::gated_layer_norm(gate, messages, norm_->weight, norm_->bias, norm_->options.eps());
  }
  return norm_->forward(at::sigmoid(gate) * messages);
}

at::Tensor GraphAttention::attention(const at::Tensor& p, const at::Tensor& a, const at::Tensor& preds,
                                     double scale) const {
  // aᵀ(P_i ⊙ P_l) = (P_i ⊙ a) · P_l: one batched matmul instead of a B x V x V x d intermediate.
  at::Tensor logits = per_node(p, [&](const at::Tensor& x) { return at::bmm(x * a, x.transpose(1, 2)); }) / scale;
  logits = at::leaky_relu(logits, 0.01) * preds;
  if (!mask_non_edges_) return at::softmax(logits, -1);
  const at::Tensor edge = preds > 0;
  logits = logits.masked_fill(edge.logical_not(), -std::numeric_limits<float>::infinity());
  // Rows without predecessors would be softmax(-inf...) = NaN: give them zero attention instead.
  const at::Tensor has_edge = edge.any(-1, /*keepdim=*/true);
  return at::softmax(logits.masked_fill(has_edge.logical_not(), 0.0), -1) * has_edge;
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
  return combine(dgf_->forward(h, preds, op_emb), gat_->forward(h, preds, op_emb));
}

at::Tensor EnsembleLayer::combine(at::Tensor a, const at::Tensor& b) {
  if (fuse_in_) return fuse_out_->forward(at::relu(fuse_in_->forward(at::cat({a, b}, -1))));
  // Without autograd, reuse a's storage: both parts are fresh outputs of their layers, never views of an input.
  if (!at::GradMode::is_enabled()) return a.add_(b).mul_(0.5);
  return (a + b) * 0.5;
}

std::shared_ptr<GraphLayer> make_layer(const LayerOptions& options, int64_t in_dim, int64_t out_dim, int64_t op_dim) {
  if (options.type == "dgf") return std::make_shared<DenseGraphFlow>(in_dim, out_dim, op_dim);
  if (options.type == "gat") return std::make_shared<GraphAttention>(in_dim, out_dim, op_dim, options.mask_non_edges);
  if (options.type == "ensemble") {
    return std::make_shared<EnsembleLayer>(in_dim, out_dim, op_dim, options.mask_non_edges, options.fuse);
  }
  throw std::invalid_argument("unknown graph layer type '" + options.type + "' (dgf, gat, ensemble)");
}

}  // namespace latpred::gnn
