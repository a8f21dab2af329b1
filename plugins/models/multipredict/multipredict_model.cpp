// Model plugin "multipredict": the MultiPredict baseline (Akhauri & Abdelfattah 2023; NASFLAT_METHOD §7.2).
// An architecture embedding - a GCN over the graph (NB201) or an MLP over the flat encoding (FBNet) - is
// concatenated with the device vector (and, for the GCN, the supplementary vector such as ZCPs), then a ReLU MLP
// head and a sigmoid give the score. Its training recipe (L1 regression, AdamW 4e-4, MC fine-tunes) lives in the
// study's [train]/[transfer] tables: pipelines/studies/baselines/.
#include <ATen/ATen.h>
#include <torch/nn/modules/container/sequential.h>

#include "gcn_encoder.hpp"
#include "latpred/error.hpp"
#include "latpred/model.hpp"
#include "latpred/nn.hpp"
#include "latpred/plugin.hpp"

namespace {

struct Options {
  std::string arch_encoder = "auto";  // auto | gcn | mlp
  int64_t gcn_layers = 4;
  int64_t gcn_width = 200;
  bool readout_last = true;
  std::vector<int64_t> gcn_fc_dims{200};
  std::vector<int64_t> mlp_dims{100, 100};
  int64_t emb_dim = 30;
  std::vector<int64_t> head_dims{512, 512, 512};
  bool sigmoid = true;
};

class MultiPredictModel : public latpred::Model {
 public:
  explicit MultiPredictModel(Options options) : options_(std::move(options)) {}

  void build(const latpred::ModelShape& shape) override {
    const bool has_graph = shape.num_nodes > 0 && shape.num_node_labels > 0;
    gcn_ = options_.arch_encoder == "gcn" || (options_.arch_encoder == "auto" && has_graph);
    if (gcn_ && !has_graph)
      throw latpred::ConfigError({}, "model.arch_encoder",
                                 "'gcn' needs a graph encoder (e.g. encoder adjacency_ops); use 'mlp' for a flat one");
    int64_t head_in = options_.emb_dim + shape.device_dim;
    if (gcn_) {
      gcn_encoder_ = register_module(
          "gcn", std::make_shared<latpred::multipredict::GcnEncoder>(shape.num_node_labels, options_.gcn_width,
                                                                     options_.gcn_layers, options_.readout_last));
      arch_fc_ = register_module(
          "arch_fc", latpred::make_mlp(options_.gcn_width, options_.emb_dim, {options_.gcn_fc_dims, false, 0.0}));
      head_in += shape.vec_dim;  // the supplementary vector joins at the head
    } else {
      // The flat arch encoding: the graph's op labels one-hot per node (when there is a graph) and the flat vector.
      one_hot_ops_ = has_graph;
      num_labels_ = shape.num_node_labels;
      const int64_t in = (has_graph ? shape.num_nodes * shape.num_node_labels : 0) + shape.vec_dim;
      if (in == 0)
        throw latpred::ConfigError({}, "encoder",
                                   "the multipredict model needs a graph or a flat encoding, got neither");
      arch_fc_ = register_module("arch_fc", latpred::make_mlp(in, options_.emb_dim, {options_.mlp_dims, false, 0.0}));
    }
    head_ = register_module("head", latpred::make_mlp(head_in, 1, {options_.head_dims, false, 0.0}));
  }

  at::Tensor forward(const latpred::ModelInput& input) override {
    std::vector<at::Tensor> parts;
    if (gcn_) {
      parts.push_back(arch_fc_->forward(gcn_encoder_->forward(input.adj, input.ops)));
    } else {
      std::vector<at::Tensor> flat;
      if (one_hot_ops_) flat.push_back(at::one_hot(input.ops, num_labels_).to(at::kFloat).flatten(1));
      if (input.vec.defined()) flat.push_back(input.vec);
      parts.push_back(arch_fc_->forward(at::cat(flat, 1)));
    }
    if (input.device.defined() && input.device.size(1) > 0) parts.push_back(input.device);
    if (gcn_ && input.vec.defined()) parts.push_back(input.vec);
    const at::Tensor x = at::cat(parts, 1);
    const at::Tensor score = head_->forward(x).view({x.size(0)});
    return options_.sigmoid ? at::sigmoid(score) : score;
  }

 private:
  Options options_;
  bool gcn_ = false;
  bool one_hot_ops_ = false;
  int64_t num_labels_ = 0;
  std::shared_ptr<latpred::multipredict::GcnEncoder> gcn_encoder_;
  torch::nn::Sequential arch_fc_{nullptr}, head_{nullptr};
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "multipredict",
      "MultiPredict (NASFLAT_METHOD 7.2): arch embedding (GCN over the graph -> FC 200 -> 30 for NB201, or MLP over "
      "[per-node one-hot ops, flat vector] -> 100 -> 100 -> 30 for FBNet), concatenated with the device vector (and, "
      "after the GCN, the supplementary vector, e.g. ZCPs), then a ReLU MLP head (3 x 512) and a sigmoid. Train it "
      "with its recipe: [train]/[transfer] loss = \"l1\", lr 4e-4, weight_decay 5e-4, transfer.repeats = 10.",
      latpred::Schema()
          .choice("arch_encoder", "auto", {"auto", "gcn", "mlp"},
                  "gcn: GCN over the graph (NB201); mlp: MLP over the one-hot ops of every node plus the flat vector "
                  "(FBNet); auto: gcn when the encoder gives a graph, else mlp")
          .integer("gcn_layers", 4, "graph convolutions (the reference: 4)", 1, 32)
          .integer("gcn_width", 200, "width of every graph convolution", 1, 8192)
          .choice("readout", "last", {"last", "mean"},
                  "GCN readout: the last node (the output node, as the reference) or the mean over nodes")
          .integers("gcn_fc_dims", {200}, "hidden widths between the GCN readout and the embedding", 1, 8192)
          .integers("mlp_dims", {100, 100}, "hidden widths of the flat-encoding MLP", 1, 8192)
          .integer("emb_dim", 30, "architecture embedding width (the reference's nn_emb_dim)", 1, 8192)
          .integers("head_dims", {512, 512, 512}, "hidden widths of the head (ReLU)", 1, 8192)
          .flag("sigmoid", true, "squash the score into (0, 1) like the reference (targets are min-max normalised)"),
      [](const latpred::Params& p) {
        Options o;
        o.arch_encoder = p.get_string("arch_encoder");
        o.gcn_layers = p.get_int("gcn_layers");
        o.gcn_width = p.get_int("gcn_width");
        o.readout_last = p.get_string("readout") == "last";
        o.gcn_fc_dims = p.get_ints("gcn_fc_dims");
        o.mlp_dims = p.get_ints("mlp_dims");
        o.emb_dim = p.get_int("emb_dim");
        o.head_dims = p.get_ints("head_dims");
        o.sigmoid = p.get_bool("sigmoid");
        return std::make_shared<MultiPredictModel>(std::move(o));
      });
}

}  // namespace

LATPRED_PLUGIN("multipredict_model", "1.0", register_components)
