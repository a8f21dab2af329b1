// HELP's hardware-conditioned latency regressor (NASFLAT_METHOD §7.1) written as a function of an explicit
// parameter list, so the Meta-SGD strategy can run it with adapted ("fast") weights. Architecture features come
// from a GCN over the graph (NB201) or two FC layers over the flat encoding (FBNet); the device vector goes
// through two FC layers; their concatenation through fc3 -> fc4 -> fc5 -> score. An inference network maps the
// device vector to a Gaussian z that scales the fc3/fc4/fc5 weights by (1 + z_scale * z) and shifts their biases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/model.hpp"

namespace latpred::help {

struct NetworkOptions {
  int64_t hidden = 100;             // HELP's layer size
  int64_t gcn_layers = 4;           // graph path
  std::string arch_input = "auto";  // auto | graph | vec
  bool z_on = true;                 // inference network
  double z_scale = 0.01;            // weight scale 1 + z_scale * z, bias shift z_scale * z
  double inner_lr = 1e-3;           // initial value of every inner learning rate (Meta-SGD)
};

// The Gaussian over z for a batch of device vectors: mean and log-variance, B x z_dim each.
struct ZPosterior {
  at::Tensor mean, logvar;
};

class HelpNetwork : public latpred::Model {
 public:
  explicit HelpNetwork(NetworkOptions options) : options_(std::move(options)) {}
  void build(const ModelShape& shape) override;
  // The network with its own weights and z = the posterior mean (deterministic).
  at::Tensor forward(const ModelInput& input) override;

  // The network with `fast` in place of fast_parameters() and z (B x z_dim, or 1 x z_dim for the whole batch;
  // undefined = no modulation).
  at::Tensor forward_with(const std::vector<at::Tensor>& fast, const ModelInput& input, const at::Tensor& z) const;
  ZPosterior posterior(const at::Tensor& device) const;  // requires z_on()

  // The weights adapted in the inner loop, and their per-element learning rates (same shapes, same order).
  const std::vector<at::Tensor>& fast_parameters() const { return fast_; }
  const std::vector<at::Tensor>& inner_lrs() const { return inner_lrs_; }
  // The inference network's weights (trained in the outer loop only).
  const std::vector<at::Tensor>& inference_parameters() const { return inference_; }
  bool z_on() const { return options_.z_on; }
  int64_t z_dim() const { return z_dim_; }

 private:
  // Registers a Linear layer's weight (out x in) and bias (out) under `name`, uniform(+-1/sqrt(in)) like
  // torch::nn::Linear's bias; returns the index of the weight in `list`.
  std::size_t add_linear(std::vector<at::Tensor>& list, const std::string& name, int64_t in, int64_t out);
  at::Tensor arch_features(const std::vector<at::Tensor>& w, const ModelInput& input) const;

  NetworkOptions options_;
  bool graph_ = false;
  int64_t num_labels_ = 0, z_dim_ = 0;
  std::vector<at::Tensor> fast_, inner_lrs_, inference_;
  // Indices into fast_ of each layer's weight (the bias follows it).
  std::vector<std::size_t> arch_layers_;
  std::size_t hw1_ = 0, hw2_ = 0, fc3_ = 0, fc4_ = 0, fc5_ = 0;
};

}  // namespace latpred::help
