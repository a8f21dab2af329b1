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

// Appends to `grid` every way to deal `quarters` quarters to parts `part`.. of `weights`, the earlier parts first.
void deal_quarters(std::size_t part, int quarters, BlendWeights& weights, std::vector<BlendWeights>& grid) {
  if (part + 1 == weights.size()) {
    weights[part] = quarters / 4.0;
    grid.push_back(weights);
    return;
  }
  for (int q = quarters; q >= 0; --q) {
    weights[part] = q / 4.0;
    deal_quarters(part + 1, quarters - q, weights, grid);
  }
}

double l1_distance(const BlendWeights& a, const BlendWeights& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum;
}

}  // namespace

std::vector<BlendWeights> blend_weight_grid(std::size_t parts) {
  if (parts == 0) throw std::invalid_argument("blend_weight_grid: a blend needs at least one part");
  std::vector<BlendWeights> grid;
  BlendWeights weights(parts, 0.0);
  deal_quarters(0, 4, weights, grid);
  return grid;
}

BlendWeights best_blend_weights(const std::vector<std::vector<double>>& scores, const std::vector<double>& truth,
                                const std::vector<BlendWeights>& grid, const BlendWeights& fallback) {
  bool shapes_agree = !grid.empty() && fallback.size() == scores.size();
  for (const auto& part : scores) shapes_agree = shapes_agree && part.size() == truth.size();
  for (const auto& weights : grid) shapes_agree = shapes_agree && weights.size() == scores.size();
  if (!shapes_agree) {
    throw std::invalid_argument(
        "best_blend_weights: expected one score per truth from every part, and weights (and a fallback) with one "
        "entry per part");
  }
  BlendWeights best = fallback;
  double best_rho = -2.0;
  for (const BlendWeights& weights : grid) {
    std::vector<double> blend(truth.size(), 0.0);
    for (std::size_t p = 0; p < scores.size(); ++p) {
      for (std::size_t i = 0; i < truth.size(); ++i) blend[i] += weights[p] * scores[p][i];
    }
    double rho = spearman(blend, truth);
    if (std::isnan(rho)) rho = -1.0;
    const bool better = rho > best_rho + 1e-12;
    const bool tie_nearer =
        std::abs(rho - best_rho) <= 1e-12 && l1_distance(weights, fallback) < l1_distance(best, fallback) - 1e-12;
    if (better || tie_nearer) {
      best = weights;
      best_rho = std::max(best_rho, rho);
    }
  }
  return best;
}

BlendWeights cross_validated_blend_weights(const ExpertCv& cv) {
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
  // Held-out scores of the predictor (part 0) and of each expert.
  std::vector<std::vector<double>> scores(1 + cv.experts.size());
  std::vector<double> truth;
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
    scores[0].insert(scores[0].end(), model.begin(), model.end());
    for (std::size_t e = 0; e < cv.experts.size(); ++e) {
      LinearExpert& expert = *cv.experts[e].expert;
      expert.fit(fit_archs, latency, cv.experts[e].ridge, cv.experts[e].target);
      const std::vector<double> held = standardised(expert.predict(cv.reference_archs), expert.predict(held_out));
      scores[e + 1].insert(scores[e + 1].end(), held.begin(), held.end());
    }
    for (int64_t arch : held_out) truth.push_back(normalized[arch]);
  }
  set_default_generator_state(generator, "(the generator state before the expert's cross-validation)");
  return best_blend_weights(scores, truth, blend_weight_grid(scores.size()), cv.fallback);
}

BlendWeights leave_one_out_expert_split(const std::vector<ExpertPart>& experts, const Dataset& data, int target,
                                        const std::vector<int64_t>& transfer_archs,
                                        const std::vector<int64_t>& reference_archs, double share) {
  const BlendWeights even(experts.size(), 1.0 / static_cast<double>(std::max<std::size_t>(1, experts.size())));
  BlendWeights split = even;
  if (experts.size() >= 2 && transfer_archs.size() >= 3) {
    const std::vector<float>& latency_ms = data.latency_ms(target);
    std::vector<std::vector<double>> scores(experts.size());
    std::vector<double> truth;
    for (std::size_t left_out = 0; left_out < transfer_archs.size(); ++left_out) {
      std::vector<int64_t> fit_archs;
      std::vector<float> latency;
      for (std::size_t i = 0; i < transfer_archs.size(); ++i) {
        if (i == left_out) continue;
        fit_archs.push_back(transfer_archs[i]);
        latency.push_back(latency_ms[static_cast<std::size_t>(transfer_archs[i])]);
      }
      for (std::size_t e = 0; e < experts.size(); ++e) {
        LinearExpert& expert = *experts[e].expert;
        expert.fit(fit_archs, latency, experts[e].ridge, experts[e].target);
        scores[e].push_back(
            standardised(expert.predict(reference_archs), expert.predict({transfer_archs[left_out]})).front());
      }
      truth.push_back(latency_ms[static_cast<std::size_t>(transfer_archs[left_out])]);
    }
    split = best_blend_weights(scores, truth, blend_weight_grid(experts.size()), even);
  }
  BlendWeights weights{1.0 - share};
  for (double part : split) weights.push_back(share * part);
  return weights;
}

}  // namespace latpred
