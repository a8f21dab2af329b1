// Model: the predictor architecture. Maps (architecture features, device vector) to a ranking score (larger =
// slower; the scale is arbitrary, the trainer calibrates it to milliseconds where needed).
#pragma once

#include <cstdint>
#include <memory>

#include <torch/nn/module.h>

#include "latpred/component.hpp"

namespace latpred {

class TrainingStrategy;  // latpred/training_strategy.hpp

// Shapes a model is built for (undefined inputs have size 0).
struct ModelShape {
  int64_t num_nodes = 0;        // V
  int64_t num_node_labels = 0;  // vocabulary of ops
  int64_t vec_dim = 0;          // supplementary / flat encoding width
  int64_t device_dim = 0;       // width of the DeviceRep output
};

// One batch of B architectures, each paired with one device.
struct ModelInput {
  at::Tensor adj;     // B x V x V float (u -> v); an expanded view (stride 0 in B) when all archs share one graph
  at::Tensor ops;     // B x V int64
  at::Tensor vec;     // B x D float
  at::Tensor device;  // B x device_dim float (output of the DeviceRep); an expanded view when predicting for one device
};

class LATPRED_API Model : public Component, public torch::nn::Module {
 public:
  static constexpr const char* kKind = kind::kModel;
  ~Model() override;
  // Creates the layers for the given shapes (called once, before the optimiser is built). Throws ConfigError if
  // a required input is missing (e.g. a GNN without a graph encoder).
  virtual void build(const ModelShape& shape) = 0;
  // Returns B scores.
  virtual at::Tensor forward(const ModelInput& input) = 0;
  // How a predictor with this model is pretrained and adapted. Default: make_standard_strategy(). Called once per
  // experiment, after build.
  virtual std::shared_ptr<TrainingStrategy> training_strategy();
};

}  // namespace latpred
