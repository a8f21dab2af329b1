// The MultiPredict baseline's pieces: regression losses of fit ([train]/[transfer] loss), Monte-Carlo fine-tunes
// ([transfer] repeats) and the multipredict model trained end to end.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <numeric>
#include <random>

#include "finetune.hpp"
#include "latpred/encoder.hpp"
#include "latpred/experiment.hpp"
#include "predictor.hpp"
#include "support.hpp"

namespace {

// 60 random NB201 archs on two devices whose latency is a device-specific weighted count of the ops: learnable.
std::shared_ptr<latpred::Dataset> synthetic_dataset() {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> op(0, 4);
  std::vector<std::vector<int>> archs(60, std::vector<int>(6));
  for (auto& arch : archs)
    for (int& o : arch) o = op(rng);
  auto data = std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
  const std::vector<std::vector<float>> weights{{0.1f, 0.3f, 1.0f, 2.5f, 0.6f}, {0.1f, 0.5f, 2.0f, 1.5f, 0.4f}};
  for (std::size_t d = 0; d < weights.size(); ++d) {
    std::vector<float> latency;
    for (const auto& arch : archs) {
      float ms = 1.0f;
      for (int o : arch) ms += weights[d][static_cast<std::size_t>(o)];
      latency.push_back(ms);
    }
    data->add_device({"dev" + std::to_string(d), latpred::DeviceType::GPU, 1, "synthetic"}, latency);
  }
  return data;
}

// A multipredict predictor (small head) with a learned device embedding over the graph of every arch.
struct Fixture {
  std::shared_ptr<latpred::Dataset> data = synthetic_dataset();
  latpred::ArchFeatures features;
  std::unique_ptr<latpred::Predictor> predictor;
  std::vector<latpred::Example> examples;

  explicit Fixture(uint64_t seed) {
    const latpred::Registry& registry = latpred::test::build_plugins().registry();
    auto defaults = [&](const char* kind, const std::string& type) {
      return latpred::default_params(registry.get(kind, type).schema);
    };
    features = registry.create<latpred::Encoder>("adjacency_ops", defaults("encoder", "adjacency_ops"))->encode(*data);
    at::manual_seed(seed);
    auto rep = registry.create<latpred::DeviceRep>("learned_embedding", defaults("devicerep", "learned_embedding"));
    rep->prepare(latpred::DeviceContext{data.get(), {0, 1}, {}});
    latpred::Params params = defaults("model", "multipredict");
    params.set("gcn_width", int64_t{32});
    params.set("gcn_fc_dims", std::vector<int64_t>{32});
    params.set("head_dims", std::vector<int64_t>{64, 64});
    auto model = registry.create<latpred::Model>("multipredict", params);
    model->build({features.adj.size(1), features.num_node_labels, 0, rep->dim()});
    predictor = std::make_unique<latpred::Predictor>(model, rep, features);
    for (int d = 0; d < 2; ++d)
      for (int64_t a = 0; a < data->num_archs(); ++a) examples.push_back({a, d, data->normalized(d)[a]});
  }

  // Mean absolute (or squared) error of the scores against the normalised latencies.
  double error(bool squared) {
    double sum = 0.0;
    std::vector<int64_t> archs(static_cast<std::size_t>(data->num_archs()));
    std::iota(archs.begin(), archs.end(), int64_t{0});
    for (int d = 0; d < 2; ++d) {
      const std::vector<float> pred = predictor->predict(archs, d);
      for (std::size_t i = 0; i < archs.size(); ++i) {
        const double e = pred[i] - data->normalized(d)[archs[i]];
        sum += squared ? e * e : std::abs(e);
      }
    }
    return sum / static_cast<double>(2 * archs.size());
  }
};

latpred::FitOptions small_fit(const std::string& loss) {
  latpred::FitOptions o;
  o.epochs = 60;
  o.lr = 2e-3;
  o.batch_size = 16;
  o.loss = loss;
  return o;
}

}  // namespace

TEST_CASE("fit: l1 and mse regression reduce their error", "[trainer][loss]") {
  for (const std::string loss : {"l1", "mse"}) {
    DYNAMIC_SECTION("loss " << loss) {
      Fixture f(1);
      const bool squared = loss == "mse";
      const double before = f.error(squared);
      std::mt19937_64 rng(2);
      const double final_loss = latpred::fit(*f.predictor, f.examples, small_fit(loss), rng);
      const double after = f.error(squared);
      INFO("error before " << before << ", after " << after << ", final training loss " << final_loss);
      CHECK(after < 0.75 * before);
      CHECK(final_loss < before);
    }
  }
}

TEST_CASE("fit: hinge stays the default, the loss option takes effect, unknown losses are rejected",
          "[trainer][loss]") {
  CHECK(latpred::FitOptions{}.loss == "hinge");
  CHECK(latpred::default_params(latpred::train_schema()).get_string("loss") == "hinge");
  CHECK(latpred::default_params(latpred::transfer_schema()).get_string("loss") == "hinge");
  CHECK(latpred::default_params(latpred::transfer_schema()).get_int("repeats") == 1);
  auto trained = [](const std::string& loss) {
    Fixture f(1);
    latpred::FitOptions o = small_fit(loss);
    o.epochs = 2;
    std::mt19937_64 rng(2);
    latpred::fit(*f.predictor, f.examples, o, rng);
    return f.predictor->predict({0, 1, 2, 3}, 0);
  };
  CHECK(trained("hinge") == trained("hinge"));
  CHECK(trained("hinge") != trained("l1"));
  CHECK(trained("l1") != trained("mse"));
  Fixture f(1);
  std::mt19937_64 rng(2);
  CHECK_THROWS_AS(latpred::fit(*f.predictor, f.examples, small_fit("huber"), rng), std::invalid_argument);
}

TEST_CASE("mc_predictions averages one fine-tune per seed from the same weights", "[trainer][repeats]") {
  Fixture f(3);
  const latpred::FitOptions options = small_fit("l1");
  std::vector<latpred::Example> few(f.examples.begin(), f.examples.begin() + 10);
  const std::vector<std::vector<int64_t>> sets{{10, 11, 12, 13, 14, 15}, {0, 1}};
  const std::vector<at::Tensor> start = f.predictor->snapshot();
  auto run = [&](const std::vector<uint64_t>& seeds, int64_t eval_last) {
    f.predictor->restore(start);
    return latpred::mc_predictions(
        *f.predictor, seeds, eval_last,
        [&](std::mt19937_64& rng, const std::function<void(int64_t, int64_t)>& after_epoch) {
          latpred::fit(*f.predictor, few, options, rng, [&](int64_t e) { after_epoch(e, options.epochs); });
        },
        [&](const std::vector<int64_t>& archs) { return f.predictor->predict(archs, 0); }, sets);
  };
  const auto a = run({7}, 2);
  const auto b = run({8}, 2);
  const auto both = run({7, 8}, 2);
  REQUIRE(a.size() == 2);  // the last two epochs
  REQUIRE(both.size() == 2);
  CHECK(run({7}, 2) == a);  // deterministic
  CHECK(a != b);            // the seed matters
  for (std::size_t e = 0; e < 2; ++e)
    for (std::size_t s = 0; s < sets.size(); ++s)
      for (std::size_t i = 0; i < sets[s].size(); ++i)
        CHECK(both[e][s][i] == Approx((a[e][s][i] + b[e][s][i]) / 2).margin(1e-6));
  // An adaptation that reports no epoch is scored once, after it returns.
  f.predictor->restore(start);
  const auto untrained = latpred::mc_predictions(
      *f.predictor, {1, 2}, 4, [](std::mt19937_64&, const std::function<void(int64_t, int64_t)>&) {},
      [&](const std::vector<int64_t>& archs) { return f.predictor->predict(archs, 0); }, sets);
  REQUIRE(untrained.size() == 1);
  CHECK(untrained[0][0] == f.predictor->predict(sets[0], 0));
}

TEST_CASE("multipredict with l1 and MC fine-tunes transfers on the built-in data, deterministically",
          "[trainer][repeats][e2e]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  auto component = [&](const char* kind, const std::string& type) {
    return latpred::ComponentConfig{type, latpred::default_params(registry.get(kind, type).schema)};
  };
  latpred::ExperimentConfig c;
  c.data_dir = std::string(LATPRED_SOURCE_DIR) + "/data";
  c.task = {"cpu", "nb201", {"cpu_b1_t1", "cpu_b4_t1"}, {"cpu_in64_b1_t1"}, "built-in data"};
  c.encoder = component("encoder", "adjacency_ops");
  c.sampler = component("sampler", "random");
  c.devicerep = component("devicerep", "learned_embedding");
  c.model = component("model", "multipredict");
  c.model.params.set("gcn_width", int64_t{32});
  c.model.params.set("gcn_fc_dims", std::vector<int64_t>{32});
  c.model.params.set("head_dims", std::vector<int64_t>{64, 64});
  c.train = latpred::default_params(latpred::train_schema());
  c.train.set("source_samples", int64_t{128});
  c.train.set("epochs", int64_t{15});
  c.train.set("batch_size", int64_t{32});
  c.train.set("loss", std::string("l1"));
  c.transfer = latpred::default_params(latpred::transfer_schema());
  c.transfer.set("k", std::vector<int64_t>{20});
  c.transfer.set("epochs", int64_t{5});
  c.transfer.set("batch_size", int64_t{10});
  c.transfer.set("loss", std::string("l1"));
  c.seed = 3;
  auto spearman = [&](int64_t repeats) -> double {
    c.transfer.set("repeats", repeats);
    latpred::Workspace workspace;
    for (const auto& row : latpred::run_experiment(c, registry, workspace).rows)
      if (row.metric == "spearman") return row.value;
    FAIL("no spearman row");
    return NAN;
  };
  const double one = spearman(1);
  const double two = spearman(2);
  INFO("spearman with 1 fine-tune " << one << ", mean of 2 " << two);
  CHECK(one > 0.5);
  CHECK(two > 0.5);
  CHECK(two != one);
  CHECK(spearman(2) == two);
}
