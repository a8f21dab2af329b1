// The help model plugin and its Meta-SGD training strategy (NASFLAT_METHOD §7.1) on a small synthetic dataset:
// NB201 archs whose latency on each device is a device-specific weighted count of their ops.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <random>
#include <set>

#include "latpred/experiment.hpp"
#include "latpred/metrics.hpp"
#include "latpred/training_strategy.hpp"
#include "support.hpp"

namespace {

// 400 random NB201 archs; devices 0-3 (train) weight the 5 ops by random factors around `base`, device 4 (held out)
// by `base` rotated by two ops, so its heaviest op is another one and its ranking differs.
std::shared_ptr<latpred::Dataset> synthetic_dataset() {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> op(0, 4);
  std::vector<std::vector<int>> archs(400, std::vector<int>(6));
  for (auto& a : archs)
    for (int& o : a) o = op(rng);
  auto data = std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
  std::uniform_real_distribution<float> weight(0.5f, 1.5f);
  const std::vector<float> base{0.1f, 0.2f, 3.0f, 1.0f, 0.6f};
  for (int d = 0; d < 5; ++d) {
    std::vector<float> w(5);
    for (int o = 0; o < 5; ++o) w[o] = d < 4 ? base[o] * weight(rng) : base[(o + 2) % 5];
    std::vector<float> ms;
    for (const auto& a : archs) {
      float sum = 1.0f;
      for (int o : a) sum += w[o];
      ms.push_back(sum);
    }
    data->add_device({"dev" + std::to_string(d), latpred::DeviceType::CPU, 1, "synthetic"}, ms);
  }
  return data;
}

// A help predictor over op counts with the raw reference latencies as device vector, and its strategy.
struct HelpSetup {
  std::shared_ptr<latpred::Dataset> data = synthetic_dataset();
  latpred::ArchFeatures features;
  std::shared_ptr<latpred::Model> model;
  std::unique_ptr<latpred::Predictor> predictor;
  std::shared_ptr<latpred::TrainingStrategy> strategy;

  explicit HelpSetup(latpred::Params model_params) {
    const latpred::Registry& registry = latpred::test::build_plugins().registry();
    features =
        registry
            .create<latpred::Encoder>("op_counts", latpred::default_params(registry.get("encoder", "op_counts").schema))
            ->encode(*data);
    latpred::Params rep_params = latpred::default_params(registry.get("devicerep", "reference_latency").schema);
    rep_params.set("mlp", false);
    auto rep = registry.create<latpred::DeviceRep>("reference_latency", rep_params);
    rep->prepare(latpred::DeviceContext{data.get(), {0, 1, 2, 3}, {4}});
    at::manual_seed(1);
    model = registry.create<latpred::Model>("help", model_params);
    model->build({0, 0, features.vec.size(1), rep->dim()});
    predictor = std::make_unique<latpred::Predictor>(model, rep, features);
    strategy = model->training_strategy();
  }

  // Source examples: the first 200 archs on the train devices.
  std::vector<latpred::Example> source() const {
    std::vector<latpred::Example> out;
    for (int64_t a = 0; a < 200; ++a)
      for (int d = 0; d < 4; ++d) out.push_back({a, d, data->normalized(d)[a]});
    return out;
  }

  std::vector<at::Tensor> inner_lrs() {
    std::vector<at::Tensor> out;
    for (const auto& item : model->named_parameters())
      if (item.key().rfind("inner_lr_", 0) == 0) out.push_back(item.value().detach().clone());
    return out;
  }
};

latpred::Params help_params(int64_t episodes, double inner_lr = 0.05) {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Params p = latpred::default_params(registry.get("model", "help").schema);
  p.set("hidden", int64_t{32});
  p.set("episodes", episodes);
  p.set("query", int64_t{50});
  p.set("meta_lr", 1e-3);
  p.set("inner_lr", inner_lr);
  p.set("mc", int64_t{3});
  return p;
}

double spearman_on(const std::vector<float>& pred, const latpred::Dataset& data, int device,
                   const std::vector<int64_t>& archs) {
  std::vector<double> truth;
  for (int64_t a : archs) truth.push_back(data.normalized(device)[a]);
  return latpred::spearman({pred.begin(), pred.end()}, truth);
}

}  // namespace

TEST_CASE("help meta-training learns its inner learning rates, deterministically", "[help]") {
  HelpSetup setup(help_params(5));
  const std::vector<at::Tensor> before = setup.inner_lrs();
  REQUIRE_FALSE(before.empty());
  std::mt19937_64 rng(3);
  const latpred::Params train = latpred::default_params(latpred::train_schema());
  setup.strategy->pretrain(*setup.predictor, setup.source(), train, rng, {});
  const std::vector<at::Tensor> after = setup.inner_lrs();
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    INFO("inner learning rate tensor " << i);
    CHECK(at::all(before[i] == 0.05).item<bool>());
    CHECK_FALSE(at::equal(before[i], after[i]));  // Adam moved them: they are on the meta-gradient's path
  }
  HelpSetup twin(help_params(5));
  std::mt19937_64 twin_rng(3);
  twin.strategy->pretrain(*twin.predictor, twin.source(), train, twin_rng, {});
  const std::vector<at::Tensor> again = twin.inner_lrs();
  for (std::size_t i = 0; i < after.size(); ++i) CHECK(at::equal(after[i], again[i]));
}

TEST_CASE("help adaptation improves a held-out device's ranking over no adaptation", "[help]") {
  // 60 meta-episodes cannot learn inner learning rates large enough for HELP's 2 steps to re-rank the held-out
  // device (2 steps move its Spearman by ~0.02 here): a large initial rate and 10 steps exercise the same mechanism.
  latpred::Params params = help_params(60, 0.3);
  params.set("inner_steps", int64_t{10});
  params.set("second_order", false);  // first-order meta-gradients: 3x faster here; [help] test 1 covers second order
  HelpSetup setup(params);
  std::mt19937_64 rng(3);
  setup.strategy->pretrain(*setup.predictor, setup.source(), latpred::default_params(latpred::train_schema()), rng, {});
  // k = 20 transfer archs of the held-out device; score the other 380.
  const int target = 4;
  std::vector<latpred::Example> transfer;
  std::vector<int64_t> rest;
  for (int64_t a = 0; a < 400; ++a) {
    if (a % 20 == 7) {
      transfer.push_back({a, target, setup.data->normalized(target)[a]});
    } else {
      rest.push_back(a);
    }
  }
  setup.predictor->devicerep().begin_transfer(latpred::TransferContext{setup.data.get(), target, {0, 1, 2, 3}, {}});
  const double before = spearman_on(setup.strategy->predict(*setup.predictor, rest, target), *setup.data, target, rest);
  const latpred::Params transfer_params = latpred::default_params(latpred::transfer_schema());
  setup.strategy->adapt(*setup.predictor, transfer, transfer_params, rng, {});
  const std::vector<float> adapted = setup.strategy->predict(*setup.predictor, rest, target);
  const double after = spearman_on(adapted, *setup.data, target, rest);
  INFO("held-out spearman without adaptation " << before << ", after " << after);
  CHECK(after > before + 0.1);
  // Another device is not affected by the target's adaptation.
  CHECK(setup.strategy->predict(*setup.predictor, rest, 0) == setup.predictor->predict(rest, 0));
}

TEST_CASE("reference_latency with mlp = false passes the normalised reference latencies through", "[help][devicerep]") {
  const auto data = synthetic_dataset();
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Params params = latpred::default_params(registry.get("devicerep", "reference_latency").schema);
  params.set("mlp", false);
  auto rep = registry.create<latpred::DeviceRep>("reference_latency", params);
  rep->prepare(latpred::DeviceContext{data.get(), {0, 1, 2, 3}, {4}});
  REQUIRE(rep->dim() == 10);  // count = 10 spread archs
  CHECK(rep->parameters().empty());
  const at::Tensor out = rep->forward(at::tensor(std::vector<int64_t>{0, 4}, at::kLong));
  CHECK(at::allclose(std::get<0>(out.min(1)), at::zeros({2})));  // min-max within the 10 reference archs
  CHECK(at::allclose(std::get<0>(out.max(1)), at::ones({2})));
  CHECK_FALSE(at::equal(out[0], out[1]));
}

TEST_CASE("help runs end to end through run_experiment on the built-in data", "[help][e2e]") {
  // data/ holds latencies latpred measured on a 2-core CPU (data/SOURCE.md): always present in the repository.
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::ExperimentConfig c;
  c.data_dir = std::string(LATPRED_SOURCE_DIR) + "/data";
  c.task = {"cpu", "nb201", {"cpu_b1_t1", "cpu_b4_t1"}, {"cpu_in64_b1_t1"}, "built-in data"};
  auto component = [&](const char* kind, const std::string& type) {
    return latpred::ComponentConfig{type, latpred::default_params(registry.get(kind, type).schema)};
  };
  c.encoder = component("encoder", "adjacency_ops");
  c.sampler = component("sampler", "random");
  c.devicerep = component("devicerep", "reference_latency");
  c.devicerep.params.set("mlp", false);
  c.model = component("model", "help");
  c.model.params.set("hidden", int64_t{32});
  c.model.params.set("episodes", int64_t{30});
  c.model.params.set("meta_lr", 1e-3);
  c.model.params.set("mc", int64_t{2});
  c.train = latpred::default_params(latpred::train_schema());
  c.train.set("source_samples", int64_t{200});
  c.transfer = latpred::default_params(latpred::transfer_schema());
  c.transfer.set("k", std::vector<int64_t>{10});
  latpred::Workspace workspace;
  const auto result = latpred::run_experiment(c, registry, workspace);
  double rho = NAN;
  for (const auto& row : result.rows)
    if (row.metric == "spearman") rho = row.value;
  INFO("spearman on cpu_in64_b1_t1 = " << rho);
  CHECK(rho > 0.5);  // the three CPU configurations rank archs alike; an untrained network scores ~0
}
