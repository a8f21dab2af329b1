// Latency measurement: ordering sanity on real networks, the resumable CSV, and the round trip through the loader.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <fstream>

#include "data_test_support.hpp"
#include "latpred/arch_selection.hpp"
#include "latpred/error.hpp"
#include "latpred/measure.hpp"
#include "latpred/search_space.hpp"

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("latpred_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

latpred::MeasureOptions quick_options() {
  latpred::MeasureOptions o;
  o.configs = latpred::device_configs({1, 2}, {1});
  o.warmup = 0;
  o.repeats = 2;
  o.max_attempts = 1;
  o.max_cv = 100.0;  // two timings on a loaded machine are noisy; these tests check the files, not the timings
  return o;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("Measured latency orders a big and a small network", "[measure]") {
  at::manual_seed(0);
  latpred::MeasureOptions options;
  options.warmup = 1;
  options.repeats = 3;
  options.max_attempts = 1;
  const latpred::DeviceConfig config{1, 1};
  auto big = latpred::build_nb201_network({3, 3, 3, 3, 3, 3});    // 221 MMACs
  auto small = latpred::build_nb201_network({1, 1, 1, 1, 1, 1});  // 8 MMACs
  const auto big_stats = latpred::measure_latency(*big, config, options);
  const auto small_stats = latpred::measure_latency(*small, config, options);
  INFO("all-conv3x3 " << big_stats.median_ms << " ms (cv " << big_stats.cv << "), all-skip " << small_stats.median_ms
                      << " ms (cv " << small_stats.cv << ")");
  // ~25x the MACs; a 2x margin tolerates a loaded machine.
  CHECK(big_stats.median_ms > 2.0 * small_stats.median_ms);
  CHECK(big_stats.attempts >= 1);
  CHECK(small_stats.cv >= 0.0);
  CHECK(latpred::DeviceConfig{16, 2}.column("cpu") == "cpu_b16_t2");
}

TEST_CASE("Measurement CSV: resume, partial rows, loader round trip", "[measure][data]") {
  const fs::path dir = fresh_dir("measure");
  const fs::path out = dir / "nb201_latency_ms.csv";
  std::shared_ptr<const latpred::SearchSpace> space = latpred::make_nb201_space();
  const latpred::Dataset archs(space, {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0}, {2, 1, 4, 1, 1, 0}});

  SECTION("rows, resume and the loader") {
    auto first = latpred::measure_archs(archs, {2, 0}, quick_options(), out);
    CHECK(first.measured == 2);
    auto second = latpred::measure_archs(archs, {0, 1, 2}, quick_options(), out);
    CHECK(second.measured == 1);
    CHECK(second.skipped == 2);
    const auto rows = latpred_test::read_csv_rows(out);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0] == std::vector<std::string>{"nb201_index", "ops", "cpu_b1_t1", "cpu_b2_t1"});
    CHECK(rows[1][0] == "0");  // sorted by index although 1 was appended last
    CHECK(rows[3][1] == "2-1-4-1-1-0");
    CHECK(fs::exists(dir / "nb201_latency_ms.csv.quality.csv"));

    latpred::Dataset loaded(space, {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0}, {2, 1, 4, 1, 1, 0}});
    latpred::read_latency_csv(out, "latpred", loaded);
    REQUIRE(loaded.device_names() == std::vector<std::string>{"cpu_b1_t1", "cpu_b2_t1"});
    for (int d = 0; d < 2; ++d) {
      CHECK(loaded.num_missing(d) == 0);
      for (int64_t a = 0; a < 3; ++a) CHECK(loaded.latency_ms(d)[static_cast<std::size_t>(a)] > 0.0f);
    }
  }

  SECTION("a row cut by a kill is dropped and re-measured") {
    latpred::measure_archs(archs, {0}, quick_options(), out);
    std::ofstream(out, std::ios::app) << "1,0-0-0-0-0-0,0.5";  // no newline: the process died mid-row
    auto resumed = latpred::measure_archs(archs, {0, 1}, quick_options(), out);
    CHECK(resumed.measured == 1);
    CHECK(latpred_test::read_csv_rows(out).size() == 3);
    CHECK(read_text(out).find("0.5\n") == std::string::npos);
  }

  SECTION("other settings refuse to resume into the file") {
    latpred::measure_archs(archs, {0}, quick_options(), out);
    auto other = quick_options();
    other.configs = latpred::device_configs({4}, {1});
    CHECK_THROWS_WITH(latpred::measure_archs(archs, {1}, other, out), Catch::Contains("cpu_b4_t1"));
  }

  SECTION("the measured table loads as new devices of the shared data") {
    const auto shared = latpred_test::shared_data_dir();
    if (!shared) {
      WARN("shared data not found; skipped");
      return;
    }
    const fs::path data = dir / "data";
    fs::create_directories(data / "latpred");
    fs::create_directory_symlink(fs::absolute(*shared / "help_latency"), data / "help_latency");
    const auto help = latpred_test::shared_dataset("nb201");
    latpred::measure_archs(*help, {5, 15624}, quick_options(), data / "latpred/nb201_latency_ms.csv");
    const auto merged = latpred::load_dataset(data, "nb201");
    const int device = merged->device_index("cpu_b2_t1");
    CHECK(merged->device(device).source == "latpred");
    CHECK(merged->measured_archs(device) == std::vector<int64_t>{5, 15624});
  }
  fs::remove_all(dir);
}

TEST_CASE("Architecture selections", "[measure]") {
  CHECK(latpred::parse_arch_selection("all", 4) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(latpred::parse_arch_selection("7,2-4,3", 10) == std::vector<int64_t>{2, 3, 4, 7});
  const auto sample = latpred::parse_arch_selection("sample:5:1", 100);
  CHECK(sample.size() == 5);
  CHECK(sample == latpred::parse_arch_selection("sample:5:1", 100));
  CHECK(sample != latpred::parse_arch_selection("sample:5:2", 100));
  CHECK_THROWS_WITH(latpred::parse_arch_selection("0-10", 10), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(latpred::parse_arch_selection("5-2", 10), Catch::Contains("increasing range"));
  CHECK_THROWS_AS(latpred::parse_arch_selection("sample:0", 10), latpred::ConfigError);
  latpred_test::TempFile file("archs.txt", "# two ranges\n1-2\n\n8  # trailing comment\nx\n");
  CHECK_THROWS_WITH(latpred::parse_arch_selection(file.path().string(), 10), Catch::Contains(":5"));
}
