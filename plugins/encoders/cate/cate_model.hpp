// The CATE network (Yan et al., ICML 2021) in LibTorch: a graph encoder (pre-LayerNorm transformer whose
// self-attention is masked by each architecture's reachability), a cross-attention encoder over the concatenated
// pair of graphs, and a masked-op classifier head.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>

namespace latpred_cate {

struct TransformerShape {
  int64_t layers = 1;
  int64_t d_model = 32;
  int64_t heads = 8;
  int64_t d_ff = 128;
  double dropout = 0.1;
};

// One pre-LayerNorm block: x + Dropout(SelfAttention(LN(x))), then x + Dropout(FeedForward(LN(x))).
class BlockImpl : public torch::nn::Module {
 public:
  explicit BlockImpl(const TransformerShape& shape);
  // x: B x L x d; mask: B x L x L bool (true = query i may attend to key j) or undefined (attend everywhere).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask);

 private:
  int64_t heads_, d_k_;
  torch::nn::LayerNorm norm_attn_{nullptr}, norm_ff_{nullptr};
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr}, out_{nullptr}, ff_in_{nullptr}, ff_out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(Block);

// A stack of blocks followed by a LayerNorm (CATE normalises the output of the last block).
class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const TransformerShape& shape);
  at::Tensor forward(at::Tensor x, const at::Tensor& mask);

 private:
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(Transformer);

struct CateShape {
  int64_t vocab = 0;       // input tokens: the node labels plus one [MASK] token
  int64_t num_labels = 0;  // classes of the masked-op head
  TransformerShape graph;  // graph encoder
  TransformerShape pair;   // cross-attention encoder (same d_model)
};

class CateNetImpl : public torch::nn::Module {
 public:
  explicit CateNetImpl(const CateShape& shape);
  // Graph-encoder hidden states of every node: tokens B x V int64, mask B x V x V bool -> B x V x d_model.
  at::Tensor encode(const at::Tensor& tokens, const at::Tensor& mask);
  // Masked-op log-probabilities over the concatenated pair (x then y): B x 2V x num_labels.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask_x, const at::Tensor& y, const at::Tensor& mask_y);

 private:
  double scale_;
  torch::nn::Embedding op_embedding_{nullptr}, segment_embedding_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  Transformer graph_encoder_{nullptr}, cross_encoder_{nullptr};
  torch::nn::Linear head_hidden_{nullptr}, head_out_{nullptr};
};
TORCH_MODULE(CateNet);

}  // namespace latpred_cate
