// Encoder plugins: conformance of every encoder in the build tree, the zcp and flops_params encoders, and several
// supplementary encoders concatenated ([[supplementary]]).
#include "catch_torch.hpp"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <random>

#include "arch_cost.hpp"
#include "data_test_support.hpp"
#include "latpred/encoder.hpp"
#include "latpred/experiment.hpp"
#include "latpred/metrics.hpp"
#include "latpred/networks.hpp"
#include "latpred/study.hpp"
#include "log_capture.hpp"
#include "study_test_support.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using latpred::ConfigError;
using latpred::DataError;

const latpred::Registry& registry() { return latpred::test::build_plugins().registry(); }

// An encoder of the build tree with `params_toml` (TOML key = value lines) over its defaults.
std::shared_ptr<latpred::Encoder> make_encoder(const std::string& type, const std::string& params_toml = "") {
  const auto& spec = registry().get("encoder", type);
  const latpred::Params params = latpred::resolve_params(spec.schema, toml::parse(params_toml), "encoder", "test");
  return registry().create<latpred::Encoder>(type, params);
}

std::vector<double> column(const at::Tensor& matrix, int64_t c) {
  const at::Tensor col = matrix.select(1, c).to(at::kDouble).contiguous();
  return {col.data_ptr<double>(), col.data_ptr<double>() + col.numel()};
}

const std::vector<std::vector<int>> kTinyNb201 = {{3, 3, 3, 3, 3, 3}, {1, 2, 0, 4, 3, 1}, {2, 2, 2, 2, 2, 2}};

std::shared_ptr<latpred::Dataset> tiny_nb201() {
  return std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), kTinyNb201);
}

std::shared_ptr<latpred::Dataset> tiny_fbnet() {
  std::vector<std::vector<int>> archs = {std::vector<int>(22, 8), std::vector<int>(22, 7), std::vector<int>(22)};
  for (int i = 0; i < 22; ++i) archs[2][static_cast<std::size_t>(i)] = i % 9;
  return std::make_shared<latpred::Dataset>(latpred::make_fbnet_space(), archs);
}

// All 5^6 NB201 cells, in base-5 order of their op ids (not the NB201 index order; no data needed).
std::shared_ptr<latpred::Dataset> all_nb201() {
  std::vector<std::vector<int>> archs;
  for (int code = 0; code < 15625; ++code) {
    std::vector<int> ops(6);
    for (int e = 5, rest = code; e >= 0; --e, rest /= 5) ops[static_cast<std::size_t>(e)] = rest % 5;
    archs.push_back(ops);
  }
  return std::make_shared<latpred::Dataset>(latpred::make_nb201_space(), archs);
}

void check_features(const latpred::ArchFeatures& f, const latpred::Dataset& data) {
  const int64_t n = data.num_archs();
  REQUIRE((f.vec.defined() || f.adj.defined()));
  if (f.vec.defined()) {
    REQUIRE(f.vec.dim() == 2);
    CHECK(f.vec.size(0) == n);
    CHECK(f.vec.size(1) > 0);
    CHECK(f.vec.scalar_type() == at::kFloat);
    CHECK(at::isfinite(f.vec).all().item<bool>());
  }
  if (f.adj.defined()) {
    const int64_t v = data.space().num_nodes();
    CHECK(f.adj.sizes() == at::IntArrayRef({n, v, v}));
    CHECK(at::isfinite(f.adj).all().item<bool>());
    REQUIRE(f.ops.defined());
    CHECK(f.ops.sizes() == at::IntArrayRef({n, v}));
    CHECK(f.ops.min().item<int64_t>() >= 0);
    CHECK(f.ops.max().item<int64_t>() < f.num_node_labels);
  }
}

// Encoders that train (arch2vec, cate) would train for minutes with their defaults: the conformance suite gives
// them a tiny configuration and a scratch cache directory (TOML lines over the defaults).
std::string conformance_params(const std::string& type, const fs::path& cache) {
  const std::string cache_line = "cache_dir = '" + cache.string() + "'\n";
  if (type == "arch2vec") return "epochs = 1\nhidden = 8\ndim = 4\nlayers = 2\nbatch = 256\n" + cache_line;
  if (type == "cate")
    return "epochs = 1\nd_model = 4\ngraph_layers = 1\ngraph_heads = 1\ngraph_ff = 8\npair_layers = 1\n"
           "pair_heads = 1\npair_ff = 8\npair_k = 1\nbatch_size = 512\n" +
           cache_line;
  return "";
}

bool same(const at::Tensor& a, const at::Tensor& b) {
  return a.defined() == b.defined() && (!a.defined() || at::equal(a, b));
}

using latpred_test::LogCapture;

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const latpred::Error& e) {
    return e.what();
  }
  FAIL("expected a latpred::Error");
  return "";
}

}  // namespace

TEST_CASE("every encoder plugin conforms", "[encoders][conformance]") {
  const auto types = registry().types("encoder");
  REQUIRE(types.size() >= 4);  // adjacency_ops, op_counts, zcp, flops_params at least
  std::vector<std::pair<std::string, std::shared_ptr<const latpred::Dataset>>> datasets = {
      {"in-memory nb201", tiny_nb201()}, {"in-memory fbnet", tiny_fbnet()}};
  const auto dir = latpred_test::shared_data_dir();
  if (dir) {
    datasets.push_back({"shared nb201", latpred_test::shared_dataset("nb201")});
    datasets.push_back({"shared fbnet", latpred_test::shared_dataset("fbnet")});
  } else {
    WARN("SKIPPED the shared datasets: ../shared/data not found");
  }
  const study_test::ScratchDir cache("conformance_cache");
  for (const std::string& type : types) {
    DYNAMIC_SECTION("encoder " << type) {
      const latpred::Params defaults = latpred::resolve_params(
          registry().get("encoder", type).schema, toml::parse(conformance_params(type, cache.path)), "encoder", "test");
      int encoded = 0;
      for (const auto& [name, data] : datasets) {
        latpred::ArchFeatures first;
        try {
          first = registry().create<latpred::Encoder>(type, defaults)->encode(*data);
        } catch (const latpred::Error& e) {  // a file this dataset lacks (e.g. zcp's NB201 table)
          WARN("SKIPPED encoder " << type << " on the " << name << " dataset: " << e.what());
          continue;
        }
        INFO("encoder " << type << " on the " << name << " dataset");
        check_features(first, *data);
        const latpred::ArchFeatures second = registry().create<latpred::Encoder>(type, defaults)->encode(*data);
        CHECK(same(first.vec, second.vec));
        CHECK(same(first.adj, second.adj));
        CHECK(same(first.ops, second.ops));
        ++encoded;
      }
      if (dir) CHECK(encoded > 0);
    }
  }
}

TEST_CASE("zcp encodes NASFLAT's FBNet proxies normalised over the space", "[encoders][zcp][data]") {
  const auto dir = latpred_test::shared_data_dir();
  if (!dir || !fs::exists(*dir / "nasflat_fbnet_zcp/zc_fbnet.json")) {
    WARN("SKIPPED: ../shared/data/nasflat_fbnet_zcp not found");
    return;
  }
  const auto data = latpred_test::shared_dataset("fbnet");
  const at::Tensor z = make_encoder("zcp")->encode(*data).vec;
  REQUIRE(z.sizes() == at::IntArrayRef({5000, 13}));
  REQUIRE(at::isfinite(z).all().item<bool>());
  const std::vector<std::string> order = {"synflow", "zen",     "epe_nas", "fisher", "flops", "grad_norm", "grasp",
                                          "jacov",   "l2_norm", "nwot",    "params", "plain", "snip"};
  for (int64_t p = 0; p < 13; ++p) {
    INFO("proxy " << order[static_cast<std::size_t>(p)]);
    const at::Tensor col = z.select(1, p);
    if (order[static_cast<std::size_t>(p)] == "grasp") {  // z-score: mean 0, population std 1
      CHECK(col.mean().item<double>() == Approx(0.0).margin(1e-5));
      CHECK(col.std(/*unbiased=*/false).item<double>() == Approx(1.0).epsilon(1e-4));
    } else {  // min-max (of log1p for some): exactly spans [0, 1]
      CHECK(col.min().item<float>() == 0.0f);
      CHECK(col.max().item<float>() == 1.0f);
    }
  }

  // By hand from the JSON: zen is min-max, params min-max of log1p, over all 5000 architectures.
  std::ifstream in(*dir / "nasflat_fbnet_zcp/zc_fbnet.json");
  const auto json = nlohmann::json::parse(in);
  for (const auto& [proxy, index, use_log] :
       {std::tuple<std::string, int64_t, bool>{"zen", 1, false}, {"params", 10, true}}) {
    std::vector<double> raw;
    for (int64_t a = 0; a < data->num_archs(); ++a) {
      std::string key;
      for (int op : data->arch_ops(a)) key += (key.empty() ? "" : "_") + std::to_string(op);
      const double v = json.at(key).at(proxy).get<double>();
      raw.push_back(use_log ? std::log1p(v) : v);
    }
    const double lo = *std::min_element(raw.begin(), raw.end()), hi = *std::max_element(raw.begin(), raw.end());
    const std::vector<double> ours = column(z, index);
    for (std::size_t a : {std::size_t{0}, std::size_t{1}, std::size_t{2500}, std::size_t{4999}})
      CHECK(ours[a] == Approx((raw[a] - lo) / (hi - lo)).margin(1e-6));
  }

  // The authors' flops proxy orders the networks like latpred's analytic MACs.
  const at::Tensor cost = make_encoder("flops_params")->encode(*data).vec;
  CHECK(latpred::spearman(column(z, 4), column(cost, 0)) > 0.9);

  // A subset keeps the space's order (synflow before params), whatever order it is listed in.
  const at::Tensor subset = make_encoder("zcp", "proxies = [\"params\", \"synflow\"]")->encode(*data).vec;
  REQUIRE(subset.sizes() == at::IntArrayRef({5000, 2}));
  CHECK(at::equal(subset.select(1, 0), z.select(1, 0)));
  CHECK(at::equal(subset.select(1, 1), z.select(1, 10)));
}

TEST_CASE("zcp reads latpred's built-in NB201 proxy table for every architecture", "[encoders][zcp][data]") {
  if (!latpred_test::shared_data_dir()) {
    WARN("SKIPPED: ../shared/data not found");
    return;
  }
  // The table is committed under data/latpred/ (computed by `latpred zcp --archs all`, data/SOURCE.md).
  REQUIRE(fs::is_regular_file(latpred::builtin_data_dir() / "latpred/nb201_zcp.csv"));
  const auto data = latpred_test::shared_dataset("nb201");
  const at::Tensor z = make_encoder("zcp")->encode(*data).vec;
  REQUIRE(z.sizes() == at::IntArrayRef({15625, 13}));
  REQUIRE(at::isfinite(z).all().item<bool>());
  // flops and params are exact: they order the networks exactly like the analytic counts of the same networks
  // (flops in NASLib's convention, which the proxy follows).
  std::vector<double> flops, params;
  for (int64_t a = 0; a < data->num_archs(); ++a) {
    const latpred_cost::ArchCost cost = latpred_cost::nb201_cost(data->arch_ops(a));
    flops.push_back(static_cast<double>(cost.naslib_flops));
    params.push_back(static_cast<double>(cost.params));
  }
  CHECK(latpred::spearman(column(z, 2), flops) > 0.9999);
  CHECK(latpred::spearman(column(z, 8), params) > 0.9999);
}

TEST_CASE("zcp reads NB201 proxies from a latpred zcp table", "[encoders][zcp]") {
  const study_test::ScratchDir scratch("zcp_nb201");
  const fs::path dir = scratch.path;
  fs::create_directories(dir / "latpred");
  auto data = tiny_nb201();
  data->set_data_dir(dir);
  const double e = std::exp(1.0);
  // Columns in NB201 order. jacov of arch 0 is undefined (empty), grad_norm is constant, synflow has a negative.
  const std::string header =
      "nb201_index,ops,epe_nas,fisher,flops,grad_norm,grasp,jacov,l2_norm,nwot,params,plain,snip,synflow,zen\n";
  const std::string row0 = "0,3-3-3-3-3-3,1,0,10,1,1,,3,7,1.5,-1,0," + std::to_string(-(e - 1)) + ",5\n";
  const std::string row1 = "1,1-2-0-4-3-1,2," + std::to_string(e - 1) + ",20,1,2,4,2,8,0.5,0,0,0,6\n";
  const std::string row2 =
      "2,2-2-2-2-2-2,5," + std::to_string(e * e - 1) + ",30,1,3,6,1,9,1.0,1,1," + std::to_string(e - 1) + ",7\n";
  study_test::write_text(dir / "latpred/nb201_zcp.csv", header + row1 + row0 + row2);  // rows in any order

  SECTION("normalisation by hand") {
    const LogCapture log;
    const at::Tensor z = make_encoder("zcp")->encode(*data).vec;
    REQUIRE(z.sizes() == at::IntArrayRef({3, 13}));
    const double s = std::sqrt(2.0 / 3.0);  // population std of 1, 2, 3
    auto minmax_log = [](double v, double lo, double hi) {
      return (std::log1p(v) - std::log1p(lo)) / (std::log1p(hi) - std::log1p(lo));
    };
    const std::vector<std::vector<double>> expected = {
        // epe_nas, fisher, flops, grad_norm, grasp, jacov, l2_norm, nwot, params, plain, snip, synflow, zen
        {0.0, 0.0, 0.0, 0.0, -1 / s, 0.0, 1.0, 0.0, minmax_log(1.5, 0.5, 1.5), 0.0, 0.0, 0.0, 0.0},
        {0.25, 0.5, minmax_log(20, 10, 30), 0.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.5, 0.0, 0.5, 0.5},
        {1.0, 1.0, 1.0, 0.0, 1 / s, 1.0, 0.0, 1.0, minmax_log(1.0, 0.5, 1.5), 1.0, 1.0, 1.0, 1.0},
    };
    for (int64_t a = 0; a < 3; ++a)
      for (int64_t p = 0; p < 13; ++p) {
        INFO("arch " << a << ", column " << p);
        CHECK(z[a][p].item<double>() == Approx(expected[a][p]).margin(1e-5));
      }
    CHECK_THAT(log.text(), Catch::Contains("1 undefined (NaN) cells") && Catch::Contains("jacov 1"));
    CHECK_THAT(log.text(), Catch::Contains("1 negative values under log1p"));
  }
  SECTION("an absolute table path needs no data directory") {
    auto in_memory = tiny_nb201();
    const std::string absolute = (dir / "latpred/nb201_zcp.csv").string();
    CHECK(at::equal(make_encoder("zcp", "table = '" + absolute + "'")->encode(*in_memory).vec,
                    make_encoder("zcp")->encode(*data).vec));
    CHECK_THAT(error_of([&] { make_encoder("zcp", "table = 'latpred/nb201_zcp.csv'")->encode(*in_memory); }),
               Catch::Contains("built in memory") && Catch::Contains("absolute path"));
  }
  SECTION("without a table in the data directory, the built-in one is read, else the error lists what was tried") {
    fs::remove(dir / "latpred/nb201_zcp.csv");
    const fs::path builtin = latpred::builtin_data_dir() / "latpred/nb201_zcp.csv";
    const std::string message = error_of([&] { make_encoder("zcp")->encode(*data); });
    if (!latpred::builtin_data_dir().empty() && fs::is_regular_file(builtin)) {
      // The built-in table covers all 15625 NB201 archs, not this 3-arch dataset: it is read and rejected by name.
      CHECK_THAT(message, Catch::Contains(builtin.string()) && Catch::Contains("another architecture list"));
    } else {
      CHECK_THAT(message, Catch::Contains("no NB201 proxy table found") &&
                              Catch::Contains((dir / "latpred/nb201_zcp.csv").string()));
    }
  }
  SECTION("an architecture without a row is an error naming the file and the command") {
    study_test::write_text(dir / "latpred/nb201_zcp.csv", header + row0 + row2);
    const std::string message = error_of([&] { make_encoder("zcp")->encode(*data); });
    CHECK_THAT(message, Catch::Contains((dir / "latpred/nb201_zcp.csv").string()));
    CHECK_THAT(message, Catch::Contains("no row for 1 of 3 architectures (first indices: 1)"));
    CHECK_THAT(message, Catch::Contains("latpred zcp --space nb201 --archs all --data-dir " + dir.string()));
  }
  SECTION("a missing proxy column is an error unless that proxy is not used") {
    auto drop_zen = [](std::string line) { return line.substr(0, line.rfind(',')) + "\n"; };
    study_test::write_text(dir / "latpred/nb201_zcp.csv",
                           drop_zen(header) + drop_zen(row0) + drop_zen(row1) + drop_zen(row2));
    CHECK_THAT(error_of([&] { make_encoder("zcp")->encode(*data); }),
               Catch::Contains("missing proxy column(s) zen") && Catch::Contains("latpred zcp --space nb201"));
    CHECK(make_encoder("zcp", "proxies = ['epe_nas', 'nwot']")->encode(*data).vec.size(1) == 2);
  }
  SECTION("a table of another architecture list is rejected") {
    std::string other = row2;
    other.replace(other.find("2-2-2-2-2-2"), 11, "4-4-4-4-4-4");
    study_test::write_text(dir / "latpred/nb201_zcp.csv", header + row0 + row1 + other);
    CHECK_THAT(error_of([&] { make_encoder("zcp")->encode(*data); }),
               Catch::Contains("belongs to another architecture list"));
  }
  SECTION("unknown or repeated proxy names are config errors listing the valid ones") {
    CHECK_THAT(error_of([&] { make_encoder("zcp", "proxies = ['zenn']"); }),
               Catch::Contains("did you mean 'zen'") && Catch::Contains("epe_nas, fisher, flops"));
    CHECK_THAT(error_of([&] { make_encoder("zcp", "proxies = ['zen', 'zen']"); }), Catch::Contains("listed twice"));
  }
}

TEST_CASE("flops_params: analytic costs equal the built LibTorch networks", "[encoders][flops_params]") {
  std::vector<std::vector<int>> fbnet = {std::vector<int>(22, 8), std::vector<int>(22, 7), std::vector<int>(22, 1)};
  std::mt19937 rng(7);
  for (int r = 0; r < 3; ++r) {
    std::vector<int> ops(22);
    for (int& op : ops) op = static_cast<int>(rng() % 9);
    fbnet.push_back(ops);
  }
  const std::vector<std::pair<std::string, std::vector<std::vector<int>>>> cases = {
      {"nb201", {{3, 3, 3, 3, 3, 3}, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}, {4, 0, 2, 1, 3, 0}, {2, 4, 4, 1, 0, 3}}},
      {"fbnet", fbnet}};
  at::manual_seed(0);
  for (const auto& [space, archs] : cases) {
    for (const auto& ops : archs) {
      for (int classes : {10, 100}) {
        latpred::NetworkOptions options;
        options.num_classes = classes;
        auto network = latpred::build_network(space, ops, options);
        const latpred::NetworkCost built = latpred::count_cost(*network);
        const latpred_cost::ArchCost analytic = latpred_cost::arch_cost(space, ops, classes);
        INFO(space << " " << latpred::make_search_space(space)->arch_string(ops) << ", " << classes << " classes");
        CHECK(analytic.params == latpred::count_parameters(*network));
        CHECK(analytic.macs == built.macs);
        CHECK(analytic.naslib_flops == built.naslib_flops);
      }
    }
  }
  CHECK(latpred_cost::nb201_cost({3, 3, 3, 3, 3, 3}).params == 1531546);  // NASLib's value
  CHECK_THROWS_AS(latpred_cost::arch_cost("nb201", {1, 2}, 10), std::invalid_argument);
  CHECK_THROWS_AS(latpred_cost::arch_cost("fbnet", std::vector<int>(22, 9), 10), std::invalid_argument);
  CHECK_THROWS_AS(latpred_cost::arch_cost("darts", {}, 10), std::invalid_argument);
}

TEST_CASE("flops_params encodes all 15625 NB201 cells in well under a second", "[encoders][flops_params]") {
  const auto data = all_nb201();
  const auto start = std::chrono::steady_clock::now();
  const at::Tensor vec = make_encoder("flops_params")->encode(*data).vec;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 0.5);
  REQUIRE(vec.sizes() == at::IntArrayRef({15625, 2}));
  for (int64_t c = 0; c < 2; ++c) {
    CHECK(vec.select(1, c).min().item<float>() == 0.0f);
    CHECK(vec.select(1, c).max().item<float>() == 1.0f);
  }
  // Raw values (millions) are the analytic counts; the default is a monotone transform of them.
  const at::Tensor raw = make_encoder("flops_params", "scale = 'raw'\nnormalize = false")->encode(*data).vec;
  const at::Tensor naslib =
      make_encoder("flops_params", "scale = 'raw'\nnormalize = false\nflops = 'naslib'")->encode(*data).vec;
  for (int64_t a : {int64_t{0}, int64_t{777}, int64_t{15624}}) {
    const auto cost = latpred_cost::nb201_cost(data->arch_ops(a));
    CHECK(raw[a][0].item<double>() == Approx(static_cast<double>(cost.macs) / 1e6).epsilon(1e-6));
    CHECK(raw[a][1].item<double>() == Approx(static_cast<double>(cost.params) / 1e6).epsilon(1e-6));
    CHECK(naslib[a][0].item<double>() == Approx(static_cast<double>(cost.naslib_flops) / 1e6).epsilon(1e-6));
  }
  CHECK(latpred::spearman(column(vec, 1), column(raw, 1)) == Approx(1.0));
}

TEST_CASE("flops_params parameter counts equal NASFLAT's FBNet table", "[encoders][flops_params][data]") {
  const auto dir = latpred_test::shared_data_dir();
  if (!dir || !fs::exists(*dir / "nasflat_fbnet_zcp/zc_fbnet.json")) {
    WARN("SKIPPED: ../shared/data/nasflat_fbnet_zcp not found");
    return;
  }
  std::ifstream in(*dir / "nasflat_fbnet_zcp/zc_fbnet.json");
  const auto json = nlohmann::json::parse(in);
  const auto data = latpred_test::shared_dataset("fbnet");
  int64_t equal = 0;
  for (int64_t a = 0; a < data->num_archs(); ++a) {
    std::string key;
    for (int op : data->arch_ops(a)) key += (key.empty() ? "" : "_") + std::to_string(op);
    equal += latpred_cost::fbnet_cost(data->arch_ops(a), 100).params == json.at(key).at("params").get<int64_t>();
  }
  CHECK(equal == data->num_archs());  // the table was computed on CIFAR-100 networks
}

TEST_CASE("several supplementary encoders are concatenated in order", "[encoders][supplementary]") {
  const auto data = tiny_nb201();
  latpred::ExperimentConfig config;
  config.encoder = {"op_counts", latpred::default_params(registry().get("encoder", "op_counts").schema)};
  latpred::Params counts = config.encoder.params;
  counts.set("features", std::string("counts"));
  config.supplementary = {{"flops_params", latpred::default_params(registry().get("encoder", "flops_params").schema)},
                          {"op_counts", counts}};
  const latpred::ArchFeatures features = latpred::encode_features(config, registry(), *data);
  REQUIRE(features.vec.sizes() == at::IntArrayRef({3, 35 + 2 + 5}));  // 6x5 one-hot + 5 counts, [flops, params], 5
  CHECK(at::equal(features.vec.slice(1, 0, 35), make_encoder("op_counts")->encode(*data).vec));
  CHECK(at::equal(features.vec.slice(1, 35, 37), make_encoder("flops_params")->encode(*data).vec));
  CHECK(at::equal(features.vec.slice(1, 37), make_encoder("op_counts", "features = 'counts'")->encode(*data).vec));

  config.supplementary.push_back(
      {"adjacency_ops", latpred::default_params(registry().get("encoder", "adjacency_ops").schema)});
  CHECK_THAT(error_of([&] { latpred::encode_features(config, registry(), *data); }),
             Catch::Contains("supplementary[2].type") && Catch::Contains("produces no flat vector"));
}

TEST_CASE("[[supplementary]] lists several encoders and round-trips through the resolved config",
          "[encoders][supplementary][study]") {
  using namespace study_test;
  const ScratchDir scratch("supplementary_list");
  const fs::path& dir = scratch.path;
  auto registry = test_registry();
  add_component(registry, "encoder", "counts", latpred::Schema().flag("normalize", true, "divide by positions"));
  const auto options = options_in(dir);
  const std::string two = R"(
[[supplementary]]
type = "onehot"
dim = 4

[[supplementary]]
type = "counts"
)";
  // `text` after the base tables, or before them (top-level keys) when `at_top`.
  auto load = [&](const std::string& text, bool at_top = false) {
    const std::string study = at_top ? text + kBaseTables : std::string(kBaseTables) + text;
    return latpred::load_study(write_text(dir / "s.toml", study), registry, options);
  };
  auto round_trip = [&](const latpred::Study& study) {
    const fs::path resolved = write_text(dir / "resolved.toml", latpred::resolved_study_toml(study));
    const auto runs = latpred::load_resolved_runs(resolved, registry);
    REQUIRE(runs.size() == study.runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
      CHECK(runs[i].key == study.runs[i].key);
      CHECK(runs[i].resolved == study.runs[i].resolved);
      CHECK(runs[i].config.supplementary.size() == study.runs[i].config.supplementary.size());
    }
  };

  SECTION("two entries, in order, with defaults filled in") {
    const auto study = load(two);
    REQUIRE(study.runs.size() == 1);
    const auto& supplementary = study.runs[0].config.supplementary;
    REQUIRE(supplementary.size() == 2);
    CHECK(supplementary[0].type == "onehot");
    CHECK(supplementary[0].params.get_int("dim") == 4);
    CHECK(supplementary[1].type == "counts");
    CHECK(supplementary[1].params.get_bool("normalize"));
    CHECK_THAT(study.runs[0].resolved, Catch::Contains("[[supplementary]]\ntype = \"onehot\"\ndim = 4\n"));
    round_trip(study);
  }
  SECTION("one [[supplementary]] entry is the same run as a [supplementary] table") {
    const auto table = load("[supplementary]\ntype = \"counts\"\n");
    const auto array = load("[[supplementary]]\ntype = \"counts\"\n");
    CHECK(table.runs[0].key == array.runs[0].key);
    CHECK_THAT(table.runs[0].resolved, Catch::Contains("\n[supplementary]\ntype = \"counts\"\n"));
  }
  SECTION("sweeps over supplementary.type and over the whole list") {
    const auto by_type = load(
        "[supplementary]\ntype = \"counts\"\n[[sweep.axes]]\nkey = \"supplementary.type\"\n"
        "values = [\"counts\", \"onehot\"]\n");
    REQUIRE(by_type.runs.size() == 2);
    CHECK(by_type.runs[1].config.supplementary.at(0).type == "onehot");
    const auto lists = load(
        "[[sweep.axes]]\nkey = \"supplementary\"\n"
        "values = [{ type = \"counts\" }, [{ type = \"onehot\", dim = 2 }, { type = \"counts\" }]]\n");
    REQUIRE(lists.runs.size() == 2);
    CHECK(lists.runs[0].config.supplementary.size() == 1);
    REQUIRE(lists.runs[1].config.supplementary.size() == 2);
    CHECK(lists.runs[1].config.supplementary[0].params.get_int("dim") == 2);
    round_trip(lists);
  }
  SECTION("errors name the entry and its position") {
    auto message = [&](const std::string& text, bool at_top = false) {
      try {
        load(text, at_top);
      } catch (const ConfigError& e) {
        return std::string(e.what());
      }
      FAIL("expected a ConfigError");
      return std::string();
    };
    const std::string bad_key = message(two + "dimm = 3\n");
    CHECK_THAT(bad_key, Catch::Contains("s.toml:27:1: 'supplementary[1].dimm': unknown parameter"));
    CHECK_THAT(message("supplementary = 3\n", true),
               Catch::Contains("expected a table ([supplementary]) or an array of tables ([[supplementary]])"));
    CHECK_THAT(message("supplementary = [{ type = \"counts\" }, 3]\n", true),
               Catch::Contains("s.toml:1:39: 'supplementary[1]'"));
    CHECK_THAT(message(two + "[[sweep.axes]]\nkey = \"supplementary.type\"\nvalues = [\"counts\"]\n"),
               Catch::Contains("cannot set a key inside 'supplementary'"));
  }
}
