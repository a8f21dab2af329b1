// The cate encoder plugin: computation-aware pairing, reachability masks, masked-op pretraining (accuracy above
// chance), determinism, and the cached table (loaded on the second call, keyed by seed, train = "never").
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "arch_cost.hpp"
#include "cate_inputs.hpp"
#include "cate_pairs.hpp"
#include "cate_train.hpp"
#include "latpred/embedding_table.hpp"
#include "latpred/encoder.hpp"
#include "log_capture.hpp"
#include "study_test_support.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using study_test::ScratchDir;

const latpred::Registry& registry() { return latpred::test::build_plugins().registry(); }

// Every step-th NB201 cell in base-5 order of its op ids: archs that vary on every edge.
std::shared_ptr<latpred::Dataset> nb201_slice(int step) {
  std::vector<std::vector<int>> archs;
  for (int code = 0; code < 15625; code += step) {
    std::vector<int> ops(6);
    for (int e = 5, rest = code; e >= 0; --e, rest /= 5) ops[static_cast<std::size_t>(e)] = rest % 5;
    archs.push_back(ops);
  }
  return std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
}

// A tiny network that trains on a slice in a second or two.
const char* kTiny =
    "d_model = 8\ngraph_layers = 1\ngraph_heads = 2\ngraph_ff = 16\npair_layers = 1\npair_heads = 2\n"
    "pair_ff = 16\nepochs = 1\nbatch_size = 64\nwarmup = 0\n";

std::shared_ptr<latpred::Encoder> make_cate(const fs::path& cache, const std::string& extra = "") {
  const auto& spec = registry().get("encoder", "cate");
  const std::string text = std::string(kTiny) + "cache_dir = '" + cache.string() + "'\n" + extra;
  return registry().create<latpred::Encoder>(
      "cate", latpred::resolve_params(spec.schema, toml::parse(text), "encoder", "test"));
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::exists(dir))
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

latpred_cate::TrainSettings tiny_settings() {
  latpred_cate::TrainSettings s;
  s.d_model = 16;
  s.graph_layers = 2, s.graph_heads = 2, s.graph_ff = 32;
  s.pair_layers = 1, s.pair_heads = 2, s.pair_ff = 32;
  s.batch_size = 32, s.epochs = 2, s.warmup = 0, s.lr = 3e-3, s.seed = 5;
  return s;
}

}  // namespace

TEST_CASE("cate: pairs join archs of similar FLOPs", "[cate]") {
  const auto data = nb201_slice(1);  // all 15625 cells
  const latpred_cate::TrainData in = latpred_cate::make_train_data(*data, false, /*flops=*/true);
  const auto [lo, hi] = std::minmax_element(in.cost.begin(), in.cost.end());
  const double window = 0.02 * (*hi - *lo);
  std::vector<int64_t> all(in.cost.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  const auto pairs = latpred_cate::computation_aware_pairs(in.cost, all, 2, window, 11);
  // Each arch gets min(2, archs before it in cost order within the window) partners.
  std::vector<double> sorted = in.cost;
  std::sort(sorted.begin(), sorted.end());
  std::size_t expected = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto head = std::lower_bound(sorted.begin(), sorted.end(), sorted[i] - window) - sorted.begin();
    expected += std::min<std::size_t>(2, i - static_cast<std::size_t>(head));
  }
  CHECK(pairs.size() == expected);
  double gap = 0.0, random_gap = 0.0;
  int64_t self_pairs = 0, outside_window = 0;
  std::set<std::pair<int64_t, int64_t>> distinct;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [a, b] = pairs[i];
    self_pairs += a == b;
    const double d = in.cost[static_cast<std::size_t>(a)] - in.cost[static_cast<std::size_t>(b)];
    outside_window += d < 0.0 || d > window;
    gap += d;
    random_gap += std::abs(in.cost[i % all.size()] - in.cost[(i * 7919 + 13) % all.size()]);
    distinct.insert(pairs[i]);
  }
  CHECK(self_pairs == 0);
  CHECK(outside_window == 0);  // the partner is never costlier, nor cheaper by more than the window
  CHECK(distinct.size() == pairs.size());
  CHECK(gap < 0.1 * random_gap);  // far closer in FLOPs than arbitrary pairs
  CHECK(latpred_cate::computation_aware_pairs(in.cost, all, 2, window, 11) == pairs);
  CHECK(latpred_cate::computation_aware_pairs(in.cost, all, 2, window, 12) != pairs);
  // A zero window pairs only archs of equal FLOPs; only members are paired.
  const std::vector<int64_t> some = {3, 10, 500, 1200, 7000};
  for (const auto& [a, b] : latpred_cate::computation_aware_pairs(in.cost, some, 3, 0.0, 1)) {
    CHECK(in.cost[static_cast<std::size_t>(a)] == in.cost[static_cast<std::size_t>(b)]);
    CHECK(std::count(some.begin(), some.end(), a) == 1);
    CHECK(std::count(some.begin(), some.end(), b) == 1);
  }
  CHECK_THROWS_AS(latpred_cate::computation_aware_pairs(in.cost, {99999}, 2, window, 1), std::invalid_argument);
}

TEST_CASE("cate: the attention mask is the reachability of the graph", "[cate]") {
  // 0 -> 1 -> 2, 3 isolated with a self-loop.
  std::vector<float> adj(16, 0.0f);
  adj[0 * 4 + 1] = adj[1 * 4 + 2] = adj[3 * 4 + 3] = 1.0f;
  const std::vector<float> r = latpred_cate::reachability_mask(adj, 4);
  CHECK(r[0 * 4 + 2] == 1.0f);  // transitive
  CHECK(r[0 * 4 + 1] == 1.0f);
  CHECK(r[2 * 4 + 0] == 0.0f);  // not backwards
  CHECK(r[0 * 4 + 0] == 0.0f);  // no implicit self-attention
  CHECK(r[3 * 4 + 3] == 1.0f);
  CHECK(std::count(r.begin() + 8, r.begin() + 12, 1.0f) == 0);  // the sink reaches nothing
  CHECK_THROWS_AS(latpred_cate::reachability_mask(adj, 3), std::invalid_argument);
}

TEST_CASE("cate: masked-op accuracy after a short training beats the majority label", "[cate]") {
  const auto data = nb201_slice(13);
  const latpred_cate::TrainData in = latpred_cate::make_train_data(*data, false, false);
  // Chance: always answering the most frequent node label (what a context-blind predictor does best).
  const at::Tensor counts = at::bincount(in.tokens.reshape({-1}));
  const double chance = counts.max().item<double>() / static_cast<double>(in.tokens.numel());
  std::vector<std::string> lines;
  const latpred_cate::TrainResult result =
      latpred_cate::train_cate(in, tiny_settings(), [&](const std::string& line) { lines.push_back(line); });
  REQUIRE(result.epochs.size() == 2);
  CHECK(lines.size() == 2);
  CHECK_THAT(lines.back(), Catch::Contains("masked-op accuracy"));
  CHECK(result.heldout_pairs > 0);
  const double accuracy = result.epochs.back().heldout_accuracy;
  INFO("held-out masked-op accuracy " << accuracy << ", chance " << chance);
  CHECK(accuracy > chance);
  CHECK(result.table.sizes() == at::IntArrayRef({data->num_archs(), 16}));
}

TEST_CASE("cate: corruption masks about mask_rate of the tokens, mostly with [MASK]", "[cate]") {
  const at::Tensor tokens = at::arange(6, at::kLong).repeat({2000, 1}) % 5;
  uint64_t state = 3;
  const auto [out, targets] = latpred_cate::corrupt(tokens, 0.2, 5, 5, state);
  const at::Tensor selected = targets.ge(0);
  const double rate = selected.to(at::kDouble).mean().item<double>();
  CHECK(rate == Approx(0.2).margin(0.01));
  CHECK(at::equal(targets.masked_select(selected), tokens.masked_select(selected)));
  CHECK(at::equal(out.masked_select(selected.logical_not()), tokens.masked_select(selected.logical_not())));
  const double masked = out.eq(5).to(at::kDouble).sum().item<double>() / selected.sum().item<double>();
  CHECK(masked == Approx(0.8).margin(0.02));
}

TEST_CASE("cate: N x d_model table, deterministic under the encoder seed, cached per seed", "[cate]") {
  ScratchDir dir("cate_cache");
  const auto data = nb201_slice(23);
  const at::Tensor first = make_cate(dir.path / "a")->encode(*data).vec;
  CHECK(first.sizes() == at::IntArrayRef({data->num_archs(), 8}));
  CHECK(at::isfinite(first).all().item<bool>());
  // Trained again from scratch elsewhere: the same table, and the caller's random stream is untouched.
  at::manual_seed(42);
  const at::Tensor expected_draw = at::rand({3});
  at::manual_seed(42);
  const at::Tensor again = make_cate(dir.path / "b")->encode(*data).vec;
  CHECK(at::equal(at::rand({3}), expected_draw));
  CHECK(at::equal(first, again));

  const auto files = files_in(dir.path / "a");
  REQUIRE(files.size() == 1);
  CHECK_THAT(files[0].filename().string(), Catch::StartsWith("cate-nb201-"));
  const std::string text = study_test::read_text(files[0]);
  CHECK_THAT(text, Catch::Contains("heldout_masked_op_accuracy"));
  CHECK_THAT(text, Catch::Contains("training_seconds"));

  SECTION("the second encode loads the table instead of training") {
    const auto written = fs::last_write_time(files[0]);
    latpred_test::LogCapture log;
    const at::Tensor loaded = make_cate(dir.path / "a")->encode(*data).vec;
    CHECK(at::equal(loaded, first));
    CHECK_THAT(log.text(), Catch::Contains("loaded"));
    CHECK_THAT(log.text(), !Catch::Contains("epoch"));
    CHECK(fs::last_write_time(files[0]) == written);
  }
  SECTION("another seed trains into another file; cache_dir and train do not change the key") {
    const at::Tensor other = make_cate(dir.path / "a", "seed = 1\n")->encode(*data).vec;
    CHECK_FALSE(at::equal(other, first));
    CHECK(files_in(dir.path / "a").size() == 2);
    const at::Tensor never = make_cate(dir.path / "a", "train = 'never'\n")->encode(*data).vec;
    CHECK(at::equal(never, first));
  }
  SECTION("the same number of other archs trains into another file") {
    std::vector<std::vector<int>> reversed;
    for (int64_t a = data->num_archs() - 1; a >= 0; --a) reversed.push_back(data->arch_ops(a));
    const latpred::Dataset other(latpred::make_nb201_space(), reversed);
    make_cate(dir.path / "a")->encode(other);
    CHECK(files_in(dir.path / "a").size() == 2);
  }
}

TEST_CASE("cate: train = never without a table names the file and the command", "[cate]") {
  ScratchDir dir("cate_never");
  const auto data = nb201_slice(47);
  try {
    make_cate(dir.path, "train = 'never'\n")->encode(*data);
    FAIL("expected a DataError");
  } catch (const latpred::DataError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("latpred encode cate --space nb201"));
    CHECK_THAT(e.file(), Catch::Contains((dir.path / "cate-nb201-").string()));
  }
  CHECK(files_in(dir.path).empty());
}

TEST_CASE("cate: heads must divide d_model", "[cate]") {
  const auto& spec = registry().get("encoder", "cate");
  const auto params = latpred::resolve_params(spec.schema, toml::parse("d_model = 30"), "encoder", "test");
  try {
    registry().create<latpred::Encoder>("cate", params);
    FAIL("expected a ConfigError");
  } catch (const latpred::ConfigError& e) {
    CHECK(e.key() == "encoder.graph_heads");
    CHECK_THAT(std::string(e.what()), Catch::Contains("not divisible"));
  }
}
