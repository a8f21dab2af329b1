#include "expert_weight.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "finetune.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/metrics.hpp"
#include "pretrain_store.hpp"
#include "seeding.hpp"

namespace latpred {
namespace {

// (scores of `held_out` - their mean over `reference`) / sd over `reference`: one fold's scale removed.
std::vector<double> standardised(const std::vector<float>& reference, const std::vector<float>& held_out) {
  const auto [mean, sd] = mean_and_sd(reference);
  std::vector<double> out;
  out.reserve(held_out.size());
  for (float v : held_out) out.push_back(sd > 0 ? (v - mean) / sd : v - mean);
  return out;
}

}  // namespace

const std::vector<double>& expert_weight_grid() {
  static const std::vector<double> grid{0.0, 0.25, 0.5, 0.75, 1.0};
  return grid;
}

double best_blend_weight(const std::vector<double>& model, const std::vector<double>& expert,
                         const std::vector<double>& truth, const std::vector<double>& grid, double fallback) {
  if (model.size() != truth.size() || expert.size() != truth.size() || grid.empty()) {
    throw std::invalid_argument("best_blend_weight: expected one model and one expert score per truth, and weights");
  }
  double best = fallback, best_rho = -2.0;
  for (double weight : grid) {
    std::vector<double> blend(truth.size());
    for (std::size_t i = 0; i < truth.size(); ++i) blend[i] = (1.0 - weight) * model[i] + weight * expert[i];
    double rho = spearman(blend, truth);
    if (std::isnan(rho)) rho = -1.0;
    const bool better = rho > best_rho + 1e-12;
    const bool tie_nearer =
        std::abs(rho - best_rho) <= 1e-12 && std::abs(weight - fallback) < std::abs(best - fallback);
    if (better || tie_nearer) {
      best = weight;
      best_rho = std::max(best_rho, rho);
    }
  }
  return best;
}

double cross_validated_expert_weight(const ExpertCv& cv) {
  const auto n = static_cast<int64_t>(cv.transfer_archs.size());
  const int64_t folds = std::min(cv.folds, n);
  if (folds < 2) return cv.fallback;
  // Samples dealt to folds in a seeded random order.
  std::vector<int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::mt19937_64 deal(cv.seed);
  std::shuffle(order.begin(), order.end(), deal);

  const at::Tensor generator = default_generator_state();
  const std::vector<float>& normalized = cv.data->normalized(cv.target);
  std::vector<double> model_scores, expert_scores, truth;
  for (int64_t fold = 0; fold < folds; ++fold) {
    std::vector<int64_t> fit_archs, held_out;
    for (int64_t i = 0; i < n; ++i) {
      (i % folds == fold ? held_out : fit_archs).push_back(cv.transfer_archs[order[i]]);
    }
    std::vector<Example> examples;
    std::vector<float> latency;
    for (int64_t arch : fit_archs) {
      examples.push_back({arch, cv.target, normalized[arch]});
      latency.push_back(cv.data->latency_ms(cv.target)[arch]);
    }
    cv.predictor->restore(*cv.start);
    cv.predictor->devicerep().begin_transfer(TransferContext{cv.data, cv.target, cv.train_devices, fit_archs});
    std::mt19937_64 rng(derive_seed(cv.seed, "expert_cv_fold", "", fold));
    cv.strategy->adapt(*cv.predictor, examples, *cv.transfer, rng, [](int64_t, int64_t) {});
    const std::vector<double> model = standardised(cv.strategy->predict(*cv.predictor, cv.reference_archs, cv.target),
                                                   cv.strategy->predict(*cv.predictor, held_out, cv.target));
    cv.expert->fit(fit_archs, latency, cv.transfer->get_float("expert_ridge"));
    const std::vector<double> expert =
        standardised(cv.expert->predict(cv.reference_archs), cv.expert->predict(held_out));
    model_scores.insert(model_scores.end(), model.begin(), model.end());
    expert_scores.insert(expert_scores.end(), expert.begin(), expert.end());
    for (int64_t arch : held_out) truth.push_back(normalized[arch]);
  }
  set_default_generator_state(generator, "(the generator state before the expert's cross-validation)");
  return best_blend_weight(model_scores, expert_scores, truth, expert_weight_grid(), cv.fallback);
}

}  // namespace latpred
