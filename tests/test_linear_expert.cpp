// The few-shot linear expert ([[expert_features]]): its ridge regression, the weighted blend, and its place in a
// transfer (scored alone and blended, run keys of runs without it unchanged).
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "experiment_test_support.hpp"
#include "expert_weight.hpp"
#include "finetune.hpp"
#include "latpred/study.hpp"
#include "linear_expert.hpp"
#include "log_capture.hpp"
#include "support.hpp"

using latpred::EpochPredictions;
using latpred::ExperimentConfig;
using latpred::LinearExpert;

namespace {

// 40 archs x 4 features: two informative columns, a constant one and noise-free log-latency
// log(ms) = 1 + 0.5 x0 - 0.25 x1 (x2 constant, x3 irrelevant).
struct LinearData {
  at::Tensor features;
  std::vector<float> latency_ms;
};

LinearData linear_data() {
  at::manual_seed(5);
  at::Tensor x = at::randn({40, 4}, at::kDouble);
  x.select(1, 2).fill_(3.0);
  const at::Tensor log_ms = 1.0 + 0.5 * x.select(1, 0) - 0.25 * x.select(1, 1);
  const at::Tensor ms = log_ms.exp().to(at::kFloat).contiguous();
  return {x.to(at::kFloat), std::vector<float>(ms.data_ptr<float>(), ms.data_ptr<float>() + 40)};
}

}  // namespace

TEST_CASE("the linear expert recovers a log-linear latency model from few samples", "[expert]") {
  const LinearData data = linear_data();
  LinearExpert expert(data.features);
  const std::vector<int64_t> samples{0, 3, 7, 11, 19, 23, 31, 38};
  std::vector<float> measured;
  measured.reserve(samples.size());
  for (int64_t a : samples) measured.push_back(data.latency_ms[a]);
  expert.fit(samples, measured, 1e-9);
  std::vector<int64_t> all(40);
  for (int64_t a = 0; a < 40; ++a) all[a] = a;
  const std::vector<float> predicted = expert.predict(all);
  for (int64_t a = 0; a < 40; ++a) CHECK(predicted[a] == Approx(std::log(data.latency_ms[a])).margin(1e-4));

  // A large penalty shrinks every weight towards zero: the prediction tends to the samples' mean log latency.
  double mean_log = 0.0;
  for (float ms : measured) mean_log += std::log(ms);
  mean_log /= static_cast<double>(measured.size());
  expert.fit(samples, measured, 1e9);
  for (float p : expert.predict(all)) CHECK(p == Approx(mean_log).margin(1e-5));
}

TEST_CASE("the linear expert fits latency itself when asked: an additive model", "[expert]") {
  // ms = 5 + 2 x0 + x1 over 40 archs (x0, x1 in [0, 1)): additive in ms, not in log ms.
  at::manual_seed(6);
  const at::Tensor x = at::rand({40, 2}, at::kDouble);
  const at::Tensor ms = (5.0 + 2.0 * x.select(1, 0) + x.select(1, 1)).to(at::kFloat).contiguous();
  const std::vector<float> latency(ms.data_ptr<float>(), ms.data_ptr<float>() + 40);
  const std::vector<int64_t> samples{0, 5, 9, 14, 22, 30};
  std::vector<float> measured;
  measured.reserve(samples.size());
  for (int64_t a : samples) measured.push_back(latency[a]);
  std::vector<int64_t> all(40);
  for (int64_t a = 0; a < 40; ++a) all[a] = a;
  LinearExpert additive(x.to(at::kFloat));
  additive.fit(samples, measured, 1e-9, latpred::FitTarget::kMs);
  const std::vector<float> predicted = additive.predict(all);
  for (int64_t a = 0; a < 40; ++a) CHECK(predicted[a] == Approx(latency[a]).margin(1e-4));
  LinearExpert multiplicative(x.to(at::kFloat));
  multiplicative.fit(samples, measured, 1e-9);  // log ms: close, but not the model
  double worst = 0.0;
  const std::vector<float> log_predicted = multiplicative.predict(all);
  for (int64_t a = 0; a < 40; ++a) {
    worst = std::max(worst, std::abs(std::exp(double{log_predicted[a]}) - double{latency[a]}));
  }
  CHECK(worst > 1e-3);
}

TEST_CASE("the linear expert refuses an unsolvable fit and bad input", "[expert]") {
  const LinearData data = linear_data();
  LinearExpert expert(data.features);
  // Three samples, four features (one constant) and no penalty: singular.
  CHECK_THROWS_WITH(expert.fit({1, 2, 3}, {1.0f, 2.0f, 3.0f}, 0.0),
                    Catch::Contains("singular") && Catch::Contains("use a positive ridge"));
  CHECK_THROWS_WITH(expert.fit({1, 2}, {1.0f}, 1.0), Catch::Contains("one latency per arch"));
  CHECK_THROWS_WITH(LinearExpert(data.features).predict({0}), Catch::Contains("before fit"));
  CHECK_THROWS_WITH(LinearExpert(at::Tensor()), Catch::Contains("archs x features"));
}

TEST_CASE("a weighted blend of standardised predictions", "[expert][ensemble]") {
  const EpochPredictions a{{{1, 2, 4, 5}, {3}}}, b{{{10, 0, 30, 20}, {5}}};
  const EpochPredictions only_a = latpred::mean_of_standardised({a, b}, {1.0, 0.0});
  const EpochPredictions only_b = latpred::mean_of_standardised({a, b}, {0.0, 1.0});
  const EpochPredictions quarter = latpred::mean_of_standardised({a, b}, {0.75, 0.25});
  const float sd_a = std::sqrt(2.5f), sd_b = std::sqrt(125.0f);  // population sds (means 3 and 15)
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(only_a[0][0][i] == Approx((a[0][0][i] - 3) / sd_a));
    CHECK(only_b[0][0][i] == Approx((b[0][0][i] - 15) / sd_b));
    CHECK(quarter[0][0][i] == Approx(0.75 * only_a[0][0][i] + 0.25 * only_b[0][0][i]));
  }
  CHECK(only_b[0][1][0] == Approx((5 - 15) / sd_b));  // the other sets share their evaluation's shift and scale
  CHECK_THROWS_WITH(latpred::mean_of_standardised({a, b}, {1.0}), Catch::Contains("1 weights for 2 members"));
}

TEST_CASE("a transfer with the linear expert scores both parts and blends them by expert_weight", "[expert]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = latpred::test::builtin_cpu_task(registry);
  using latpred::test::metric_values;
  const auto without = latpred::run_experiment(config, registry, workspace);
  CHECK(metric_values(without, "expert_spearman").empty());
  {
    // The expert's settings without its features change nothing, and the run says so.
    ExperimentConfig stray = config;
    stray.transfer.set("expert_weight", 0.9);
    const latpred_test::LogCapture log;
    CHECK(metric_values(latpred::run_experiment(stray, registry, workspace), "spearman") ==
          metric_values(without, "spearman"));
    CHECK_THAT(log.text(), Catch::Contains("transfer.expert_weight is set but the study has no [expert_features]"));
  }

  ExperimentConfig with = config;
  const latpred::ComponentConfig counts = latpred::test::op_counts(registry, "counts");
  with.expert_features = {counts};
  with.transfer.set("expert_weight", 0.0);
  const auto model_only = latpred::run_experiment(with, registry, workspace);
  // The expert leaves the predictor's transfer untouched: weight 0 is the run without it.
  CHECK(metric_values(model_only, "spearman") == metric_values(without, "spearman"));
  CHECK(metric_values(model_only, "model_spearman")[0] == Approx(metric_values(without, "spearman")[0]));
  const double expert_alone = metric_values(model_only, "expert_spearman").at(0);
  INFO("op-count ridge on 10 samples of a CPU: spearman " << expert_alone);
  CHECK(expert_alone > 0.5);  // NB201 latency on a CPU is close to additive over its ops
  {
    ExperimentConfig additive = with;
    additive.transfer.set("expert_target", std::string("ms"));
    const double additive_alone =
        metric_values(latpred::run_experiment(additive, registry, workspace), "expert_spearman").at(0);
    INFO("the same ridge on latency in ms: spearman " << additive_alone);
    CHECK(additive_alone > 0.5);
    CHECK(additive_alone != Approx(expert_alone));
  }

  with.transfer.set("expert_weight", 1.0);
  const auto expert_only = latpred::run_experiment(with, registry, workspace);
  CHECK(metric_values(expert_only, "spearman")[0] == Approx(expert_alone));
  with.transfer.set("expert_weight", 0.5);
  const double blended = metric_values(latpred::run_experiment(with, registry, workspace), "spearman")[0];
  CHECK(blended != Approx(expert_alone));
  CHECK(blended != Approx(metric_values(without, "spearman")[0]));

  // Least squares on 35 features (per-edge one-hot and counts) from 10 samples: a clear error, not NaNs.
  with.expert_features[0].params.set("features", std::string("both"));
  with.transfer.set("expert_ridge", 0.0);
  CHECK_THROWS_WITH(latpred::run_experiment(with, registry, workspace),
                    Catch::Contains("transfer.expert_ridge") && Catch::Contains("singular"));
}

TEST_CASE("the expert's settings key only runs that have an expert; it never keys a pretraining", "[expert][study]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  ExperimentConfig config = latpred::test::small_gpu_task(registry, "");
  ExperimentConfig reweighted = config;
  reweighted.transfer.set("expert_weight", 0.9);
  // No expert: its parameters cannot act, so they neither enter nor change the run key (old keys stay valid).
  CHECK(latpred::resolved_run_toml(reweighted) == latpred::resolved_run_toml(config));
  CHECK(latpred::resolved_run_toml(config).find("expert") == std::string::npos);
  ExperimentConfig with = config;
  with.expert_features = {{"op_counts", latpred::default_params(registry.get("encoder", "op_counts").schema)}};
  ExperimentConfig with_reweighted = with;
  with_reweighted.transfer.set("expert_weight", 0.9);
  CHECK(latpred::resolved_run_toml(with) != latpred::resolved_run_toml(config));
  CHECK(latpred::resolved_run_toml(with_reweighted) != latpred::resolved_run_toml(with));
  CHECK(latpred::pretrain_identity(with_reweighted) == latpred::pretrain_identity(config));
}

TEST_CASE("a transfer may choose the expert's weight by cross-validation on its samples", "[expert]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = latpred::test::builtin_cpu_task(registry);
  config.transfer.set("k", std::vector<int64_t>{5, 10});
  const latpred::ComponentConfig counts = latpred::test::op_counts(registry, "counts");
  config.expert_features = {counts};
  using latpred::test::metric_values;
  const auto fixed = latpred::run_experiment(config, registry, workspace);
  CHECK(metric_values(fixed, "expert_weight").empty());
  config.transfer.set("expert_cv_folds", int64_t{4});
  config.transfer.set("expert_cv_min_k", int64_t{5});
  const auto chosen = latpred::run_experiment(config, registry, workspace);
  const std::vector<double> weights = metric_values(chosen, "expert_weight");
  REQUIRE(weights.size() == 2);                                    // one per (device, k)
  for (double w : weights) CHECK(std::fmod(w * 4.0, 1.0) == 0.0);  // one of 0, 0.25, ..., 1
  // The choice does not disturb the predictor's own transfer, and is deterministic.
  CHECK(metric_values(chosen, "model_spearman") == metric_values(fixed, "model_spearman"));
  CHECK(metric_values(chosen, "expert_spearman") == metric_values(fixed, "expert_spearman"));
  CHECK(metric_values(latpred::run_experiment(config, registry, workspace), "spearman") ==
        metric_values(chosen, "spearman"));
  // Below expert_cv_min_k the fixed weight stands: only the k = 10 transfer cross-validates.
  config.transfer.set("expert_cv_min_k", int64_t{10});
  const auto only_k10 = latpred::run_experiment(config, registry, workspace);
  CHECK(metric_values(only_k10, "expert_weight") == std::vector<double>{weights[1]});
  CHECK(metric_values(only_k10, "spearman")[0] == metric_values(fixed, "spearman")[0]);
  config.transfer.set("expert_cv_folds", int64_t{1});
  CHECK_THROWS_WITH(latpred::run_experiment(config, registry, workspace),
                    Catch::Contains("transfer.expert_cv_folds") && Catch::Contains("got 1"));
  config.transfer.set("expert_cv_folds", int64_t{4});
  config.transfer.set("reset", std::string("accumulate"));
  CHECK_THROWS_WITH(latpred::run_experiment(config, registry, workspace), Catch::Contains("reset = \"pretrained\""));
}
