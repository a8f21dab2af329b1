// Internal: the few-shot linear expert of a transfer ([[expert_features]]). A ridge regression of the target's log
// latency on flat architecture features (e.g. op counts and zero-cost proxies), fitted on the k transfer samples
// alone. Latency is close to additive over a network's ops, so on both spaces a handful of such features ranks a
// new device about as well as a pretrained GNN fine-tuned on the same samples, and often better where the target
// is unlike every train device (bench/results/linear_expert.md); its predictions are blended with the predictor's.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// What the expert regresses: log latency (a multiplicative model) or latency itself (an additive one: a network's
// time is the sum of its ops', which ranks NB201 targets better, bench/results/basis_expert.md).
enum class FitTarget { kLogMs, kMs };

class LATPRED_API LinearExpert {
 public:
  // `features`: one row per arch of the space. Every column is standardised over all archs (a constant column
  // becomes zero), so the ridge penalty weighs features alike whatever their units.
  explicit LinearExpert(const at::Tensor& features);

  // Ridge regression of log(latency_ms) (or latency_ms) on the standardised features of `archs`, with an
  // unpenalised intercept: the weights minimise squared error + ridge * |w|^2. Throws std::invalid_argument when the
  // system is singular (ridge = 0 with fewer samples than features).
  void fit(const std::vector<int64_t>& archs, const std::vector<float>& latency_ms, double ridge,
           FitTarget target = FitTarget::kLogMs);

  // Predicted log latency (or latency) of each arch (a score: higher = slower).
  std::vector<float> predict(const std::vector<int64_t>& archs) const;

  int64_t dim() const { return dim_; }

 private:
  std::vector<double> features_;  // row-major, standardised
  int64_t dim_ = 0;
  int64_t rows_ = 0;
  std::vector<double> weights_;
  double intercept_ = 0.0;
};

}  // namespace latpred
