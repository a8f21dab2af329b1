#include "gnn_predictor.hpp"

#include <ATen/ATen.h>

#include "latpred/error.hpp"
#include "latpred/nn.hpp"

namespace latpred::gnn {

Schema predictor_schema(const std::string& layer_type) {
  Schema schema;
  schema.integer("node_dim", 48, "width of the per-node op (+device) embedding", 2, 4096)
      .integer("hidden", 96, "width of the initial node features", 1, 4096)
      .integers("gnn_dims", {128, 128, 128}, "output widths of the main graph layers", 1, 4096)
      .integers("op_update_dims", {128, 128}, "widths of the op-embedding update pass (empty = no update pass)", 1,
                4096)
      .integer("supplementary_dim", 48, "embedder output width for a supplementary encoding", 1, 4096)
      .integers("head_dims", {200, 200, 200}, "hidden widths of the MLP head", 1, 4096)
      .real("dropout", 0.1, "dropout of the MLP head and the supplementary embedder", 0.0, 0.95)
      .choice("device_placement", "node", {"node", "head"},
              "where the device vector enters: concatenated to every node's op embedding (Op-HWEmb) or to the "
              "graph readout before the head (HWEmb->MLP)")
      .flag("positional", false,
            "add a learned embedding of each node's index to its initial features, so a node knows where it sits "
            "(the reference starts every non-input node from the same vector; FBNet's layer position sets its "
            "resolution and width)");
  if (layer_type != "dgf") {
    schema.flag("mask_non_edges", true,
                "mask non-edges out of the attention softmax (false = the reference code, where non-edges enter "
                "with logit 0)");
  }
  if (layer_type == "ensemble") {
    schema.choice("fuse", "add", {"add", "mlp"}, "how DGF and GAT outputs are combined in each layer");
  }
  return schema;
}

PredictorOptions predictor_options(const Params& params, const std::string& layer_type) {
  PredictorOptions o;
  o.layer.type = layer_type;
  if (params.has("mask_non_edges")) o.layer.mask_non_edges = params.get_bool("mask_non_edges");
  if (params.has("fuse")) o.layer.fuse = params.get_string("fuse");
  o.node_dim = params.get_int("node_dim");
  o.hidden = params.get_int("hidden");
  o.gnn_dims = params.get_ints("gnn_dims");
  o.op_update_dims = params.get_ints("op_update_dims");
  o.supplementary_dim = params.get_int("supplementary_dim");
  o.head_dims = params.get_ints("head_dims");
  o.dropout = params.get_float("dropout");
  o.device_placement = params.get_string("device_placement");
  if (params.has("positional")) o.positional = params.get_bool("positional");
  if (o.gnn_dims.empty()) throw ConfigError({}, "model.gnn_dims", "needs at least one graph layer");
  return o;
}

GnnPredictor::GnnPredictor(PredictorOptions options) : options_(std::move(options)) {}

namespace {

torch::nn::Sequential mlp(int64_t in, const std::vector<int64_t>& hidden, int64_t out, double dropout) {
  return make_mlp(in, out, {hidden, /*batch_norm=*/false, dropout});
}

}  // namespace

void GnnPredictor::build(const ModelShape& shape) {
  shape_ = shape;
  if (shape.num_nodes < 2 || shape.num_node_labels < 1) {
    throw ConfigError({}, "encoder", "the GNN models need a graph encoder (adjacency + ops), e.g. adjacency_ops");
  }
  const bool node_level = options_.device_placement == "node" && shape.device_dim > 0;
  op_dim_ = node_level ? options_.node_dim - shape.device_dim : options_.node_dim;
  if (op_dim_ < 1) {
    throw ConfigError({}, "model.node_dim",
                      "node_dim (" + std::to_string(options_.node_dim) + ") must exceed the device vector width (" +
                          std::to_string(shape.device_dim) + ") for node-level device placement");
  }
  op_emb_ = register_module("op_emb", torch::nn::Embedding(shape.num_node_labels, op_dim_));
  output_op_emb_ = register_parameter("output_op_emb", at::randn({op_dim_}));
  if (node_level) output_device_emb_ = register_parameter("output_device_emb", at::randn({shape.device_dim}));
  input_node_emb_ = register_parameter("input_node_emb", at::randn({options_.node_dim}));
  other_node_emb_ = register_parameter("other_node_emb", at::zeros({options_.node_dim}));
  if (options_.positional) {
    position_emb_ = register_parameter("position_emb", at::randn({shape.num_nodes, options_.node_dim}) * 0.1);
  }
  x_hidden_ = register_module("x_hidden", torch::nn::Linear(options_.node_dim, options_.hidden));

  int64_t in = options_.hidden;
  for (std::size_t i = 0; i < options_.op_update_dims.size(); ++i) {
    const int64_t out = options_.op_update_dims[i];
    op_update_layers_.push_back(
        register_module("op_update_" + std::to_string(i), make_layer(options_.layer, in, out, options_.node_dim)));
    in = out;
  }
  if (!op_update_layers_.empty()) {
    op_update_head_ = register_module("op_update_head", mlp(in, {in, in}, in, 0.0));
    op_update_embedder_ =
        register_module("op_update_embedder", mlp(options_.node_dim + in, {128}, options_.node_dim, 0.0));
  }
  in = options_.hidden;
  for (std::size_t i = 0; i < options_.gnn_dims.size(); ++i) {
    const int64_t out = options_.gnn_dims[i];
    gnn_layers_.push_back(
        register_module("gnn_" + std::to_string(i), make_layer(options_.layer, in, out, options_.node_dim)));
    in = out;
  }
  int64_t readout = in;
  if (shape.vec_dim > 0) {
    supplementary_embedder_ = register_module(
        "supplementary_embedder", mlp(shape.vec_dim, {128, 128}, options_.supplementary_dim, options_.dropout));
    readout += options_.supplementary_dim;
  }
  if (!node_level && shape.device_dim > 0) {
    device_embedder_ = register_module("device_embedder", mlp(shape.device_dim, {48}, 48, 0.0));
    readout += 48;
  }
  head_ = register_module("head", mlp(readout, options_.head_dims, 1, options_.dropout));
}

at::Tensor GnnPredictor::op_embeddings(const ModelInput& input) {
  const int64_t batch = input.ops.size(0);
  const int64_t v = shape_.num_nodes;
  at::Tensor op = op_emb_->forward(input.ops);  // B x V x op_dim
  // Node 0 (input) has a fixed zero op embedding, node V-1 (output) a learned one.
  op = at::cat({at::zeros({batch, 1, op_dim_}, op.options()), op.slice(1, 1, v - 1),
                output_op_emb_.view({1, 1, op_dim_}).expand({batch, 1, op_dim_})},
               1);
  if (!output_device_emb_.defined()) return op;
  const int64_t d = shape_.device_dim;
  const at::Tensor device = input.device.view({batch, 1, d});
  const at::Tensor hw = at::cat({at::zeros({batch, 1, d}, op.options()), device.expand({batch, v - 2, d}),
                                 output_device_emb_.view({1, 1, d}).expand({batch, 1, d})},
                                1);
  return at::cat({op, hw}, 2);
}

at::Tensor mlp_over_nodes_and_arch(torch::nn::Sequential& mlp, const at::Tensor& node, const at::Tensor& arch) {
  // The first linear layer is split by input columns: the arch part is the same for all nodes of an arch, so it
  // is applied once per arch and broadcast (NB201 ensemble: 7% of the model's multiply-adds saved).
  auto layer = mlp->begin();
  const auto& first = layer->get<torch::nn::Linear>();
  const int64_t node_width = node.size(2);
  at::Tensor x = at::linear(node, first->weight.slice(1, 0, node_width), first->bias) +
                 at::linear(arch, first->weight.slice(1, node_width)).unsqueeze(1);
  for (++layer; layer != mlp->end(); ++layer) x = layer->forward(x);
  return x;
}

at::Tensor GnnPredictor::first_op_update_per_label(const ModelInput& input, const at::Tensor& preds,
                                                   const at::Tensor& x0) {
  // With the node features, the graph and the device the same for every arch, a layer's output at node i depends
  // only on node i's op embedding row, that is on its op label: run the layer on one arch per label (every node
  // labelled l), then gather row (ops[b][i], i) for each arch b and node i.
  const int64_t labels = shape_.num_node_labels, v = shape_.num_nodes, batch = input.ops.size(0);
  ModelInput per_label;
  per_label.ops = at::arange(labels, input.ops.options()).view({labels, 1}).expand({labels, v});
  if (output_device_emb_.defined()) {
    per_label.device = input.device.slice(0, 0, 1).expand({labels, input.device.size(1)});
  }
  const at::Tensor table = at::relu(op_update_layers_.front()->forward(
      x0.expand({labels, v, x0.size(2)}), preds.slice(0, 0, 1).expand({labels, v, v}), op_embeddings(per_label)));
  const at::Tensor rows = input.ops * v + at::arange(v, input.ops.options());
  return table.reshape({labels * v, table.size(2)}).index_select(0, rows.view({-1})).view({batch, v, table.size(2)});
}

at::Tensor GnnPredictor::forward(const ModelInput& input) {
  const int64_t batch = input.ops.size(0);
  const int64_t v = shape_.num_nodes;
  const at::Tensor preds = input.adj.transpose(1, 2);  // row i lists the predecessors of node i
  at::Tensor emb = op_embeddings(input);

  // Every arch starts from the same node features: compute them once (1 x V x hidden) and expand; the first
  // graph layers exploit the expansion (graph_layers.cpp, per_node).
  const int64_t nd = options_.node_dim;
  at::Tensor init =
      at::cat({input_node_emb_.view({1, 1, nd}), other_node_emb_.view({1, 1, nd}).expand({1, v - 1, nd})}, 1);
  if (position_emb_.defined()) init = init + position_emb_.unsqueeze(0);
  const at::Tensor x0 = x_hidden_->forward(init);
  const at::Tensor x = x0.expand({batch, v, x0.size(2)});

  if (!op_update_layers_.empty()) {
    // The pass is read at the output node only: its last layer computes just that node (and what it reads).
    at::Tensor y = x;
    std::size_t i = 0;
    const bool one_device = !output_device_emb_.defined() || same_for_every_arch(input.device);
    if (op_update_layers_.size() > 1 && one_device && same_for_every_arch(preds)) {
      y = first_op_update_per_label(input, preds, x0);
      i = 1;
    }
    for (; i + 1 < op_update_layers_.size(); ++i) {
      y = at::relu(op_update_layers_[i]->forward(y, preds, emb));
    }
    const at::Tensor output_node = op_update_layers_.back()->forward_at(y, preds, emb, v - 1);
    const at::Tensor summary = op_update_head_->forward(output_node);  // B x d
    emb = mlp_over_nodes_and_arch(op_update_embedder_, emb, summary);  // replaces the op embedding
  }

  at::Tensor z = x;
  for (std::size_t i = 0; i < gnn_layers_.size(); ++i) {
    z = gnn_layers_[i]->forward(z, preds, emb);
    if (i + 1 < gnn_layers_.size()) z = at::relu(z);
  }
  std::vector<at::Tensor> parts{z.slice(1, 1, v).mean(1)};
  if (supplementary_embedder_) parts.push_back(supplementary_embedder_->forward(input.vec));
  if (device_embedder_) parts.push_back(device_embedder_->forward(input.device));
  return head_->forward(at::cat(parts, 1)).view({batch});
}

}  // namespace latpred::gnn
