// A fake experiment for runner tests: results derived from the config, no training.
#pragma once

#include <stdexcept>
#include <vector>

#include "latpred/experiment.hpp"
#include "latpred/runner.hpp"

namespace study_test {

// A fake experiment: one spearman row per (test device, k) whose value is derived from seed and epochs, and one
// prediction and one transfer-sample set per k. Throws on call number `fail_on` (1-based; 0 = never).
struct FakeExecutor {
  explicit FakeExecutor(int fail_on_call = 0) : fail_on(fail_on_call) {}
  int fail_on;
  std::vector<uint64_t> seeds;
  std::vector<int64_t> epochs;

  latpred::ExperimentResult operator()(const latpred::ExperimentConfig& config, const latpred::ProgressFn& progress) {
    seeds.push_back(config.seed);
    epochs.push_back(config.train.get_int("epochs"));
    if (static_cast<int>(seeds.size()) == fail_on) throw std::runtime_error("simulated crash");
    if (progress) progress("pretrain", 1, 1);
    latpred::ExperimentResult result;
    for (const auto& device : config.task.test) {
      for (const int64_t k : config.transfer.get_ints("k")) {
        result.rows.push_back({config.task.name, device, k, config.seed, "spearman", expected_value(config)});
        result.predictions.push_back({device, k, {3, 7}, {0.5f, 0.25f}, {1.5f, 2.0f}, {1.0f, 2.5f}});
        result.transfer_samples.push_back({device, k, {9, static_cast<int64_t>(config.seed), 4}});
      }
    }
    return result;
  }

  // A runner executor that calls this fake (which must outlive it).
  latpred::ExperimentExecutor executor() {
    return [this](const latpred::ExperimentConfig& c, const latpred::ProgressFn& p) { return (*this)(c, p); };
  }

  static double expected_value(const latpred::ExperimentConfig& config) {
    return static_cast<double>(config.seed) + 10.0 * static_cast<double>(config.train.get_int("epochs"));
  }
};

}  // namespace study_test
