// Tests of the op_counts encoder, the mlp model and the onehot / reference_latency device reps.
#include "catch_torch.hpp"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>

#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/model.hpp"
#include "log_capture.hpp"
#include "support.hpp"

namespace {

const latpred::Registry& registry() { return latpred::test::build_plugins().registry(); }

latpred::Params defaults(const std::string& kind, const std::string& type) {
  return latpred::default_params(registry().get(kind, type).schema);
}

std::vector<float> row(const at::Tensor& matrix, int64_t i) {
  const at::Tensor r = matrix[i].contiguous();
  return {r.data_ptr<float>(), r.data_ptr<float>() + r.numel()};
}

using latpred_test::LogCapture;

at::Tensor reference_table(latpred::DeviceRep& rep) { return *rep.named_buffers().find("reference_latencies"); }

// Checks the exception type and that its message contains `text`.
#define THROWS_WITH_MESSAGE(expr, type, matcher) \
  do {                                           \
    CHECK_THROWS_AS(expr, type);                 \
    CHECK_THROWS_WITH(expr, matcher);            \
  } while (false)

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

}  // namespace

TEST_CASE("op_counts encodes per-position one-hot and op counts", "[plugins][op_counts]") {
  SECTION("nb201") {
    // ops 3,3,4,1,3,1 and 2,0,0,1,4,2 (ids: 0 none, 1 skip, 2 conv1x1, 3 conv3x3, 4 avg_pool).
    const std::vector<int> a = latpred::nb201_parse_arch_string(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|");
    const std::vector<int> b = latpred::nb201_parse_arch_string(
        "|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|");
    const latpred::Dataset data(latpred::make_nb201_space(), {a, b});
    const at::Tensor vec =
        registry().create<latpred::Encoder>("op_counts", defaults("encoder", "op_counts"))->encode(data).vec;
    REQUIRE(vec.sizes() == at::IntArrayRef{2, 35});
    std::vector<float> expect_a(35, 0.0f), expect_b(35, 0.0f);
    for (int i : {3, 8, 14, 16, 23, 26}) expect_a[i] = 1.0f;  // position * 5 + op
    for (int i : {2, 5, 10, 16, 24, 27}) expect_b[i] = 1.0f;
    const float s = 1.0f / 6.0f;
    const std::vector<float> counts_a{0, 2 * s, 0, 3 * s, s}, counts_b{2 * s, s, 2 * s, 0, s};
    std::copy(counts_a.begin(), counts_a.end(), expect_a.begin() + 30);
    std::copy(counts_b.begin(), counts_b.end(), expect_b.begin() + 30);
    CHECK(row(vec, 0) == expect_a);
    CHECK(row(vec, 1) == expect_b);

    latpred::Params counts_only = defaults("encoder", "op_counts");
    counts_only.set("features", std::string("counts"));
    counts_only.set("normalize", false);
    const at::Tensor raw = registry().create<latpred::Encoder>("op_counts", counts_only)->encode(data).vec;
    CHECK(row(raw, 1) == std::vector<float>{2, 1, 2, 0, 1});
  }
  SECTION("fbnet") {
    const std::vector<int> ops{0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 8, 8, 8, 8, 3, 3, 3, 3, 3, 7};
    const latpred::Dataset data(latpred::make_fbnet_space(), {ops});
    latpred::Params params = defaults("encoder", "op_counts");
    const latpred::ArchFeatures features = registry().create<latpred::Encoder>("op_counts", params)->encode(data);
    CHECK(features.num_node_labels == 0);
    CHECK_FALSE(features.adj.defined());
    REQUIRE(features.vec.sizes() == at::IntArrayRef{1, 22 * 9 + 9});
    const std::vector<float> v = row(features.vec, 0);
    CHECK(std::accumulate(v.begin(), v.begin() + 198, 0.0f) == 22.0f);
    CHECK(v[0] == 1.0f);           // layer 0: k3_e1
    CHECK(v[12 * 9 + 8] == 1.0f);  // layer 12: skip
    CHECK(v[21 * 9 + 7] == 1.0f);  // layer 21: k5_e6
    CHECK(v[21 * 9 + 3] == 0.0f);
    const std::vector<float> counts(v.begin() + 198, v.end());
    std::vector<float> expect{4, 1, 1, 6, 1, 1, 1, 2, 5};
    for (float& c : expect) c /= 22.0f;
    CHECK(counts == expect);
  }
}

TEST_CASE("mlp model", "[plugins][mlp]") {
  SECTION("rejects a shape without a flat encoding") {
    auto model = registry().create<latpred::Model>("mlp", defaults("model", "mlp"));
    THROWS_WITH_MESSAGE(model->build(latpred::ModelShape{8, 7, 0, 8}), latpred::ConfigError,
                        Catch::Matchers::Contains("the mlp model needs a flat encoding, e.g. encoder op_counts"));
  }
  SECTION("layer sizes, batch norm and device placement follow the options") {
    latpred::Params params = defaults("model", "mlp");
    params.set("hidden_dims", std::vector<int64_t>{4});
    params.set("batch_norm", false);
    auto model = registry().create<latpred::Model>("mlp", params);
    model->build(latpred::ModelShape{0, 0, 5, 3});
    int64_t count = 0;
    for (const auto& p : model->parameters()) count += p.numel();
    CHECK(count == (5 + 3) * 4 + 4 + 4 + 1);
    model->eval();
    latpred::ModelInput in;
    in.vec = at::randn({4, 5});
    in.device = at::randn({4, 3});
    const at::Tensor y = model->forward(in);
    in.device = at::randn({4, 3});
    CHECK_FALSE(at::equal(model->forward(in), y));  // the device vector is an input

    params.set("device_placement", std::string("none"));
    params.set("batch_norm", true);
    auto blind = registry().create<latpred::Model>("mlp", params);
    blind->build(latpred::ModelShape{0, 0, 5, 3});
    CHECK(blind->named_modules().size() == 1 + 1 + 4);  // self, sequential, linear, batchnorm, relu, linear
    blind->eval();
    const at::Tensor z = blind->forward(in);
    in.device = at::randn({4, 3});
    CHECK(at::equal(blind->forward(in), z));
  }
}

TEST_CASE("onehot device rep", "[plugins][devicerep]") {
  latpred::Dataset data(latpred::make_nb201_space(), {{3, 3, 3, 3, 3, 3}, {1, 2, 0, 4, 3, 1}});
  for (const char* name : {"a", "b", "c"}) data.add_device({name, latpred::DeviceType::GPU, 1, "test"}, {1, 2});
  auto rep = registry().create<latpred::DeviceRep>("onehot", defaults("devicerep", "onehot"));
  rep->prepare(latpred::DeviceContext{&data, {0, 1}, {2}, ""});
  CHECK(rep->dim() == 3);
  const at::Tensor out = rep->forward(at::tensor(std::vector<int64_t>{2, 0}, at::kLong));
  CHECK(row(out, 0) == std::vector<float>{0, 0, 1});
  CHECK(row(out, 1) == std::vector<float>{1, 0, 0});
  CHECK(rep->parameters().empty());
}

TEST_CASE("reference_latency device rep", "[plugins][devicerep]") {
  // 8 archs; "train" gets slower with the index, so the spread order is the index order.
  std::vector<std::vector<int>> archs(8, std::vector<int>(6, 3));
  for (int i = 0; i < 8; ++i) archs[static_cast<std::size_t>(i)][0] = i % 5;
  latpred::Dataset data(latpred::make_nb201_space(), archs);
  data.add_device({"train", latpred::DeviceType::GPU, 1, "test"}, {1, 2, 3, 4, 5, 6, 7, 8});
  data.add_device({"target", latpred::DeviceType::CPU, 1, "test"}, {0, 5, 0, 1, 0, 3, 0, 9});
  data.add_device({"gappy", latpred::DeviceType::CPU, 1, "test"}, {4, 0, kNaN, 0, 8, 0, 0, 0});
  data.add_device({"sparse", latpred::DeviceType::CPU, 1, "test"}, {4, 0, kNaN, 0, kNaN, 0, 0, 0});
  latpred::Params params = defaults("devicerep", "reference_latency");

  SECTION("indices: min-max within the set; a missing arch gets the mean of the measured ones, with a warning") {
    params.set("reference", std::string("indices"));
    params.set("indices", std::vector<int64_t>{0, 2, 4});
    auto rep = registry().create<latpred::DeviceRep>("reference_latency", params);
    LogCapture log;
    rep->prepare(latpred::DeviceContext{&data, {0}, {1, 2}, ""});
    const at::Tensor table = reference_table(*rep);
    CHECK(row(table, 0) == std::vector<float>{0.0f, 0.5f, 1.0f});  // 1, 3, 5 ms
    CHECK(row(table, 1) == std::vector<float>{0.0f, 0.0f, 0.0f});  // all equal (0 ms): zeros, warned
    CHECK(row(table, 2) == std::vector<float>{0.0f, 0.5f, 1.0f});  // 4, missing, 8 ms
    CHECK(row(table, 3) == std::vector<float>{0.0f, 0.0f, 0.0f});  // not in the task
    CHECK_THAT(log.text(), Catch::Matchers::Contains("'gappy' has no latency for reference arch 2"));
    CHECK_THAT(log.text(), Catch::Matchers::Contains("'target' has equal latencies"));
    CHECK(rep->dim() == 8);
    CHECK(rep->forward(at::tensor(std::vector<int64_t>{1, 2}, at::kLong)).sizes() == at::IntArrayRef{2, 8});
  }
  SECTION("fewer than 2 measured reference archs is an error naming the device") {
    params.set("reference", std::string("indices"));
    params.set("indices", std::vector<int64_t>{0, 2, 4});
    auto rep = registry().create<latpred::DeviceRep>("reference_latency", params);
    THROWS_WITH_MESSAGE(rep->prepare(latpred::DeviceContext{&data, {0}, {3}, ""}), latpred::Error,
                        Catch::Matchers::Contains("'sparse' has only 1 of the 3 reference archs measured"));
  }
  SECTION("spread: midpoint quantiles of the train devices' mean latency") {
    params.set("count", int64_t{4});  // positions (2i + 1) * 8 / 8 = 1, 3, 5, 7
    auto rep = registry().create<latpred::DeviceRep>("reference_latency", params);
    rep->prepare(latpred::DeviceContext{&data, {0}, {1}, ""});
    CHECK(row(reference_table(*rep), 1) == std::vector<float>{0.5f, 0.0f, 0.25f, 1.0f});  // 5, 1, 3, 9 ms
  }
  SECTION("help: the space's list from help_hardware_embedding_index.json in the data dir") {
    const auto dir = std::filesystem::temp_directory_path() / "latpred_test_reference_help";
    std::filesystem::create_directories(dir / "help_latency" / "csv");
    std::ofstream(dir / "help_latency" / "csv" / "help_hardware_embedding_index.json")
        << R"({"nasbench201": [7, 1, 3], "fbnet": [0, 1]})";
    params.set("reference", std::string("help"));
    auto rep = registry().create<latpred::DeviceRep>("reference_latency", params);
    rep->prepare(latpred::DeviceContext{&data, {0}, {1}, dir.string()});
    CHECK(row(reference_table(*rep), 1) == std::vector<float>{1.0f, 0.5f, 0.0f});  // 9, 5, 1 ms
    std::ofstream(dir / "help_latency" / "csv" / "help_hardware_embedding_index.json") << R"({"fbnet": [0, 1]})";
    auto missing = registry().create<latpred::DeviceRep>("reference_latency", params);
    THROWS_WITH_MESSAGE(missing->prepare(latpred::DeviceContext{&data, {0}, {1}, dir.string()}), latpred::DataError,
                        Catch::Matchers::Contains("\"nasbench201\"; the file has: fbnet"));
    std::filesystem::remove_all(dir);
  }
  SECTION("combine_learned appends a learned row, initialised from the best-correlated source before transfer") {
    params.set("combine_learned", true);
    params.set("learned_dim", int64_t{4});
    params.set("count", int64_t{4});
    auto rep = registry().create<latpred::DeviceRep>("reference_latency", params);
    rep->prepare(latpred::DeviceContext{&data, {0}, {1}, ""});
    CHECK(rep->dim() == 12);
    const at::Tensor ids = at::tensor(std::vector<int64_t>{0, 1}, at::kLong);
    CHECK_FALSE(at::equal(rep->forward(ids).slice(1, 8), rep->forward(ids).slice(1, 8).flip(0)));
    rep->begin_transfer(latpred::TransferContext{&data, 1, {0}, {1, 3, 5, 7}});
    const at::Tensor learned = rep->forward(ids).slice(1, 8);
    CHECK(at::equal(learned[0], learned[1]));
  }
}
