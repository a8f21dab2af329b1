// Predictor: a study's Model and DeviceRep as one torch module over the encoded architectures, the object a
// TrainingStrategy trains and adapts.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/module.h>

#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/export.hpp"
#include "latpred/model.hpp"

namespace latpred {

class LATPRED_API Predictor : public torch::nn::Module {
 public:
  // `features` must outlive the predictor.
  Predictor(std::shared_ptr<Model> model, std::shared_ptr<DeviceRep> devicerep, const ArchFeatures& features);
  // The model's inputs for archs (B int64) on devices (B int64): gathered features and the DeviceRep's vectors.
  // When every arch has the same graph, `adj` is one matrix expanded over the batch (stride 0), which models may
  // exploit (see ModelInput).
  ModelInput input(const at::Tensor& archs, const at::Tensor& devices);
  // Scores of archs (B int64) on devices (B int64).
  at::Tensor forward(const at::Tensor& archs, const at::Tensor& devices);
  // Scores of `archs` on one device, in eval mode without gradients, in chunks (bounded memory). 256 keeps a chunk's
  // activations in cache (bench_predict: larger chunks are slower). `threads` > 1 scores chunks on that many threads
  // (each with the library's intra-op setting); the scores do not depend on it.
  std::vector<float> predict(const std::vector<int64_t>& archs, int device, int64_t chunk = 256, int threads = 1);

  Model& model() { return *model_; }
  DeviceRep& devicerep() { return *devicerep_; }
  // Deep copies of all parameters and buffers, and their restoration (the "reset to pretrained weights").
  std::vector<at::Tensor> snapshot();
  void restore(const std::vector<at::Tensor>& state);

 private:
  std::shared_ptr<Model> model_;
  std::shared_ptr<DeviceRep> devicerep_;
  const ArchFeatures& features_;
  bool shared_graph_ = false;  // every arch has the same adjacency
};

// One training example: architecture `arch` on device `device` with normalised latency `target` (per-device
// min-max over all measured archs of the device, in [0, 1]).
struct Example {
  int64_t arch;
  int64_t device;
  float target;
};

}  // namespace latpred
