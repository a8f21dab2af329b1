// The basis expert ([expert_basis]): per-train-device additive models on the source archs, a target ridge over
// their predictions, the blend weights of several experts, and its place in a transfer and in run keys.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <numeric>
#include <random>

#include "device_basis.hpp"
#include "experiment_test_support.hpp"
#include "expert_weight.hpp"
#include "latpred/metrics.hpp"
#include "latpred/search_space.hpp"
#include "latpred/study.hpp"
#include "linear_expert.hpp"
#include "support.hpp"

using latpred::BlendWeights;
using latpred::ExperimentConfig;

namespace {

constexpr int kArchs = 300;

// NB201 archs whose log latency on device d is a sum of per-(edge, op) costs: the cost of an op depends on its
// edge, so op counts cannot rank them but per-edge one-hot features can. Devices 0 and 1 are the train devices;
// device 2 is the target, log ms = 0.7 log ms(0) + 0.3 log ms(1) + 0.5: a mix of them.
struct BasisData {
  std::shared_ptr<latpred::Dataset> data;
  at::Tensor onehot;  // archs x (6 edges x 5 ops)
  at::Tensor counts;  // archs x 5 ops
};

BasisData basis_data() {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> op(0, 4);
  std::uniform_real_distribution<double> cost(0.0, 1.0);
  std::vector<std::vector<int>> archs(kArchs, std::vector<int>(6));
  for (auto& a : archs) {
    for (int& o : a) o = op(rng);
  }
  BasisData out;
  out.data = std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
  out.onehot = at::zeros({kArchs, 30}, at::kFloat);
  out.counts = at::zeros({kArchs, 5}, at::kFloat);
  std::vector<std::vector<double>> log_ms(2, std::vector<double>(kArchs));
  for (int d = 0; d < 2; ++d) {
    std::vector<double> edge_op_cost(30);
    for (double& c : edge_op_cost) c = cost(rng);
    for (int a = 0; a < kArchs; ++a) {
      for (int e = 0; e < 6; ++e) log_ms[d][a] += edge_op_cost[e * 5 + archs[a][e]];
    }
  }
  for (int a = 0; a < kArchs; ++a) {
    for (int e = 0; e < 6; ++e) {
      out.onehot[a][e * 5 + archs[a][e]] = 1.0f;
      out.counts[a][archs[a][e]] += 1.0f;
    }
  }
  for (int d = 0; d < 3; ++d) {
    std::vector<float> ms(kArchs);
    for (int a = 0; a < kArchs; ++a) {
      const double log_target = 0.7 * log_ms[0][a] + 0.3 * log_ms[1][a] + 0.5;
      ms[a] = static_cast<float>(std::exp(d < 2 ? log_ms[d][a] : log_target));
    }
    out.data->add_device({"dev" + std::to_string(d), latpred::DeviceType::CPU, 1, "synthetic"}, ms);
  }
  return out;
}

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> out(static_cast<std::size_t>(to - from));
  std::iota(out.begin(), out.end(), from);
  return out;
}

// Spearman of an expert fitted on archs 0..k-1 of the target, over the other archs.
double held_out_spearman(latpred::LinearExpert& expert, const latpred::Dataset& data, int64_t k) {
  const std::vector<float>& ms = data.latency_ms(2);
  expert.fit(range(0, k), std::vector<float>(ms.begin(), ms.begin() + k), 1e-3);
  const std::vector<float> predicted = expert.predict(range(k, kArchs));
  return latpred::spearman(std::vector<double>(predicted.begin(), predicted.end()),
                           std::vector<double>(ms.begin() + k, ms.end()));
}

}  // namespace

TEST_CASE("the device basis holds each train device's additive model, and ranks a mix of them", "[expert]") {
  const BasisData d = basis_data();
  const std::vector<int64_t> source = range(100, 300);  // 200 source archs; archs 0..99 unseen by the basis
  const at::Tensor basis = latpred::device_basis(*d.data, d.onehot, {0, 1}, source, 1e-6);
  REQUIRE(basis.sizes() == at::IntArrayRef({kArchs, 2}));
  for (int device = 0; device < 2; ++device) {
    for (int64_t a = 0; a < 100; ++a) {
      CHECK(basis[a][device].item<float>() == Approx(std::log(d.data->latency_ms(device)[a])).margin(1e-3));
    }
  }
  // From 6 target samples the basis expert (2 features) ranks the target exactly; op counts cannot.
  latpred::LinearExpert on_basis(basis);
  latpred::LinearExpert on_counts(d.counts);
  const double basis_rho = held_out_spearman(on_basis, *d.data, 6);
  const double counts_rho = held_out_spearman(on_counts, *d.data, 6);
  INFO("basis " << basis_rho << ", op counts " << counts_rho);
  CHECK(basis_rho > 0.999);
  CHECK(counts_rho < 0.9);
  CHECK_THROWS_WITH(latpred::device_basis(*d.data, d.onehot, {0, 1}, {}, 1.0), Catch::Contains("no"));
}

TEST_CASE("leave-one-out on the transfer samples splits the experts' share towards the expert that ranks them",
          "[expert]") {
  const BasisData d = basis_data();
  latpred::LinearExpert basis(latpred::device_basis(*d.data, d.onehot, {0, 1}, range(100, 300), 1e-6));
  latpred::LinearExpert counts(d.counts);
  const std::vector<latpred::ExpertPart> parts{{&counts, 1e-3}, {&basis, 1e-3}};
  const std::vector<int64_t> samples = range(0, 8), reference = range(0, 300);
  // The target is a mix of the train devices: the basis ranks every left-out sample, op counts do not.
  CHECK(latpred::leave_one_out_expert_split(parts, *d.data, 2, samples, reference, 0.6) == BlendWeights{0.4, 0.0, 0.6});
  // One expert, or too few samples to leave one out: the even split.
  CHECK(latpred::leave_one_out_expert_split({parts[0]}, *d.data, 2, samples, reference, 0.6) == BlendWeights{0.4, 0.6});
  CHECK(latpred::leave_one_out_expert_split(parts, *d.data, 2, range(0, 2), reference, 0.6) ==
        BlendWeights{0.4, 0.3, 0.3});
}

TEST_CASE("the blend grid splits quarters between the parts, and the best split ranks the held-out samples",
          "[expert]") {
  const std::vector<BlendWeights> two = latpred::blend_weight_grid(2);
  REQUIRE(two.size() == 5);
  for (std::size_t i = 0; i < two.size(); ++i) CHECK(two[i] == BlendWeights{1.0 - i * 0.25, i * 0.25});
  const std::vector<BlendWeights> three = latpred::blend_weight_grid(3);
  CHECK(three.size() == 15);  // compositions of 4 quarters into 3 parts
  for (const BlendWeights& w : three) CHECK(w[0] + w[1] + w[2] == Approx(1.0));
  CHECK(three.front() == BlendWeights{1.0, 0.0, 0.0});
  CHECK(three.back() == BlendWeights{0.0, 0.0, 1.0});
  CHECK_THROWS(latpred::blend_weight_grid(0));

  const std::vector<double> truth{1, 2, 3, 4, 5, 6};
  const std::vector<double> exact{-3, -2, -1, 0, 1, 2};  // ranks them perfectly
  const std::vector<double> noise{5, -5, 4, -4, 3, -3};  // ranks them badly, on a larger scale
  const std::vector<double> flat{0, 0, 0, 0, 0, 0};
  const BlendWeights half{0.5, 0.5};
  CHECK(latpred::best_blend_weights({noise, exact}, truth, two, half) == BlendWeights{0.0, 1.0});
  CHECK(latpred::best_blend_weights({exact, noise}, truth, two, half) == BlendWeights{1.0, 0.0});
  // Every split ranks alike (both parts exact): the tie goes to the fallback, or the candidate nearest it.
  CHECK(latpred::best_blend_weights({exact, exact}, truth, two, half) == half);
  CHECK(latpred::best_blend_weights({exact, exact}, truth, two, {0.7, 0.3}) == BlendWeights{0.75, 0.25});
  CHECK(latpred::best_blend_weights({exact, flat}, truth, two, half) == half);  // flat adds nothing, nor harm
  // Three parts: the exact one takes the weight.
  CHECK(latpred::best_blend_weights({noise, noise, exact}, truth, three, {0.5, 0.25, 0.25}) ==
        BlendWeights{0.0, 0.0, 1.0});
  CHECK_THROWS_WITH(latpred::best_blend_weights({exact, {1}}, truth, two, half),
                    Catch::Contains("one score per truth"));
  CHECK_THROWS_WITH(latpred::best_blend_weights({exact, exact}, truth, three, half),
                    Catch::Contains("one entry per part"));
}

TEST_CASE("a transfer with the basis expert scores it alone and blends it with the others", "[expert]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = latpred::test::builtin_cpu_task(registry);
  using latpred::test::metric_values;
  const auto without = latpred::run_experiment(config, registry, workspace);
  const latpred::ComponentConfig onehot = latpred::test::op_counts(registry, "onehot");
  ExperimentConfig with = config;
  with.expert_basis = {onehot};
  with.transfer.set("expert_weight", 0.0);
  const auto model_only = latpred::run_experiment(with, registry, workspace);
  CHECK(metric_values(model_only, "spearman") == metric_values(without, "spearman"));
  CHECK(metric_values(model_only, "expert_spearman").empty());
  const double basis_alone = metric_values(model_only, "basis_spearman").at(0);
  INFO("basis of two CPUs' additive models (32 source archs), 10 samples of a third: spearman " << basis_alone);
  CHECK(basis_alone > 0.6);  // the three CPU configurations of the built-in data rank alike

  with.transfer.set("expert_weight", 1.0);
  CHECK(metric_values(latpred::run_experiment(with, registry, workspace), "spearman")[0] == Approx(basis_alone));

  // Both experts: each scored alone; at weight 1 they share the blend equally.
  const latpred::ComponentConfig counts = latpred::test::op_counts(registry, "counts");
  with.expert_features = {counts};
  const auto both = latpred::run_experiment(with, registry, workspace);
  CHECK(metric_values(both, "basis_spearman") == metric_values(model_only, "basis_spearman"));
  const double counts_alone = metric_values(both, "expert_spearman").at(0);
  const double blended = metric_values(both, "spearman").at(0);
  CHECK(blended != Approx(basis_alone));
  CHECK(blended != Approx(counts_alone));

  // Not cross-validated: leave-one-out split the experts' share (rows), or the even split (no rows).
  CHECK(metric_values(both, "expert_weight").at(0) + metric_values(both, "basis_weight").at(0) == Approx(1.0));
  {
    ExperimentConfig even = with;
    even.transfer.set("expert_basis_split", std::string("even"));
    const auto evenly = latpred::run_experiment(even, registry, workspace);
    CHECK(metric_values(evenly, "basis_weight").empty());
    CHECK(metric_values(evenly, "basis_spearman") == metric_values(both, "basis_spearman"));
  }

  // Cross-validation chooses a split of three parts per transfer.
  with.transfer.set("expert_cv_folds", int64_t{5});
  with.transfer.set("expert_cv_min_k", int64_t{10});
  const auto chosen = latpred::run_experiment(with, registry, workspace);
  const double w_counts = metric_values(chosen, "expert_weight").at(0);
  const double w_basis = metric_values(chosen, "basis_weight").at(0);
  CHECK(w_counts + w_basis <= 1.0 + 1e-12);
  CHECK(std::fmod(w_counts * 4.0, 1.0) == 0.0);
  CHECK(std::fmod(w_basis * 4.0, 1.0) == 0.0);

  // The additive models may read more source archs than the predictor: its transfer is unchanged, the basis not.
  {
    ExperimentConfig more = with;
    more.transfer.set("expert_cv_folds", int64_t{0});
    more.transfer.set("expert_basis_source_samples", int64_t{400});
    const auto wider = latpred::run_experiment(more, registry, workspace);
    CHECK(metric_values(wider, "model_spearman") == metric_values(both, "model_spearman"));
    const double wider_basis = metric_values(wider, "basis_spearman").at(0);
    INFO("basis on 400 source archs: spearman " << wider_basis << ", on 32: " << basis_alone);
    CHECK(wider_basis != Approx(basis_alone));
    CHECK(wider_basis > 0.6);
  }

  // Without source archs there is nothing to fit the basis on.
  with.train.set("source_samples", int64_t{0});
  CHECK_THROWS_WITH(latpred::run_experiment(with, registry, workspace),
                    Catch::Contains("train.source_samples") && Catch::Contains("[expert_basis]"));
}

TEST_CASE("the basis expert's settings key only runs that have a basis; it never keys a pretraining",
          "[expert][study]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  ExperimentConfig config = latpred::test::builtin_cpu_task(registry);
  const latpred::ComponentConfig counts = latpred::test::op_counts(registry, "counts");
  config.expert_features = {counts};
  ExperimentConfig basis_tuned = config;
  basis_tuned.transfer.set("expert_basis_ridge", 3.0);
  // A run with the linear expert alone keeps its key whatever the basis settings.
  CHECK(latpred::resolved_run_toml(basis_tuned) == latpred::resolved_run_toml(config));
  CHECK(latpred::resolved_run_toml(config).find("expert_basis") == std::string::npos);
  ExperimentConfig with = config;
  const latpred::ComponentConfig onehot = latpred::test::op_counts(registry, "onehot");
  with.expert_basis = {onehot};
  ExperimentConfig with_tuned = with;
  with_tuned.transfer.set("expert_basis_ridge", 3.0);
  CHECK(latpred::resolved_run_toml(with) != latpred::resolved_run_toml(config));
  CHECK(latpred::resolved_run_toml(with_tuned) != latpred::resolved_run_toml(with));
  CHECK(latpred::pretrain_identity(with_tuned) == latpred::pretrain_identity(config));
}
