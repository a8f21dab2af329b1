// Graph layers of the NASFLAT predictor (NASFLAT_METHOD §3.4). Every layer maps node features H (B x V x d_in),
// the predecessor matrix Â = Aᵀ (B x V x V) and per-node op(+device) embeddings E (B x V x op_dim) to
// B x V x d_out. When every arch of the batch has the same graph, Â may be an expanded view (batch stride 0): the
// layers then aggregate with one GEMM for the batch instead of one per arch.
#pragma once

#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace latpred::gnn {

// One tensor expanded over the batch (stride 0): the same for every arch. The first layer's node features are
// (GnnPredictor::forward), and so are the adjacency when every arch has the same graph and the device vector when
// predicting for one device (Predictor::input).
bool same_for_every_arch(const at::Tensor& t);

// A layer reads op_emb row-wise: with h and preds the same for every arch, its output at node i depends on
// op_emb[b][i] only (GnnPredictor's first op-update layer relies on it).
class GraphLayer : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) = 0;
  // The layer's output at one node only (B x d_out), equal to forward(...).select(1, node). Over a graph shared by
  // the batch a local layer runs on the node's neighbourhood only (the op-update pass reads only the output node of
  // its last layer); otherwise this is the full forward.
  at::Tensor forward_at(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb, int64_t node);
  // Whether a node's output reads only its predecessors' rows and its own (forward_at then runs the layer on that
  // subgraph); the reference's unmasked attention reads every node.
  virtual bool local() const { return true; }
};

// DenseGraphFlow: σ(E W_oᵀ + b_o) ⊙ (Â·(H W)) + H W + b — an op-gated sum over predecessors plus a residual.
class DenseGraphFlow : public GraphLayer {
 public:
  DenseGraphFlow(int64_t in_dim, int64_t out_dim, int64_t op_dim);
  at::Tensor forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) override;

 private:
  at::Tensor weight_, bias_;
  torch::nn::Linear op_gate_{nullptr};
};

// Graph attention with one shared projection P = H W_kᵀ for key, query and value:
// logit_il = LeakyReLU(aᵀ(P_i ⊙ P_l) / √d_out) on edges l -> i; output = LayerNorm(σ(E W_oᵀ + b_o) ⊙ Σ_l α_il P_l).
// mask_non_edges = true masks non-edges out of the softmax (a node without predecessors aggregates nothing);
// false reproduces the reference, where non-edges enter the softmax with logit 0.
class GraphAttention : public GraphLayer {
 public:
  GraphAttention(int64_t in_dim, int64_t out_dim, int64_t op_dim, bool mask_non_edges);
  at::Tensor forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) override;
  bool local() const override { return mask_non_edges_; }

 private:
  // Dense B x V x V attention weights (the path for per-arch graphs and for the reference's unmasked softmax).
  at::Tensor attention(const at::Tensor& p, const at::Tensor& a, const at::Tensor& preds, double scale) const;

  int64_t out_dim_;
  bool mask_non_edges_;
  torch::nn::Linear project_{nullptr}, attend_{nullptr}, op_gate_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};

// DGF and GAT on the same inputs: their mean ("add") or an MLP over their concatenation ("mlp").
class EnsembleLayer : public GraphLayer {
 public:
  EnsembleLayer(int64_t in_dim, int64_t out_dim, int64_t op_dim, bool mask_non_edges, const std::string& fuse);
  at::Tensor forward(const at::Tensor& h, const at::Tensor& preds, const at::Tensor& op_emb) override;
  bool local() const override { return dgf_->local() && gat_->local(); }

 private:
  at::Tensor combine(at::Tensor dgf, const at::Tensor& gat);

  std::shared_ptr<DenseGraphFlow> dgf_;
  std::shared_ptr<GraphAttention> gat_;
  torch::nn::Linear fuse_in_{nullptr}, fuse_out_{nullptr};
};

struct LayerOptions {
  std::string type = "dgf";  // dgf | gat | ensemble
  bool mask_non_edges = true;
  std::string fuse = "add";  // add | mlp
};

std::shared_ptr<GraphLayer> make_layer(const LayerOptions& options, int64_t in_dim, int64_t out_dim, int64_t op_dim);

}  // namespace latpred::gnn
