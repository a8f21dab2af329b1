#include "arch2vec_model.hpp"

#include <string>

#include <ATen/ATen.h>

namespace latpred::arch2vec {

GinVae::GinVae(const ModelOptions& options) : dropout_(options.dropout) {
  eps_ = register_parameter("eps", at::zeros({options.layers}));
  for (int64_t l = 0; l < options.layers; ++l) {
    const std::string n = std::to_string(l);
    const int64_t in = l == 0 ? options.num_labels : options.hidden;
    // Each GIN layer's MLP has two linear layers with batch norm + ReLU between them (arch2vec's mlps = 2).
    mlp_in_.push_back(register_module("mlp_in" + n, torch::nn::Linear(in, options.hidden)));
    mlp_norm_.push_back(register_module("mlp_norm" + n, torch::nn::BatchNorm1d(options.hidden)));
    mlp_out_.push_back(register_module("mlp_out" + n, torch::nn::Linear(options.hidden, options.hidden)));
    layer_norm_.push_back(register_module("layer_norm" + n, torch::nn::BatchNorm1d(options.hidden)));
  }
  fc_mu_ = register_module("fc_mu", torch::nn::Linear(options.hidden, options.dim));
  fc_logvar_ = register_module("fc_logvar", torch::nn::Linear(options.hidden, options.dim));
  op_decoder_ = register_module("op_decoder", torch::nn::Linear(options.dim, options.num_labels));
}

std::pair<at::Tensor, at::Tensor> GinVae::encode(const at::Tensor& x, const at::Tensor& adj) {
  const int64_t batch = x.size(0), nodes = x.size(1);
  at::Tensor h = x;
  for (std::size_t l = 0; l < mlp_in_.size(); ++l) {
    // Batch norm runs over all B*V node rows, as in arch2vec.
    const at::Tensor agg = ((1 + eps_[static_cast<int64_t>(l)]) * h + at::matmul(adj, h)).reshape({batch * nodes, -1});
    at::Tensor y = at::relu(mlp_norm_[l]->forward(mlp_in_[l]->forward(agg)));
    y = at::relu(layer_norm_[l]->forward(mlp_out_[l]->forward(y)));
    h = y.view({batch, nodes, -1});
  }
  return {fc_mu_->forward(h), fc_logvar_->forward(h)};
}

std::pair<at::Tensor, at::Tensor> GinVae::decode(const at::Tensor& z) {
  const at::Tensor dropped = at::dropout(z, dropout_, is_training());
  return {op_decoder_->forward(dropped), at::matmul(dropped, dropped.transpose(1, 2))};
}

}  // namespace latpred::arch2vec
