// The NASFLAT GNN predictor (NASFLAT_METHOD §3.2–§3.3), parameterised by its graph layer type:
// op embeddings (+ the device vector at node level), an op-embedding update pass, the main GNN stack, a mean
// readout over non-input nodes, optional supplementary-encoding and device embedders, and an MLP head.
#pragma once

#include <string>
#include <vector>

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

#include "graph_layers.hpp"
#include "latpred/model.hpp"
#include "latpred/params.hpp"

namespace latpred::gnn {

struct PredictorOptions {
  LayerOptions layer;
  int64_t node_dim = 48;                          // op (+device) embedding width at each node
  int64_t hidden = 96;                            // width of the initial node features
  std::vector<int64_t> gnn_dims{128, 128, 128};   // main stack
  std::vector<int64_t> op_update_dims{128, 128};  // op-embedding update pass ("replace backward GCN")
  int64_t supplementary_dim = 48;                 // embedder output for a supplementary encoding
  std::vector<int64_t> head_dims{200, 200, 200};
  double dropout = 0.1;                   // head and supplementary embedder
  std::string device_placement = "node";  // node | head
  bool positional = false;                // learned per-node-index embedding added to the initial features
};

// Schema shared by the dgf / gat / ensemble model plugins; `layer_type` fixes LayerOptions::type.
Schema predictor_schema(const std::string& layer_type);
PredictorOptions predictor_options(const Params& params, const std::string& layer_type);

// mlp(concat(node[b][i], arch[b])) for every node i of every arch b (node: B x V x n, arch: B x a), computed
// without the B x V x (n + a) concatenation; mlp starts with a Linear (make_mlp).
at::Tensor mlp_over_nodes_and_arch(torch::nn::Sequential& mlp, const at::Tensor& node, const at::Tensor& arch);

class GnnPredictor : public latpred::Model {
 public:
  explicit GnnPredictor(PredictorOptions options);
  void build(const ModelShape& shape) override;
  at::Tensor forward(const ModelInput& input) override;

 private:
  at::Tensor op_embeddings(const ModelInput& input);
  // The first op-update layer's output (after ReLU), computed once per op label when the graph and the device are
  // the same for every arch (prediction for one device).
  at::Tensor first_op_update_per_label(const ModelInput& input, const at::Tensor& preds, const at::Tensor& x0);

  PredictorOptions options_;
  ModelShape shape_;
  int64_t op_dim_ = 0;
  torch::nn::Embedding op_emb_{nullptr};
  at::Tensor output_op_emb_, output_device_emb_, input_node_emb_, other_node_emb_, position_emb_;
  torch::nn::Linear x_hidden_{nullptr};
  std::vector<std::shared_ptr<GraphLayer>> op_update_layers_, gnn_layers_;
  torch::nn::Sequential op_update_head_{nullptr}, op_update_embedder_{nullptr};
  torch::nn::Sequential supplementary_embedder_{nullptr}, device_embedder_{nullptr}, head_{nullptr};
};

}  // namespace latpred::gnn
