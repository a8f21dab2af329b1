#include "catch_torch.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "experiment_test_support.hpp"
#include "finetune.hpp"
#include "latpred/experiment.hpp"
#include "latpred/study.hpp"
#include "predictor.hpp"
#include "pretrain_store.hpp"
#include "seeding.hpp"
#include "study_test_support.hpp"
#include "support.hpp"

using latpred::ExperimentConfig;
using latpred::ResultRow;
namespace fs = std::filesystem;

TEST_CASE("pair sampling skips ties, caps the count and is deterministic", "[trainer]") {
  const std::vector<float> targets{0.1f, 0.5f, 0.5f, 0.9f, 0.2f};
  std::mt19937_64 rng(1);
  const auto all = latpred::sample_pairs(targets, 100, rng);
  // 10 pairs of 5 items, minus the tied pair (1, 2).
  REQUIRE(all.size() == 9);
  for (const auto& [i, j] : all) {
    CHECK(i < j);
    CHECK(targets[i] != targets[j]);
  }
  std::mt19937_64 a(7), b(7);
  const auto capped = latpred::sample_pairs(targets, 4, a);
  CHECK(capped.size() == 4);
  CHECK(std::set<std::pair<int64_t, int64_t>>(capped.begin(), capped.end()).size() == 4);
  CHECK(capped == latpred::sample_pairs(targets, 4, b));
}

namespace {

using latpred::test::small_gpu_task;

std::vector<double> values(const latpred::ExperimentResult& result, const std::string& name) {
  return latpred::test::metric_values(result, name);
}

double metric(const std::vector<ResultRow>& rows, const std::string& name) {
  for (const auto& r : rows) {
    if (r.metric == name && !r.device.empty()) return r.value;
  }
  FAIL("metric " << name << " missing");
  return NAN;
}

// The same dataset with every device's latency column permuted by one fixed permutation: the archs' graphs no
// longer determine their latencies, so nothing learnable remains.
std::shared_ptr<latpred::Dataset> shuffled(const latpred::Dataset& data) {
  std::vector<std::vector<int>> archs;
  for (int64_t a = 0; a < data.num_archs(); ++a) archs.push_back(data.arch_ops(a));
  auto out = std::make_shared<latpred::Dataset>(data.space_ptr(), archs);
  std::vector<std::size_t> perm(static_cast<std::size_t>(data.num_archs()));
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::shuffle(perm.begin(), perm.end(), std::mt19937_64(99));
  for (int d = 0; d < data.num_devices(); ++d) {
    std::vector<float> column(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) column[i] = data.latency_ms(d)[perm[i]];
    out->add_device(data.device(d), column);
  }
  return out;
}

}  // namespace

TEST_CASE("pretrain + transfer ranks a held-out GPU well, and cannot learn shuffled latencies", "[trainer][e2e]") {
  const std::string data_dir = latpred::test::shared_data_dir();
  if (data_dir.empty()) {
    WARN("../shared/data not found: end-to-end test skipped");
    return;
  }
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  const ExperimentConfig config = small_gpu_task(registry, data_dir);
  const auto result = latpred::run_experiment(config, registry, workspace);
  const double rho = metric(result.rows, "spearman");
  INFO("spearman on titan_rtx_1 = " << rho);
  CHECK(rho > 0.85);
  CHECK(metric(result.rows, "eval_archs") == 15625 - 20);  // all measured archs minus the transfer samples

  latpred::Workspace shuffled_workspace;
  shuffled_workspace.put(data_dir, "nb201", shuffled(*workspace.dataset(data_dir, "nb201")));
  const auto control = latpred::run_experiment(config, registry, shuffled_workspace);
  const double rho_shuffled = metric(control.rows, "spearman");
  INFO("spearman with shuffled latencies = " << rho_shuffled);
  CHECK(std::abs(rho_shuffled) < 0.2);
}

TEST_CASE("pretrain + transfer works on the built-in data alone (no download)", "[trainer][e2e]") {
  // data/ holds latencies latpred measured on a 2-core CPU (data/SOURCE.md): always present in the repository.
  const std::string data_dir = std::string(LATPRED_SOURCE_DIR) + "/data";
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = small_gpu_task(registry, data_dir);
  config.task = {"cpu", "nb201", {"cpu_b1_t1", "cpu_b4_t1"}, {"cpu_in64_b1_t1"}, "built-in data"};
  config.transfer.set("lr", 1e-3);
  config.transfer.set("epochs", int64_t{20});
  const auto result = latpred::run_experiment(config, registry, workspace);
  const double rho = metric(result.rows, "spearman");
  INFO("spearman on cpu_in64_b1_t1 = " << rho);
  CHECK(rho > 0.7);  // 0.83 here; the raw columns correlate 0.72-0.85 with each other
  const auto data = workspace.dataset(data_dir, "nb201");
  const auto measured = data->measured_archs(data->device_index("cpu_in64_b1_t1"));
  CHECK(metric(result.rows, "eval_archs") == static_cast<double>(measured.size()) - 20);

  latpred::Workspace shuffled_workspace;
  shuffled_workspace.put(data_dir, "nb201", shuffled(*workspace.dataset(data_dir, "nb201")));
  const auto control = latpred::run_experiment(config, registry, shuffled_workspace);
  const double rho_shuffled = metric(control.rows, "spearman");
  INFO("spearman with shuffled latencies = " << rho_shuffled);
  CHECK(std::abs(rho_shuffled) < 0.2);
}

TEST_CASE("an experiment is deterministic under its seed and honours the evaluation set", "[trainer]") {
  const std::string data_dir = latpred::test::shared_data_dir();
  if (data_dir.empty()) {
    WARN("../shared/data not found: test skipped");
    return;
  }
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = small_gpu_task(registry, data_dir);
  config.train.set("source_samples", int64_t{32});
  config.train.set("epochs", int64_t{2});
  config.transfer.set("k", std::vector<int64_t>{5, 10});
  config.transfer.set("epochs", int64_t{2});
  const auto first = latpred::run_experiment(config, registry, workspace);
  const auto second = latpred::run_experiment(config, registry, workspace);
  CHECK(values(first, "spearman") == values(second, "spearman"));
  CHECK(values(first, "kendall") == values(second, "kendall"));
  // The training throughput's numerator: 32 source archs x 2 train devices x 2 epochs.
  CHECK(values(first, "pretrain_example_epochs") == std::vector<double>{128});
  // The transfer samples are recorded per (device, k): k distinct archs, left out of the evaluation, the same again.
  REQUIRE(first.transfer_samples.size() == 2);
  for (const latpred::TransferSamples& samples : first.transfer_samples) {
    CHECK(samples.device == config.task.test.front());
    CHECK(static_cast<int64_t>(std::set<int64_t>(samples.archs.begin(), samples.archs.end()).size()) == samples.k);
  }
  CHECK(first.transfer_samples[0].k == 5);
  CHECK(first.transfer_samples[1].k == 10);
  CHECK(second.transfer_samples[1].archs == first.transfer_samples[1].archs);
  const double measured = values(first, "eval_archs")[0] + 5.0;
  CHECK(values(first, "eval_archs") == std::vector<double>{measured - 5.0, measured - 10.0});
  config.seed = 4;
  CHECK(values(latpred::run_experiment(config, registry, workspace), "spearman") != values(first, "spearman"));

  // spearman_first128 (reported in every run) is the reference evaluation: equal to spearman under eval_set first128.
  config.transfer.set("eval_set", std::string("first128"));
  const auto reference = latpred::run_experiment(config, registry, workspace);
  CHECK(values(reference, "eval_archs") == std::vector<double>{128, 128});
  CHECK(values(reference, "spearman_first128") == values(reference, "spearman"));
  CHECK(values(first, "spearman_first128") != values(first, "spearman"));
  config.transfer.set("eval_set", std::string("all"));
  CHECK(values(latpred::run_experiment(config, registry, workspace), "eval_archs") ==
        std::vector<double>{15625, 15625});
}

TEST_CASE("a stored pretrained state is reused by runs that differ only in how they transfer",
          "[trainer][pretrained]") {
  const std::string data_dir = latpred::test::shared_data_dir();
  if (data_dir.empty()) {
    WARN("../shared/data not found: test skipped");
    return;
  }
  const study_test::ScratchDir scratch("pretrained");
  const fs::path store = scratch.path / "pretrained";
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = small_gpu_task(registry, data_dir);  // dgf with dropout: fine-tuning draws random numbers
  config.train.set("source_samples", int64_t{32});
  config.train.set("epochs", int64_t{2});
  config.transfer.set("k", std::vector<int64_t>{5, 10});
  config.transfer.set("epochs", int64_t{3});
  auto state_files = [&] {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(store)) n += entry.path().extension() == ".state" ? 1 : 0;
    return n;
  };

  const auto fresh = latpred::run_experiment(config, registry, workspace);
  const auto stored = latpred::run_experiment(config, registry, workspace, {}, store);
  CHECK(values(stored, "pretrain_reused") == std::vector<double>{0});
  CHECK(state_files() == 1);
  CHECK(values(stored, "spearman") == values(fresh, "spearman"));
  const auto reused = latpred::run_experiment(config, registry, workspace, {}, store);
  CHECK(values(reused, "pretrain_reused") == std::vector<double>{1});
  // The same numbers as a fresh pretraining: weights and the generator's state come back.
  CHECK(values(reused, "spearman") == values(fresh, "spearman"));
  CHECK(values(reused, "pretrain_seconds") == values(stored, "pretrain_seconds"));
  CHECK(values(reused, "source_spearman") == values(stored, "source_spearman"));

  // Another transfer: the same pretraining, and the numbers of that transfer after a fresh pretraining.
  ExperimentConfig other_transfer = config;
  other_transfer.transfer.set("lr", 3e-3);
  REQUIRE(latpred::pretrain_identity(other_transfer) == latpred::pretrain_identity(config));
  ExperimentConfig other_sampler = config;
  other_sampler.sampler = {"kmeans", latpred::default_params(registry.get("sampler", "kmeans").schema)};
  CHECK(latpred::pretrain_identity(other_sampler) == latpred::pretrain_identity(config));
  other_sampler.source_sampler = other_sampler.sampler;  // now it picks the source archs: another pretraining
  CHECK(latpred::pretrain_identity(other_sampler) != latpred::pretrain_identity(config));
  const auto transferred = latpred::run_experiment(other_transfer, registry, workspace, {}, store);
  CHECK(values(transferred, "pretrain_reused") == std::vector<double>{1});
  CHECK(values(transferred, "spearman") ==
        values(latpred::run_experiment(other_transfer, registry, workspace), "spearman"));
  CHECK(values(transferred, "spearman") != values(fresh, "spearman"));

  // Another pretraining (seed or [train]) stores a state of its own.
  ExperimentConfig other_seed = config;
  other_seed.seed = 4;
  CHECK(values(latpred::run_experiment(other_seed, registry, workspace, {}, store), "pretrain_reused") ==
        std::vector<double>{0});
  CHECK(state_files() == 2);
  // The same config on another data directory (here the same tables under another name) does not reuse it.
  ExperimentConfig other_data = config;
  other_data.data_dir = data_dir + "/.";
  workspace.put(other_data.data_dir, "nb201", workspace.dataset(data_dir, "nb201"));
  CHECK(values(latpred::run_experiment(other_data, registry, workspace, {}, store), "pretrain_reused") ==
        std::vector<double>{0});
  CHECK(state_files() == 3);

  // A damaged state is refused with its file named, never half-used.
  const fs::path file = latpred::pretrained_state_path(store, latpred::store_identity(config));
  fs::resize_file(file, fs::file_size(file) / 2);
  CHECK_THROWS_WITH(latpred::run_experiment(config, registry, workspace, {}, store),
                    Catch::Contains(file.string()) && Catch::Contains("truncated"));
}

TEST_CASE("ensemble members' predictions are standardised before they are averaged", "[trainer][ensemble]") {
  // Member b scores like member a on another scale: the ensemble equals a alone, standardised on set 0.
  const std::vector<float> a0{1, 2, 4, 5}, a1{3, 0};
  auto affine = [](const std::vector<float>& v) {
    std::vector<float> out;
    out.reserve(v.size());
    for (float x : v) out.push_back(100 * x - 7);
    return out;
  };
  const latpred::EpochPredictions a{{a0, a1}}, b{{affine(a0), affine(a1)}};
  const latpred::EpochPredictions mean = latpred::mean_of_standardised({a, b});
  const float sd = std::sqrt(2.5f);  // population sd of a0 (mean 3)
  for (std::size_t s = 0; s < 2; ++s) {
    for (std::size_t i = 0; i < a[0][s].size(); ++i) CHECK(mean[0][s][i] == Approx((a[0][s][i] - 3) / sd));
  }
  const latpred::EpochPredictions shorter{{{1, 2}, a1}};
  CHECK_THROWS_WITH(latpred::mean_of_standardised({a, shorter}), Catch::Contains("set sizes differ"));
  CHECK_THROWS_WITH(latpred::mean_of_standardised({a, {}}), Catch::Contains("evaluation counts differ"));
}

TEST_CASE("an ensemble run pretrains each member as a run of the member's seed would, and stores them",
          "[trainer][ensemble][pretrained]") {
  const study_test::ScratchDir scratch("ensemble");
  const fs::path store = scratch.path / "pretrained";
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Workspace workspace;
  ExperimentConfig config = latpred::test::builtin_cpu_task(registry);
  const auto single = latpred::run_experiment(config, registry, workspace, {}, store);
  const ExperimentConfig one_member = config;
  config.transfer.set("ensemble_members", int64_t{2});
  REQUIRE(latpred::pretrain_identity(config) == latpred::pretrain_identity(one_member));
  const auto ensemble = latpred::run_experiment(config, registry, workspace, {}, store);
  CHECK(values(ensemble, "pretrain_reused") == std::vector<double>{1});  // member 0 is the single run's
  REQUIRE(values(ensemble, "ensemble_pretrain_seconds").size() == 1);
  CHECK(values(ensemble, "ensemble_pretrain_seconds")[0] > 0);
  CHECK(values(ensemble, "spearman") != values(single, "spearman"));
  CHECK(values(latpred::run_experiment(config, registry, workspace, {}, store), "spearman") ==
        values(ensemble, "spearman"));  // deterministic, member 1 now reused
  CHECK(values(latpred::run_experiment(config, registry, workspace), "spearman") ==
        values(ensemble, "spearman"));  // and equal to fresh pretrainings
  // Member 1 is the pretraining of a run whose seed is the member's.
  ExperimentConfig member = config;
  member.transfer.set("ensemble_members", int64_t{1});
  member.seed = latpred::derive_seed(config.seed, "ensemble_member", "", 1);
  CHECK(values(latpred::run_experiment(member, registry, workspace, {}, store), "pretrain_reused") ==
        std::vector<double>{1});
}
