// Model plugin "mlp": a plain MLP over the flat encoding (the reference FullyConnectedNN, NASFLAT_METHOD §3.8), so
// encodings can be compared without a GNN. The device vector is optionally concatenated to the input.
#include <ATen/ATen.h>
#include <torch/nn/modules/container/sequential.h>

#include "latpred/error.hpp"
#include "latpred/model.hpp"
#include "latpred/nn.hpp"
#include "latpred/plugin.hpp"

namespace {

struct MlpOptions {
  std::vector<int64_t> hidden_dims;
  bool batch_norm = true;
  double dropout = 0.0;
  bool device_at_input = true;
};

class MlpModel : public latpred::Model {
 public:
  explicit MlpModel(MlpOptions options) : options_(std::move(options)) {}

  void build(const latpred::ModelShape& shape) override {
    if (shape.vec_dim == 0) {
      throw latpred::ConfigError({}, "encoder",
                                 "the mlp model needs a flat encoding, e.g. encoder op_counts or a supplementary "
                                 "encoder");
    }
    use_device_ = options_.device_at_input && shape.device_dim > 0;
    int64_t in = shape.vec_dim + (use_device_ ? shape.device_dim : 0);
    // Linear -> BatchNorm1d -> ReLU between layers, a plain Linear to the score (FullyConnectedNN).
    const auto layers = latpred::make_mlp(in, 1, {options_.hidden_dims, options_.batch_norm, options_.dropout});
    layers_ = register_module("layers", layers);
  }

  at::Tensor forward(const latpred::ModelInput& input) override {
    const at::Tensor x = use_device_ ? at::cat({input.vec, input.device}, 1) : input.vec;
    return layers_->forward(x).view({x.size(0)});
  }

 private:
  MlpOptions options_;
  bool use_device_ = false;
  torch::nn::Sequential layers_{nullptr};
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "mlp",
      "Plain MLP over the flat encoding (ArchFeatures.vec: encoder op_counts, or any supplementary encoder), "
      "optionally with the device vector concatenated to its input: Linear -> BatchNorm1d -> ReLU between layers "
      "(the reference FullyConnectedNN, sizes [in, 200, 200, 200, 1], NASFLAT_METHOD 3.8). Ignores the graph.",
      latpred::Schema()
          .integers("hidden_dims", {200, 200, 200}, "hidden layer widths (empty = a linear model)", 1, 8192)
          .flag("batch_norm", true, "BatchNorm1d after every hidden Linear (the reference)")
          .real("dropout", 0.0, "dropout after every hidden activation", 0.0, 0.95)
          .choice("device_placement", "input", {"input", "none"},
                  "input: concatenate the device vector to the flat encoding; none: ignore the device (one "
                  "ranking for all devices, adapted only by fine-tuning)"),
      [](const latpred::Params& p) {
        MlpOptions o;
        o.hidden_dims = p.get_ints("hidden_dims");
        o.batch_norm = p.get_bool("batch_norm");
        o.dropout = p.get_float("dropout");
        o.device_at_input = p.get_string("device_placement") == "input";
        return std::make_shared<MlpModel>(std::move(o));
      });
}

}  // namespace

LATPRED_PLUGIN("mlp_model", "1.0", register_components)
