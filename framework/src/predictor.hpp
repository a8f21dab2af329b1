// Internal: a predictor = Model + DeviceRep as one torch module, and the operations the trainer runs on it.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <vector>

#include <torch/nn/module.h>

#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/export.hpp"
#include "latpred/model.hpp"

namespace latpred {

class LATPRED_API Predictor : public torch::nn::Module {
 public:
  Predictor(std::shared_ptr<Model> model, std::shared_ptr<DeviceRep> devicerep, const ArchFeatures& features);
  // Scores of archs (B int64) on devices (B int64).
  at::Tensor forward(const at::Tensor& archs, const at::Tensor& devices);
  // Scores of `archs` on one device, in eval mode without gradients, in chunks (bounded memory). 256 keeps a chunk's
  // activations in cache: all 15625 NB201 archs take 1.9-2.2 s with the ensemble vs 3.4 s at 4096 (bench_predict).
  std::vector<float> predict(const std::vector<int64_t>& archs, int device, int64_t chunk = 256);

  DeviceRep& devicerep() { return *devicerep_; }
  // Deep copies of all parameters and buffers, and their restoration (the "reset to pretrained weights").
  std::vector<at::Tensor> snapshot();
  void restore(const std::vector<at::Tensor>& state);

 private:
  std::shared_ptr<Model> model_;
  std::shared_ptr<DeviceRep> devicerep_;
  const ArchFeatures& features_;
};

// One training example: architecture `arch` on device `device` with normalised latency `target`.
struct Example {
  int64_t arch;
  int64_t device;
  float target;
};

struct FitOptions {
  int64_t epochs = 50;
  double lr = 1e-3;
  double weight_decay = 1e-5;
  double eta_min = 1e-6;
  int64_t batch_size = 128;
  int64_t pairs_per_item = 4;
  double margin = 0.1;
};

// Trains with the pairwise hinge ranking loss (NASFLAT_METHOD §4.2), AdamW and a per-epoch cosine schedule.
// `after_epoch(e)` is called after every epoch (0-based). Returns the mean loss of the last epoch.
LATPRED_API double fit(Predictor& predictor, const std::vector<Example>& examples, const FitOptions& options,
                       std::mt19937_64& rng, const std::function<void(int64_t)>& after_epoch = {});

// The pairs (i, j), i < j, of a batch with distinct targets, subsampled without replacement to at most
// max_pairs. Exposed for tests.
LATPRED_API std::vector<std::pair<int64_t, int64_t>> sample_pairs(const std::vector<float>& targets, int64_t max_pairs,
                                                                  std::mt19937_64& rng);

}  // namespace latpred
