// The arch2vec graph variational autoencoder (Yan et al., NeurIPS 2020): a GIN encoder maps one-hot node labels and
// the (symmetrised) adjacency to a per-node Gaussian latent (mu, log sigma); the decoder reconstructs each node's
// label with a linear classifier and the adjacency with inner products of the latents.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>

namespace latpred::arch2vec {

struct ModelOptions {
  int64_t num_labels = 7;  // one-hot width of the node labels
  int64_t hidden = 128;    // GIN width
  int64_t dim = 32;        // latent width per node
  int64_t layers = 4;      // GIN layers (arch2vec's hops = layers + 1)
  double dropout = 0.3;    // on the latent, before the decoder (training only)
};

class GinVae : public torch::nn::Module {
 public:
  explicit GinVae(const ModelOptions& options);

  // x: B x V x L one-hot labels, adj: B x V x V encoder adjacency -> (mu, logvar), each B x V x dim. As in arch2vec,
  // "logvar" is the log standard deviation: z = mu + exp(logvar) * noise.
  std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& x, const at::Tensor& adj);
  // z: B x V x dim -> (label logits B x V x L, adjacency logits B x V x V).
  std::pair<at::Tensor, at::Tensor> decode(const at::Tensor& z);

 private:
  double dropout_;
  at::Tensor eps_;  // GIN's learnable self weight per layer: (1 + eps) x + sum of neighbours
  std::vector<torch::nn::Linear> mlp_in_, mlp_out_;
  std::vector<torch::nn::BatchNorm1d> mlp_norm_, layer_norm_;
  torch::nn::Linear fc_mu_{nullptr}, fc_logvar_{nullptr}, op_decoder_{nullptr};
};

}  // namespace latpred::arch2vec
