// The arch2vec encoder: its VAE training (determinism, reconstruction above chance, the caller's random stream
// untouched) and the plugin's cache (reuse, keys, train = "never"), on small in-memory NB201 datasets.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <set>

#include "arch2vec_train.hpp"
#include "latpred/encoder.hpp"
#include "latpred/error.hpp"
#include "log_capture.hpp"
#include "study_test_support.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
namespace a2v = latpred::arch2vec;

// `count` distinct NB201 cells spread over the space (base-5 codes of the 6 op ids, stepping by a prime).
std::shared_ptr<latpred::Dataset> nb201_cells(int count, int step = 7919) {
  std::vector<std::vector<int>> archs;
  for (int i = 0; i < count; ++i) {
    std::vector<int> ops(6);
    for (int e = 5, rest = (i * step) % 15625; e >= 0; --e, rest /= 5) ops[static_cast<std::size_t>(e)] = rest % 5;
    archs.push_back(ops);
  }
  return std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
}

a2v::TrainOptions small_options(int64_t epochs) {
  a2v::TrainOptions o;
  o.model.hidden = 32;
  o.model.dim = 8;
  o.model.layers = 3;
  o.epochs = epochs;
  o.batch = 32;
  o.seed = 5;
  return o;
}

// Chance levels over the archs `rows`. Labels: the best arch-blind predictor, the most frequent label of each node.
// Adjacency: a guesser that knows only the edge density p of the upper triangle, p^2 + (1 - p)^2 (the arch-blind
// majority per entry is no bar here: arch2vec's symmetric inner-product decoder does not reach it on NB201's pruned
// graph, and on the reference graphs the adjacency is constant).
std::pair<double, double> chance(const a2v::GraphInputs& in, const at::Tensor& rows) {
  const at::Tensor ops = in.ops.index_select(0, rows);
  const int64_t n = ops.size(0), v = ops.size(1);
  int64_t ops_best = 0;
  for (int64_t node = 0; node < v; ++node) {
    std::map<int64_t, int64_t> count;
    for (int64_t a = 0; a < n; ++a) ++count[ops[a][node].item<int64_t>()];
    int64_t best = 0;
    for (const auto& [label, c] : count) best = std::max(best, c);
    ops_best += best;
  }
  const double edges = at::triu(in.adj.index_select(0, rows), 1).sum().item<double>();
  const double p = edges / static_cast<double>(n * v * (v - 1) / 2);
  return {static_cast<double>(ops_best) / static_cast<double>(n * v), p * p + (1 - p) * (1 - p)};
}

const latpred::Registry& registry() { return latpred::test::build_plugins().registry(); }

std::shared_ptr<latpred::Encoder> make_encoder(const std::string& params_toml) {
  const auto& spec = registry().get("encoder", "arch2vec");
  return registry().create<latpred::Encoder>(
      "arch2vec", latpred::resolve_params(spec.schema, toml::parse(params_toml), "encoder", "test"));
}

// A cheap plugin configuration caching into `dir`.
std::string cheap(const fs::path& dir, int seed = 0) {
  return "epochs = 1\nhidden = 16\ndim = 6\nlayers = 2\nseed = " + std::to_string(seed) + "\ncache_dir = '" +
         dir.string() + "'\n";
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

}  // namespace

TEST_CASE("arch2vec mirrors the upper triangle for the GIN encoder", "[arch2vec]") {
  const auto data = nb201_cells(3);
  const a2v::GraphInputs full = a2v::graph_inputs(*data, true);
  const at::Tensor enc = a2v::encoder_adjacency(full.adj);
  CHECK(at::equal(enc, enc.transpose(1, 2)));                      // undirected
  CHECK(at::equal(at::triu(enc, 1), full.adj));                    // the directed DAG on top
  CHECK(enc.diagonal(0, 1, 2).abs().sum().item<float>() == 0.0f);  // no self-loops added
  const at::Tensor identity = at::eye(4).unsqueeze(0);             // FBNet's graph: kept as it is
  CHECK(at::equal(a2v::encoder_adjacency(identity), identity));
}

TEST_CASE("arch2vec training is deterministic under its seed and leaves the caller's generator alone", "[arch2vec]") {
  const auto data = nb201_cells(400);
  const a2v::GraphInputs in = a2v::graph_inputs(*data, false);
  at::manual_seed(123);
  const a2v::TrainResult first = a2v::train(in, small_options(1));
  const at::Tensor after_training = at::rand({4});
  at::manual_seed(123);
  const at::Tensor untouched = at::rand({4});
  CHECK(at::equal(after_training, untouched));

  const a2v::TrainResult second = a2v::train(in, small_options(1));
  CHECK(first.table.sizes() == at::IntArrayRef({400, 8}));
  CHECK(at::isfinite(first.table).all().item<bool>());
  CHECK(at::equal(first.table, second.table));
  CHECK(at::equal(first.holdout_archs, second.holdout_archs));
  CHECK(first.holdout_archs.numel() == 40);  // 10% held out

  a2v::TrainOptions other = small_options(1);
  other.seed = 6;
  CHECK_FALSE(at::equal(first.table, a2v::train(in, other).table));
}

TEST_CASE("arch2vec reconstructs held-out archs well above chance after a short training", "[arch2vec]") {
  const auto data = nb201_cells(2000);
  const a2v::GraphInputs in = a2v::graph_inputs(*data, false);  // NASFLAT's pruned graph: the adjacency varies
  a2v::TrainOptions options = small_options(7);
  options.lr = 0.01;  // a few hundred steps instead of arch2vec's thousands
  const a2v::TrainResult result = a2v::train(in, options);
  const auto [ops_chance, adj_chance] = chance(in, result.holdout_archs);
  INFO("ops " << result.holdout.ops << " (chance " << ops_chance << "), adjacency " << result.holdout.adj << " (chance "
              << adj_chance << ")");
  // At least half of the gap between chance and perfect label reconstruction is closed.
  CHECK(result.holdout.ops > ops_chance + 0.5 * (1.0 - ops_chance));
  CHECK(result.holdout.adj > adj_chance);
}

TEST_CASE("arch2vec plugin caches its table and reuses it", "[arch2vec]") {
  const study_test::ScratchDir dir("arch2vec_cache");
  const auto data = nb201_cells(300);
  const latpred::ArchFeatures trained = make_encoder(cheap(dir.path))->encode(*data);
  REQUIRE(trained.vec.defined());
  CHECK(trained.vec.sizes() == at::IntArrayRef({300, 6}));
  CHECK_FALSE(trained.adj.defined());
  const std::vector<fs::path> files = files_in(dir.path);
  REQUIRE(files.size() == 1);
  const auto written = fs::last_write_time(files[0]);
  const std::string text = study_test::read_text(files[0]);
  CHECK(text.find("# holdout_op_accuracy: ") != std::string::npos);
  CHECK(text.find("# holdout_adj_accuracy: ") != std::string::npos);
  CHECK(text.find("seed=0") != std::string::npos);

  SECTION("the second encode loads the table instead of training") {
    const latpred_test::LogCapture log;
    const latpred::ArchFeatures loaded = make_encoder(cheap(dir.path))->encode(*data);
    CHECK(at::allclose(loaded.vec, trained.vec, 1e-6, 1e-6));  // the table is stored as decimal text
    CHECK(log.text().find("loaded the cached table") != std::string::npos);
    CHECK(log.text().find("epoch") == std::string::npos);
    CHECK(fs::last_write_time(files[0]) == written);
    CHECK(files_in(dir.path).size() == 1);
  }
  SECTION("another seed or another arch list is another table") {
    const latpred::ArchFeatures reseeded = make_encoder(cheap(dir.path, 1))->encode(*data);
    CHECK(files_in(dir.path).size() == 2);
    CHECK_FALSE(at::allclose(reseeded.vec, trained.vec));
    make_encoder(cheap(dir.path))->encode(*nb201_cells(300, 7907));  // same size, other archs
    CHECK(files_in(dir.path).size() == 3);
  }
  SECTION("train = \"never\" loads an existing table") {
    CHECK(make_encoder(cheap(dir.path) + "train = 'never'\n")->encode(*data).vec.size(0) == 300);
  }
}

TEST_CASE("arch2vec with train = \"never\" and no table names the command that makes it", "[arch2vec]") {
  const study_test::ScratchDir dir("arch2vec_never");
  const auto data = nb201_cells(50);
  try {
    make_encoder(cheap(dir.path) + "train = 'never'\n")->encode(*data);
    FAIL("expected a DataError");
  } catch (const latpred::DataError& e) {
    const std::string message = e.what();
    CHECK(message.find(dir.path.string()) != std::string::npos);
    CHECK(message.find("latpred encode arch2vec --space nb201") != std::string::npos);
    CHECK(message.find("--set epochs=1") != std::string::npos);
  }
  CHECK(files_in(dir.path).empty());
}
