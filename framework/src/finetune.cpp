#include "finetune.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace latpred {

EpochPredictions mc_predictions(Predictor& predictor, const std::vector<uint64_t>& seeds, int64_t eval_last,
                                const AdaptFn& adapt, const PredictFn& predict,
                                const std::vector<std::vector<int64_t>>& arch_sets, double* predict_seconds) {
  if (seeds.empty()) throw std::invalid_argument("mc_predictions: no seeds (one per adaptation is needed)");
  const int64_t window = std::max<int64_t>(1, eval_last);
  EpochPredictions sum(static_cast<std::size_t>(window));
  std::vector<int64_t> count(static_cast<std::size_t>(window), 0);
  double seconds = 0.0;
  int64_t timed = 0;
  // Adds the current predictions of every set to evaluation slot `slot`.
  auto accumulate = [&](std::size_t slot) {
    std::vector<std::vector<float>>& sets = sum[slot];
    sets.resize(arch_sets.size());
    for (std::size_t s = 0; s < arch_sets.size(); ++s) {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<float> pred = predict(arch_sets[s]);
      if (s == 0) {
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ++timed;
      }
      if (count[slot] == 0) {
        sets[s] = pred;
      } else {
        for (std::size_t i = 0; i < pred.size(); ++i) sets[s][i] += pred[i];
      }
    }
    ++count[slot];
  };
  // Every adaptation starts from the same weights: keep a copy only when there is more than one.
  const std::vector<at::Tensor> start = seeds.size() > 1 ? predictor.snapshot() : std::vector<at::Tensor>{};
  for (std::size_t r = 0; r < seeds.size(); ++r) {
    if (r > 0) predictor.restore(start);
    std::mt19937_64 rng(seeds[r]);
    bool reported = false;
    adapt(rng, [&](int64_t epoch, int64_t epochs) {
      reported = true;
      const int64_t evaluations = std::min(window, epochs);
      if (epoch >= epochs - evaluations) accumulate(static_cast<std::size_t>(epoch - (epochs - evaluations)));
    });
    if (!reported) accumulate(0);
  }
  // Average each evaluated slot over the repeats that reached it; drop slots no repeat reached.
  EpochPredictions out;
  for (std::size_t slot = 0; slot < sum.size(); ++slot) {
    if (count[slot] == 0) continue;
    if (count[slot] > 1) {
      const auto n = static_cast<float>(count[slot]);
      for (auto& values : sum[slot]) {
        for (float& v : values) v /= n;
      }
    }
    out.push_back(std::move(sum[slot]));
  }
  if (predict_seconds) *predict_seconds = timed ? seconds / static_cast<double>(timed) : 0.0;
  return out;
}

MeanSd mean_and_sd(const std::vector<float>& values) {
  const auto n = static_cast<double>(std::max<std::size_t>(1, values.size()));
  double mean = 0.0, squares = 0.0;
  for (float v : values) mean += v;
  mean /= n;
  for (float v : values) squares += (v - mean) * (v - mean);
  return {mean, std::sqrt(squares / n)};
}

EpochPredictions mean_of_standardised(const std::vector<EpochPredictions>& members,
                                      const std::vector<double>& weights) {
  if (members.empty()) throw std::invalid_argument("mean_of_standardised: no members");
  if (!weights.empty() && weights.size() != members.size()) {
    throw std::invalid_argument("mean_of_standardised: " + std::to_string(weights.size()) + " weights for " +
                                std::to_string(members.size()) + " members");
  }
  EpochPredictions out = members.front();
  for (auto& evaluation : out) {
    for (auto& set : evaluation) std::fill(set.begin(), set.end(), 0.0f);
  }
  for (std::size_t m = 0; m < members.size(); ++m) {
    const EpochPredictions& member = members[m];
    if (member.size() != out.size()) throw std::invalid_argument("mean_of_standardised: evaluation counts differ");
    for (std::size_t e = 0; e < member.size(); ++e) {
      const auto [mean, sd] = mean_and_sd(member[e].at(0));
      const double scale = sd > 0 ? 1.0 / sd : 1.0;  // constant predictions: centred only
      for (std::size_t s = 0; s < member[e].size(); ++s) {
        if (member[e][s].size() != out[e].at(s).size()) {
          throw std::invalid_argument("mean_of_standardised: set sizes differ");
        }
        for (std::size_t i = 0; i < member[e][s].size(); ++i) {
          // Equal weights divide by the member count, as before weights existed (the same rounding).
          const double centred = (member[e][s][i] - mean) * scale;
          out[e][s][i] += static_cast<float>(weights.empty() ? centred / static_cast<double>(members.size())
                                                             : centred * weights[m]);
        }
      }
    }
  }
  return out;
}

}  // namespace latpred
