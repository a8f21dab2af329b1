// Sampler plugins: a conformance suite over every sampler type of the build tree, then the behaviour of each
// (stratified buckets and ties, k-means clusters, cosine typicality, the kmeancosine split) and the
// [sampler_features] slot from study file to sampler.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "latpred/accuracy.hpp"
#include "latpred/experiment.hpp"
#include "latpred/sampler.hpp"
#include "latpred/study.hpp"
#include "study_test_support.hpp"
#include "support.hpp"

namespace {

using latpred::SampleRequest;

const latpred::Registry& plugins() { return latpred::test::build_plugins().registry(); }

std::shared_ptr<latpred::Sampler> make_sampler(const std::string& type, std::map<std::string, std::string> set = {}) {
  latpred::Params params = latpred::default_params(plugins().get("sampler", type).schema);
  for (const auto& [key, value] : set) params.set(key, value);
  return plugins().create<latpred::Sampler>(type, params);
}

// n NB201 archs with random ops; device 0 misses every 7th arch (so candidates != all archs), device 1 has all.
std::shared_ptr<latpred::Dataset> random_dataset(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> op(0, 4);
  std::vector<std::vector<int>> archs;
  for (int64_t a = 0; a < n; ++a) archs.push_back({op(rng), op(rng), op(rng), op(rng), op(rng), op(rng)});
  auto data = std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
  std::uniform_real_distribution<float> ms(1.0f, 10.0f);
  std::vector<float> a(n), b(n);
  for (int64_t i = 0; i < n; ++i) {
    a[i] = i % 7 == 3 ? NAN : ms(rng);
    b[i] = ms(rng);
  }
  data->add_device({"dev_a", latpred::DeviceType::GPU, 1, "test"}, a);
  data->add_device({"dev_b", latpred::DeviceType::CPU, 1, "test"}, b);
  return data;
}

latpred::ArchFeatures random_features(int64_t n, int64_t d, uint64_t seed) {
  at::manual_seed(seed);
  latpred::ArchFeatures f;
  f.vec = at::randn({n, d});
  return f;
}

SampleRequest request_for(const latpred::Dataset& data, const latpred::ArchFeatures& features, int64_t k, uint64_t seed,
                          int device = 0) {
  return SampleRequest{&data, &features, data.measured_archs(device), k, device, seed};
}

bool distinct(const std::vector<int64_t>& v) { return std::set<int64_t>(v.begin(), v.end()).size() == v.size(); }

bool within(const std::vector<int64_t>& picks, const std::vector<int64_t>& candidates) {
  const std::set<int64_t> allowed(candidates.begin(), candidates.end());
  return std::all_of(picks.begin(), picks.end(), [&](int64_t a) { return allowed.count(a) != 0; });
}

// A dataset of n archs measured on one device with the given latencies (ops irrelevant).
std::shared_ptr<latpred::Dataset> dataset_with_latency(const std::vector<float>& ms) {
  std::vector<std::vector<int>> archs(ms.size(), std::vector<int>{1, 2, 3, 4, 1, 2});
  auto data = std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
  data->add_device({"dev", latpred::DeviceType::GPU, 1, "test"}, ms);
  return data;
}

// `clusters` tight groups of `size` points in d dimensions, far apart; row i belongs to group i % clusters.
latpred::ArchFeatures clustered_features(int64_t clusters, int64_t size, int64_t d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  latpred::ArchFeatures f;
  f.vec = at::zeros({clusters * size, d});
  auto acc = f.vec.accessor<float, 2>();
  for (int64_t i = 0; i < clusters * size; ++i)
    for (int64_t j = 0; j < d; ++j) acc[i][j] = (j == i % clusters ? 50.0f : 0.0f) + noise(rng);
  return f;
}

// Brute-force mean cosine similarity of each candidate to all candidates.
std::vector<double> brute_mean_cosine(const at::Tensor& vec, const std::vector<int64_t>& candidates) {
  std::vector<double> out;
  for (int64_t a : candidates) {
    double sum = 0.0;
    for (int64_t b : candidates) {
      const at::Tensor u = vec[a], v = vec[b];
      sum += (u.dot(v) / (u.norm() * v.norm())).item<double>();
    }
    out.push_back(sum / static_cast<double>(candidates.size()));
  }
  return out;
}

// Candidates ordered by ascending score (ties by arch id).
std::vector<int64_t> sorted_by(const std::vector<double>& score, const std::vector<int64_t>& candidates) {
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return score[a] != score[b] ? score[a] < score[b] : candidates[a] < candidates[b];
  });
  std::vector<int64_t> out;
  for (std::size_t i : order) out.push_back(candidates[i]);
  return out;
}

}  // namespace

TEST_CASE("every sampler plugin conforms", "[samplers][conformance]") {
  const auto types = plugins().types("sampler");
  REQUIRE(types.size() >= 6);
  const auto data = random_dataset(60, 5);
  const latpred::ArchFeatures features = random_features(60, 9, 5);
  const std::vector<int64_t> candidates = data->measured_archs(0);
  REQUIRE(candidates.size() == 51);  // 9 of 60 archs unmeasured on dev_a
  const auto n = static_cast<int64_t>(candidates.size());
  for (const std::string& type : types) {
    DYNAMIC_SECTION("sampler " << type) {
      for (int64_t k : {int64_t{1}, int64_t{5}, n}) {
        INFO("k = " << k);
        const auto picks = make_sampler(type)->select(request_for(*data, features, k, 7));
        CHECK(static_cast<int64_t>(picks.size()) == k);
        CHECK(distinct(picks));
        CHECK(within(picks, candidates));
        // Deterministic under the seed, also from a fresh instance.
        CHECK(make_sampler(type)->select(request_for(*data, features, k, 7)) == picks);
      }
      std::set<std::vector<int64_t>> outcomes;
      auto sampler = make_sampler(type);
      for (uint64_t seed = 1; seed <= 8; ++seed)
        outcomes.insert(sampler->select(request_for(*data, features, 5, seed)));
      // Default parameters are seed-dependent for every type but "first", which reproduces a fixed choice.
      CHECK((outcomes.size() > 1) == (type != "first"));
      CHECK_THROWS_AS(sampler->select(request_for(*data, features, n + 1, 1)), latpred::Error);
      CHECK_THROWS_WITH(sampler->select(request_for(*data, features, n + 1, 1)),
                        Catch::Contains("k=52") && Catch::Contains("51 candidates"));
    }
  }
}

TEST_CASE("first: the lowest arch indices in ascending order, from unsorted candidates, whatever the seed",
          "[samplers]") {
  const auto data = random_dataset(60, 5);
  const latpred::ArchFeatures features = random_features(60, 9, 5);
  SampleRequest request = request_for(*data, features, 4, 3);
  std::vector<int64_t> shuffled = request.candidates;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(5));
  request.candidates = shuffled;
  std::vector<int64_t> sorted = shuffled;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<int64_t> lowest(sorted.begin(), sorted.begin() + 4);
  CHECK(make_sampler("first")->select(request) == lowest);
  request.seed = 99;
  CHECK(make_sampler("first")->select(request) == lowest);
}

TEST_CASE("embedding samplers without a flat vector point to [sampler_features]", "[samplers]") {
  const auto data = random_dataset(20, 1);
  latpred::ArchFeatures graph_only;
  graph_only.ops = at::zeros({20, 8}, at::kLong);
  const std::vector<std::pair<std::string, std::map<std::string, std::string>>> cases = {
      {"kmeans", {}}, {"cosine", {}}, {"cosine_greedy", {}}, {"kmeancosine", {}}, {"stratified", {{"on", "feature"}}}};
  for (const auto& [type, set] : cases) {
    INFO(type);
    CHECK_THROWS_AS(make_sampler(type, set)->select(request_for(*data, graph_only, 3, 1)), latpred::ConfigError);
    CHECK_THROWS_WITH(make_sampler(type, set)->select(request_for(*data, graph_only, 3, 1)),
                      Catch::Contains("[sampler_features]"));
  }
}

TEST_CASE("stratified: array_split buckets, ties by arch id, one random member per bucket", "[samplers]") {
  // Sorted by (latency, id): 1 9 | 5 | 2 3 4 7 | 0 | 8 | 6. array_split(10, 3) = sizes 4, 3, 3.
  const auto data = dataset_with_latency({5, 1, 3, 3, 3, 2, 9, 3, 7, 1});
  const latpred::ArchFeatures none;
  const std::vector<std::set<int64_t>> buckets = {{1, 9, 5, 2}, {3, 4, 7}, {0, 8, 6}};
  auto sampler = make_sampler("stratified");
  std::vector<std::set<int64_t>> seen(3);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto picks = sampler->select(request_for(*data, none, 3, seed));
    REQUIRE(picks.size() == 3);
    for (std::size_t b = 0; b < 3; ++b) {
      CHECK(buckets[b].count(picks[b]) == 1);
      seen[b].insert(picks[b]);
    }
  }
  CHECK(seen == buckets);  // every member of each bucket is drawn: uniform within the bucket
  // k = n returns the whole sorted order; the tied latencies 3 (archs 2, 3, 4, 7) come in arch order.
  CHECK(sampler->select(request_for(*data, none, 10, 1)) == std::vector<int64_t>{1, 9, 5, 2, 3, 4, 7, 0, 8, 6});

  // on = feature sorts by a column of the sampler's features: the latency as column 1 gives the same picks.
  latpred::ArchFeatures features;
  features.vec = at::zeros({10, 2});
  for (int64_t i = 0; i < 10; ++i) features.vec[i][1] = data->latency_ms(0)[i];
  auto on_feature = make_sampler("stratified", {{"on", "feature"}});
  auto column = [&](int64_t index) {
    latpred::Params p = latpred::default_params(plugins().get("sampler", "stratified").schema);
    p.set("on", std::string("feature"));
    p.set("feature_index", index);
    return plugins().create<latpred::Sampler>("stratified", p);
  };
  for (uint64_t seed : {3, 4})
    CHECK(column(1)->select(request_for(*data, features, 3, seed)) ==
          sampler->select(request_for(*data, features, 3, seed)));
  CHECK_THROWS_WITH(column(2)->select(request_for(*data, features, 3, 1)),
                    Catch::Contains("feature_index 2 is out of range") && Catch::Contains("2 columns"));
  CHECK_THROWS_AS(on_feature->select(request_for(*data, none, 3, 1)), latpred::ConfigError);

  // The source samples have no target device: the oracle then needs oracle_device.
  SampleRequest source = request_for(*data, none, 3, 1);
  source.device = -1;
  CHECK_THROWS_WITH(sampler->select(source), Catch::Contains("oracle_device"));
  CHECK(make_sampler("stratified", {{"oracle_device", "dev"}})->select(source) ==
        sampler->select(request_for(*data, none, 3, 1)));
  CHECK_THROWS_WITH(make_sampler("stratified", {{"oracle_device", "devv"}})->select(source), Catch::Contains("devv"));
}

TEST_CASE("stratified on NB201 accuracy sorts by the NATS-Bench table", "[samplers]") {
  const std::string data_dir = latpred::test::shared_data_dir();
  if (data_dir.empty()) {
    WARN("../shared/data not found: test skipped");
    return;
  }
  const auto data = random_dataset(40, 11);
  data->set_data_dir(data_dir);  // where the sampler finds the accuracy table
  const latpred::ArchFeatures none;
  const auto accuracy = latpred::load_nb201_accuracy(data_dir, *data, "cifar10").accuracy;
  SampleRequest request{data.get(), &none, data->measured_archs(1), 40, 1, 1};
  const auto all = make_sampler("stratified", {{"on", "accuracy"}})->select(request);
  REQUIRE(all.size() == 40);
  for (std::size_t i = 1; i < all.size(); ++i) {
    CHECK(accuracy[all[i - 1]] <= accuracy[all[i]]);
    if (accuracy[all[i - 1]] == accuracy[all[i]]) CHECK(all[i - 1] < all[i]);
  }
  const auto fbnet = std::make_shared<latpred::Dataset>(latpred::make_fbnet_space(),
                                                        std::vector<std::vector<int>>(3, std::vector<int>(22, 0)));
  fbnet->add_device({"dev", latpred::DeviceType::GPU, 1, "test"}, {1, 2, 3});
  fbnet->set_data_dir(data_dir);
  SampleRequest other{fbnet.get(), &none, {0, 1, 2}, 2, 0, 1};
  CHECK_THROWS_WITH(make_sampler("stratified", {{"on", "accuracy"}})->select(other), Catch::Contains("nb201 only"));
}

TEST_CASE("kmeans picks one arch per well-separated cluster", "[samplers]") {
  const int64_t clusters = 6;
  const auto data = random_dataset(clusters * 10, 2);
  const latpred::ArchFeatures features = clustered_features(clusters, 10, 8, 3);
  for (const std::string pick : {"random", "nearest"}) {
    auto sampler = make_sampler("kmeans", {{"pick", pick}});
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      INFO("pick " << pick << ", seed " << seed);
      SampleRequest request{data.get(), &features, data->measured_archs(1), clusters, 1, seed};
      const auto picks = sampler->select(request);
      std::set<int64_t> groups;
      for (int64_t a : picks) groups.insert(a % clusters);
      CHECK(groups.size() == static_cast<std::size_t>(clusters));
    }
  }
  // nearest: the arch closest to each cluster mean, so it does not depend on the member draw.
  auto nearest = make_sampler("kmeans", {{"pick", "nearest"}});
  SampleRequest request{data.get(), &features, data->measured_archs(1), clusters, 1, 1};
  std::vector<int64_t> expected;
  for (int64_t g = 0; g < clusters; ++g) {
    std::vector<int64_t> members;
    for (int64_t a = g; a < clusters * 10; a += clusters) members.push_back(a);
    const at::Tensor rows = features.vec.index_select(0, at::tensor(members));
    const at::Tensor dist = (rows - rows.mean(0)).pow(2).sum(1);
    expected.push_back(members[dist.argmin().item<int64_t>()]);
  }
  auto got = nearest->select(request);
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  CHECK(got == expected);
}

// Scale check (the figure is printed, not asserted: speed is for benchmarks, not unit tests).
TEST_CASE("kmeans at the scale of NB201 x CAZ: 15625 x 77, k = 20", "[samplers]") {
  const int64_t n = 15625;
  std::vector<std::vector<int>> archs(n, std::vector<int>{1, 2, 3, 4, 1, 2});
  latpred::Dataset data(latpred::make_nb201_space(), archs);
  data.add_device({"dev", latpred::DeviceType::GPU, 1, "test"}, std::vector<float>(n, 1.0f));
  // Structured like real embeddings: 40 blobs in a 77-d space plus noise.
  at::manual_seed(1);
  const at::Tensor centers = at::randn({40, 77});
  latpred::ArchFeatures features;
  features.vec = centers.index_select(0, at::randint(40, {n}, at::kLong)) + 0.5 * at::randn({n, 77});
  auto sampler = make_sampler("kmeans");
  sampler->select(request_for(data, features, 20, 2));  // warm-up: first use of the BLAS / dispatcher in the process
  const auto start = std::chrono::steady_clock::now();
  const auto picks = sampler->select(request_for(data, features, 20, 1));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(picks.size() == 20);
  CHECK(distinct(picks));
  WARN("kmeans 15625 x 77, k=20, n_init=10: " << seconds << " s");
}

TEST_CASE("cosine: the O(N D) mean cosine matches brute force, and topk picks the most atypical", "[samplers]") {
  const auto data = random_dataset(30, 4);
  latpred::ArchFeatures features = random_features(30, 6, 4);
  const std::vector<int64_t> candidates = data->measured_archs(0);
  const std::vector<int64_t> expected = sorted_by(brute_mean_cosine(features.vec, candidates), candidates);
  auto topk = make_sampler("cosine", {{"mode", "topk"}});
  const auto n = static_cast<int64_t>(candidates.size());
  CHECK(topk->select(request_for(*data, features, n, 1)) == expected);
  // Three outliers among vectors that all point one way: topk = the outliers, whatever the seed.
  at::manual_seed(2);
  features.vec = at::ones({30, 6}) + 0.05 * at::randn({30, 6});
  features.vec[4] = at::tensor(std::vector<float>{-1.0f, 1, 0, 0, 0, 0});
  features.vec[11] = at::tensor(std::vector<float>{0.0f, 0, 0, 0, 0, 5});
  features.vec[20] = at::tensor(std::vector<float>{0.0f, 0, -1, 0, 0, 0});
  for (uint64_t seed : {1, 2, 3}) {
    auto picks = topk->select(request_for(*data, features, 3, seed));
    std::sort(picks.begin(), picks.end());
    CHECK(picks == std::vector<int64_t>{4, 11, 20});
  }
  // bucketed: one member of each of k buckets of the same order.
  const std::vector<int64_t> order = topk->select(request_for(*data, features, n, 1));
  const auto picks = make_sampler("cosine")->select(request_for(*data, features, 4, 9));
  REQUIRE(n == 26);
  const std::vector<int64_t> sizes = {7, 7, 6, 6};  // numpy array_split(26, 4)
  int64_t begin = 0;
  for (std::size_t b = 0; b < 4; ++b) {
    const auto first = order.begin() + begin, last = first + sizes[b];
    CHECK(std::find(first, last, picks[b]) != last);
    begin += sizes[b];
  }
}

TEST_CASE("cosine_greedy follows the least similar unchosen arch", "[samplers]") {
  const auto data = random_dataset(25, 6);
  const latpred::ArchFeatures features = random_features(25, 5, 6);
  const std::vector<int64_t> candidates = data->measured_archs(0);
  const auto picks = make_sampler("cosine_greedy")->select(request_for(*data, features, 8, 3));
  REQUIRE(picks.size() == 8);
  for (std::size_t i = 1; i < picks.size(); ++i) {
    const at::Tensor last = features.vec[picks[i - 1]];
    double lowest = INFINITY;
    int64_t best = -1;
    for (int64_t c : candidates) {
      if (std::find(picks.begin(), picks.begin() + i, c) != picks.begin() + i) continue;
      const double cos = (last.dot(features.vec[c]) / (last.norm() * features.vec[c].norm())).item<double>();
      if (cos < lowest) lowest = cos, best = c;
    }
    CHECK(picks[i] == best);
  }
}

TEST_CASE("kmeancosine: floor(k/2) from kmeans, the rest from cosine buckets", "[samplers]") {
  const auto data = random_dataset(60, 8);
  const latpred::ArchFeatures features = clustered_features(6, 10, 8, 9);
  const std::vector<int64_t> candidates = data->measured_archs(0);
  const std::vector<int64_t> order = sorted_by(brute_mean_cosine(features.vec, candidates), candidates);
  for (int64_t k : {int64_t{5}, int64_t{6}}) {
    for (uint64_t seed : {1, 2}) {
      INFO("k = " << k << ", seed " << seed);
      const auto picks = make_sampler("kmeancosine")->select(request_for(*data, features, k, seed));
      REQUIRE(static_cast<int64_t>(picks.size()) == k);
      CHECK(distinct(picks));
      const int64_t half = k / 2;
      const auto kmeans = make_sampler("kmeans")->select(request_for(*data, features, half, seed));
      CHECK(std::vector<int64_t>(picks.begin(), picks.begin() + half) == kmeans);
      // The cosine half: one arch from each of k - half contiguous buckets of the cosine order.
      const auto n = static_cast<int64_t>(order.size());
      const int64_t buckets = k - half;
      int64_t begin = 0;
      for (int64_t b = 0; b < buckets; ++b) {
        const int64_t size = n / buckets + (b < n % buckets ? 1 : 0);
        const auto first = order.begin() + begin, last = first + size;
        CHECK(std::find(first, last, picks[half + b]) != last);
        begin += size;
      }
    }
  }
}

TEST_CASE("sampler_features: the study slot resolves, round-trips and can be swept", "[samplers][study]") {
  using namespace study_test;
  const ScratchDir scratch("sampler_features");
  const fs::path& dir = scratch.path;
  const std::string base = R"(
[task]
name = "tiny"
space = "nb201"
train = ["dev_a"]
test = ["dev_b"]
[encoder]
type = "adjacency_ops"
[sampler]
type = "kmeans"
[devicerep]
type = "learned_embedding"
[model]
type = "dgf"
[sampler_features]
type = "op_counts"
features = "counts"
)";
  const fs::path file = write_text(dir / "s.toml", "[study]\nseeds = [1]\n" + base +
                                                       "[[sweep.axes]]\nkey = \"sampler_features.normalize\"\n"
                                                       "values = [true, false]\n");
  const auto study = latpred::load_study(file, plugins(), options_in(dir));
  REQUIRE(study.runs.size() == 2);
  const auto& config = study.runs[0].config;
  REQUIRE(config.sampler_features.size() == 1);
  CHECK(config.sampler_features[0].type == "op_counts");
  CHECK(config.sampler_features[0].params.get_string("features") == "counts");
  CHECK(study.runs[1].config.sampler_features[0].params.get_bool("normalize") == false);
  CHECK(study.runs[0].key != study.runs[1].key);
  CHECK_THAT(study.runs[0].resolved, Catch::Contains("[sampler_features]\ntype = \"op_counts\""));
  const auto runs =
      latpred::load_resolved_runs(write_text(dir / "r.toml", latpred::resolved_study_toml(study)), plugins());
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].key == study.runs[1].key);
  CHECK(runs[1].config.sampler_features[0].params.get_bool("normalize") == false);

  write_text(dir / "bad.toml", "[study]\nseeds = [1]\n" + base + "dims = 3\n");
  CHECK_THROWS_WITH(latpred::load_study(dir / "bad.toml", plugins(), options_in(dir)),
                    Catch::Contains("sampler_features.dims"));
  write_text(dir / "none.toml", "[study]\nseeds = [1]\n" + base.substr(0, base.find("[sampler_features]")));
  CHECK(latpred::load_study(dir / "none.toml", plugins(), options_in(dir)).runs[0].config.sampler_features.empty());

  // [[sampler_features]]: a list, kept in order, written back as a list.
  const std::string list =
      base.substr(0, base.find("[sampler_features]")) +
      "[[sampler_features]]\ntype = \"op_counts\"\n[[sampler_features]]\ntype = \"flops_params\"\n";
  const auto two =
      latpred::load_study(write_text(dir / "two.toml", "[study]\nseeds = [1]\n" + list), plugins(), options_in(dir));
  REQUIRE(two.runs[0].config.sampler_features.size() == 2);
  CHECK(two.runs[0].config.sampler_features[1].type == "flops_params");
  CHECK(two.runs[0].key != study.runs[0].key);
  CHECK_THAT(two.runs[0].resolved, Catch::Contains("[[sampler_features]]\ntype = \"flops_params\""));
  const auto two_back =
      latpred::load_resolved_runs(write_text(dir / "r2.toml", latpred::resolved_study_toml(two)), plugins());
  REQUIRE(two_back.size() == 1);
  CHECK(two_back[0].key == two.runs[0].key);
  CHECK(two_back[0].config.sampler_features.size() == 2);
}

namespace {

// Records what each select() call received; picks the first k candidates.
struct Seen {
  int64_t vec_dim = -1;  // -1 = no flat vector
  int device = 0;
  std::string data_dir;
};

class RecordingSampler : public latpred::Sampler {
 public:
  explicit RecordingSampler(std::vector<Seen>* log) : log_(log) {}
  std::vector<int64_t> select(const SampleRequest& r) override {
    const bool has_vec = r.features && r.features->vec.defined();
    log_->push_back({has_vec ? r.features->vec.size(1) : -1, r.device, r.data->data_dir().string()});
    return {r.candidates.begin(), r.candidates.begin() + r.k};
  }

 private:
  std::vector<Seen>* log_;
};

}  // namespace

TEST_CASE("sampler_features reach both samplers in run_experiment", "[samplers][trainer]") {
  std::vector<Seen> log;
  latpred::Registry registry;
  for (const latpred::ComponentSpec* spec : plugins().all()) registry.add(*spec);
  latpred::ComponentSpec recorder;
  recorder.kind = "sampler";
  recorder.type = "recorder";
  recorder.create = [&log](const latpred::Params&) { return std::make_shared<RecordingSampler>(&log); };
  registry.add(recorder);

  // A tiny in-memory task: 40 archs, dev_a -> dev_b.
  latpred::Workspace workspace;
  auto tiny = random_dataset(40, 3);
  tiny->set_data_dir("in-memory");  // what samplers see as the data directory
  workspace.put("in-memory", "nb201", tiny);
  auto component = [&](const char* kind, const std::string& type) {
    return latpred::ComponentConfig{type, latpred::default_params(registry.get(kind, type).schema)};
  };
  latpred::ExperimentConfig c;
  c.data_dir = "in-memory";
  c.task = {"tiny", "nb201", {"dev_b"}, {"dev_a"}, "test task"};
  c.encoder = component("encoder", "adjacency_ops");
  c.sampler = component("sampler", "recorder");
  c.source_sampler = component("sampler", "recorder");
  c.devicerep = component("devicerep", "learned_embedding");
  c.model = component("model", "dgf");
  c.model.params.set("gnn_dims", std::vector<int64_t>{8});
  c.model.params.set("op_update_dims", std::vector<int64_t>{8});
  c.model.params.set("head_dims", std::vector<int64_t>{8});
  c.train = latpred::default_params(latpred::train_schema());
  c.train.set("source_samples", int64_t{8});
  c.train.set("epochs", int64_t{1});
  c.transfer = latpred::default_params(latpred::transfer_schema());
  c.transfer.set("k", std::vector<int64_t>{4});
  c.transfer.set("epochs", int64_t{1});

  latpred::run_experiment(c, registry, workspace);  // the study's encoder has only a graph
  REQUIRE(log.size() == 2);
  CHECK(log[0].vec_dim == -1);
  CHECK(log[1].vec_dim == -1);

  log.clear();
  c.sampler_features = {component("encoder", "op_counts")};
  latpred::run_experiment(c, registry, workspace);
  REQUIRE(log.size() == 2);
  CHECK(log[0].device == -1);   // the source samples
  CHECK(log[0].vec_dim == 35);  // op_counts on NB201: 6 x 5 one-hot + 5 counts
  CHECK(log[1].device == 0);    // the transfer samples on dev_a
  CHECK(log[1].vec_dim == 35);
  CHECK(log[1].data_dir == "in-memory");

  // Several encoders: their vectors side by side (op_counts 35 + flops_params 2).
  log.clear();
  c.sampler_features.push_back(component("encoder", "flops_params"));
  latpred::run_experiment(c, registry, workspace);
  REQUIRE(log.size() == 2);
  CHECK(log[0].vec_dim == 37);
  CHECK(log[1].vec_dim == 37);
  // A graph-only encoder cannot start a concatenation: the error names the slot entry.
  c.sampler_features = {component("encoder", "adjacency_ops"), component("encoder", "op_counts")};
  CHECK_THROWS_WITH(latpred::run_experiment(c, registry, workspace), Catch::Contains("sampler_features[0].type"));
  c.sampler_features = {component("encoder", "op_counts")};

  // A real embedding sampler: refuses without a flat vector, runs with [sampler_features].
  c.sampler = component("sampler", "kmeans");
  c.source_sampler.reset();
  c.sampler_features.clear();
  CHECK_THROWS_WITH(latpred::run_experiment(c, registry, workspace), Catch::Contains("[sampler_features]"));
  c.sampler_features = {component("encoder", "op_counts")};
  const auto result = latpred::run_experiment(c, registry, workspace);
  CHECK(std::any_of(result.rows.begin(), result.rows.end(),
                    [](const latpred::ResultRow& r) { return r.metric == "spearman" && r.k == 4; }));
}
