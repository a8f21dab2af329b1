#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include "data_test_support.hpp"
#include "latpred/dataset.hpp"
#include "latpred/error.hpp"
#include "latpred/metrics.hpp"

using latpred::DataError;
using latpred::Dataset;
using latpred::DeviceType;
using latpred_test::TempFile;

namespace {

std::shared_ptr<const latpred::SearchSpace> nb201() { return latpred::make_nb201_space(); }

// A 3-arch NB201 table: device a measured everywhere, device b missing arch 1.
const char* const kSmallTable =
    "nb201_index,arch_str,ops,a,b\n"
    "0,x,0-0-0-0-0-0,2,10\n"
    "1,x,1-1-1-1-1-1,4,\n"
    "2,x,3-3-3-3-3-3,6,30.5\n";

Dataset read_small(const std::filesystem::path& file) {
  Dataset data(nb201(), {});
  latpred::read_latency_csv(file, "test", data);
  return data;
}

}  // namespace

TEST_CASE("latency CSV reading, joining and normalisation", "[dataset]") {
  TempFile base("base.csv", kSmallTable);
  Dataset data = read_small(base.path());

  SECTION("the first table defines archs and devices; empty cells are missing") {
    REQUIRE(data.num_archs() == 3);
    REQUIRE(data.device_names() == std::vector<std::string>{"a", "b"});
    CHECK(data.arch_ops(1) == std::vector<int>{1, 1, 1, 1, 1, 1});
    CHECK(data.latency_ms(1)[2] == Approx(30.5));
    CHECK(std::isnan(data.latency_ms(1)[1]));
    CHECK_FALSE(data.measured(1, 1));
    CHECK(data.num_missing(1) == 1);
    CHECK(data.measured_archs(1) == std::vector<int64_t>{0, 2});
    CHECK(data.device(0).source == "test");
  }
  SECTION("min-max normalisation over measured archs") {
    // a: (2, 4, 6) -> (0, 0.5, 1); b: (10, -, 30.5) -> (0, NaN, 1).
    CHECK(data.normalized(0) == std::vector<float>{0.0f, 0.5f, 1.0f});
    CHECK(data.normalized(1)[0] == 0.0f);
    CHECK(std::isnan(data.normalized(1)[1]));
    CHECK(data.normalized(1)[2] == 1.0f);
  }
  SECTION("a second table is joined on the index; absent rows are missing") {
    TempFile extra("extra.csv", "nb201_index,ops,c\n2,3-3-3-3-3-3,7.5\n");
    latpred::read_latency_csv(extra.path(), "latpred", data);
    const int c = data.device_index("c");
    CHECK(data.device(c).source == "latpred");
    CHECK(data.measured_archs(c) == std::vector<int64_t>{2});
    CHECK(data.latency_ms(c)[2] == 7.5f);
  }
  SECTION("an ops mismatch names the file, the line and both op lists") {
    TempFile extra("mismatch.csv", "nb201_index,ops,c\n0,0-0-0-0-0-0,1\n1,1-1-1-1-1-2,1\n");
    CHECK_THROWS_WITH(latpred::read_latency_csv(extra.path(), "x", data),
                      Catch::Contains(extra.path().string() + ":3") && Catch::Contains("ops mismatch for index 1") &&
                          Catch::Contains("1-1-1-1-1-2") && Catch::Contains("1-1-1-1-1-1"));
  }
  SECTION("a device loaded twice is an error") {
    TempFile extra("dup.csv", "nb201_index,a\n0,1\n");
    CHECK_THROWS_WITH(latpred::read_latency_csv(extra.path(), "x", data),
                      Catch::Contains("device 'a' is already loaded from source 'test'"));
  }
  SECTION("an index beyond the dataset is an error") {
    TempFile extra("range.csv", "nb201_index,c\n0,1\n3,1\n");
    CHECK_THROWS_WITH(latpred::read_latency_csv(extra.path(), "x", data),
                      Catch::Contains(":3: index 3 is out of range"));
  }
  SECTION("unknown devices list the known names, closest first") {
    CHECK_THROWS_WITH(data.device_index("bb"),
                      Catch::Contains("unknown device 'bb'") && Catch::Contains("closest first): b, a"));
  }
  SECTION("add_device checks length and duplicates") {
    CHECK_THROWS_WITH(data.add_device(latpred::classify_device("z", "t"), {1.0f}), Catch::Contains("expected one"));
    CHECK_THROWS_WITH(data.add_device(latpred::classify_device("a", "t"), {1.0f, 2.0f, 3.0f}),
                      Catch::Contains("duplicate device 'a'"));
  }
}

TEST_CASE("malformed latency CSVs give file:line errors", "[dataset]") {
  const auto expect_error = [](const std::string& content, int line, const std::string& what) {
    TempFile file("bad.csv", content);
    try {
      Dataset data(nb201(), {});
      latpred::read_latency_csv(file.path(), "test", data);
      FAIL("no error for: " << content);
    } catch (const DataError& e) {
      CHECK(e.file() == file.path().string());
      CHECK(e.line() == line);
      CHECK_THAT(e.what(), Catch::Contains(what));
    }
  };
  expect_error("nb201_index,ops,a\n0,0-0-0-0-0-0,1\n1,0-0-0-0-0-1\n", 3,
               "expected 3 columns (as in the header), found 2");
  expect_error("nb201_index,ops,a\n0,0-0-0-0-0-0,1.5ms\n", 2, "device column 'a': '1.5ms' is not a latency");
  expect_error("nb201_index,ops,a\n0,0-0-0-0-0-0,-1\n", 2, "'-1' is not a latency");
  expect_error("nb201_index,ops,a\n0,0-0-0-0-0-0,1\n2,0-0-0-0-0-1,1\n", 3, "index 2 out of order: expected 1");
  expect_error("nb201_index,ops,a\n1,0-0-0-0-0-0,1\n0,0-0-0-0-0-1,1\n", 3, "index 0 out of order");
  expect_error("nb201_index,ops,a\nx,0-0-0-0-0-0,1\n", 2, "'x' is not a non-negative integer");
  expect_error("nb201_index,ops,a\n0,0-0-7-0-0-0,1\n", 2, "op id 7 at position 2");
  expect_error("nb201_index,ops,a\n0,0-0-a-0-0-0,1\n", 2, "'0-0-a-0-0-0' is not a '-'-joined list");
  expect_error("nb201_index,a,a\n", 1, "duplicate column 'a'");
  expect_error("nb201_index,a\n0,1\n", 1, "an 'ops' column is needed");
  expect_error("", 1, "empty latency table");

  Dataset data(nb201(), {});
  CHECK_THROWS_WITH(latpred::read_latency_csv("/nonexistent/lat.csv", "x", data),
                    Catch::Contains("/nonexistent/lat.csv: cannot open latency table"));
  CHECK_THROWS_WITH(latpred::load_dataset("/nonexistent", "nb201"),
                    Catch::Contains("help_nb201_latency_ms.csv") && Catch::Contains("not found"));
  CHECK_THROWS_WITH(latpred::load_dataset("/nonexistent", "nb202"), Catch::Contains("did you mean 'nb201'"));
}

TEST_CASE("device classification and data directory resolution", "[dataset]") {
  SECTION("device types follow the NASFLAT vocabulary") {
    const auto check = [](const std::string& name, DeviceType type, int batch) {
      const auto info = latpred::classify_device(name, "src");
      INFO(name);
      CHECK(info.type == type);
      CHECK(info.batch_size == batch);
      CHECK(info.source == "src");
    };
    check("titan_rtx_32", DeviceType::GPU, 32);
    check("1080ti_256", DeviceType::GPU, 256);
    check("titanxp_1", DeviceType::GPU, 1);
    check("titanx_64", DeviceType::GPU, 64);
    check("desktop_gpu_gtx_1080ti_fp32", DeviceType::GPU, 0);
    check("desktop_cpu_core_i7_7820x_fp32", DeviceType::CPU, 0);
    check("gold_6226", DeviceType::CPU, 0);
    check("silver_4210r", DeviceType::CPU, 0);
    check("essential_ph_1", DeviceType::mCPU, 0);
    check("pixel3", DeviceType::mCPU, 0);
    check("samsung_a50", DeviceType::mCPU, 0);
    check("mobile_cpu_snapdragon_855_kryo_485_int8", DeviceType::mCPU, 0);
    check("mobile_gpu_snapdragon_675_adreno_612_int8", DeviceType::mGPU, 0);
    check("mobile_dsp_snapdragon_675_hexagon_685_int8", DeviceType::DSP, 0);
    check("embedded_gpu_jetson_nano_fp16", DeviceType::eGPU, 0);
    check("embedded_tpu_edge_tpu_int8", DeviceType::eTPU, 0);
    check("raspi4", DeviceType::eCPU, 0);
    check("eyeriss", DeviceType::ASIC, 0);
    check("fpga", DeviceType::FPGA, 0);
    check("flops_nb201_cifar10", DeviceType::Other, 0);
    check("titan_rtx_x", DeviceType::Other, 0);
    CHECK(latpred::to_string(DeviceType::eTPU) == "eTPU");
  }
  SECTION("data directory: configured, then $LATPRED_DATA") {
    const auto tmp = std::filesystem::temp_directory_path();
    CHECK(latpred::resolve_data_dir(tmp.string()) == std::filesystem::canonical(tmp));
    CHECK_THROWS_WITH(latpred::resolve_data_dir("/nonexistent/data"), Catch::Contains("'/nonexistent/data'"));
    ::setenv("LATPRED_DATA", "/nonexistent/env", 1);
    CHECK_THROWS_WITH(latpred::resolve_data_dir(""), Catch::Contains("$LATPRED_DATA"));
    ::setenv("LATPRED_DATA", tmp.c_str(), 1);
    CHECK(latpred::resolve_data_dir("") == std::filesystem::canonical(tmp));
    ::unsetenv("LATPRED_DATA");
  }
}

TEST_CASE("a data directory with only latpred's own table is loaded standalone", "[dataset]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("latpred_test_standalone_" + std::to_string(::getpid()));
  fs::create_directories(dir / "latpred");
  std::ofstream(dir / "latpred" / "nb201_latency_ms.csv") << "nb201_index,ops,cpu_b1_t1,cpu_b8_t1\n"
                                                             "0,0-0-0-0-0-0,1.5,9\n"
                                                             "1,1-1-1-1-1-1,,12\n"
                                                             "2,3-3-3-3-3-3,3.5,20\n";
  const auto data = latpred::load_dataset(dir, "nb201");
  CHECK(data->num_archs() == 3);
  CHECK(data->device_names() == std::vector<std::string>{"cpu_b1_t1", "cpu_b8_t1"});
  CHECK(data->device(0).source == "latpred");
  CHECK(data->device(0).type == DeviceType::CPU);
  CHECK_FALSE(data->measured(0, 1));
  CHECK(data->arch_ops(2) == std::vector<int>{3, 3, 3, 3, 3, 3});
  // Neither the HELP table nor latpred's: the error names the directory and both files.
  CHECK_THROWS_WITH(latpred::load_dataset(dir, "fbnet"), Catch::Contains("help_fbnet_latency_ms.csv") &&
                                                             Catch::Contains("latpred/fbnet_latency_ms.csv") &&
                                                             Catch::Contains(dir.string()));
  fs::remove_all(dir);
}

TEST_CASE("the built-in data (data/) loads on its own and is plausible", "[dataset]") {
  const std::filesystem::path dir = std::filesystem::path(LATPRED_SOURCE_DIR) / "data";
  const auto nb201 = latpred::load_dataset(dir, "nb201");
  CHECK(nb201->num_archs() == 15625);
  REQUIRE(nb201->num_devices() >= 3);
  for (int d = 0; d < nb201->num_devices(); ++d) {
    INFO(nb201->device(d).name);
    CHECK(nb201->device(d).source == "latpred");
    CHECK(nb201->measured_archs(d).size() >= 1000);
  }
  // The configurations are the same networks on the same CPU: more work per forward (4x the batch, 4x the pixels)
  // is slower for nearly every arch, and the arch ranking of batch 1 and batch 4 largely agrees.
  const int b1 = nb201->device_index("cpu_b1_t1");
  const auto slower_fraction = [&](int heavier) {
    int64_t slower = 0, both = 0;
    for (int64_t a : nb201->measured_archs(heavier)) {
      if (!nb201->measured(b1, a)) continue;
      ++both;
      const auto i = static_cast<std::size_t>(a);
      if (nb201->latency_ms(heavier)[i] > nb201->latency_ms(b1)[i]) ++slower;
    }
    REQUIRE(both >= 100);
    return static_cast<double>(slower) / static_cast<double>(both);
  };
  CHECK(slower_fraction(nb201->device_index("cpu_b4_t1")) > 0.95);
  CHECK(slower_fraction(nb201->device_index("cpu_in64_b1_t1")) > 0.95);
  const int b4 = nb201->device_index("cpu_b4_t1");
  std::vector<double> lat1, lat4;
  for (int64_t a : nb201->measured_archs(b1)) {
    if (!nb201->measured(b4, a)) continue;
    lat1.push_back(nb201->latency_ms(b1)[static_cast<std::size_t>(a)]);
    lat4.push_back(nb201->latency_ms(b4)[static_cast<std::size_t>(a)]);
  }
  CHECK(latpred::spearman(lat1, lat4) > 0.6);
}

TEST_CASE("the shared NB201 and FBNet datasets", "[dataset][data]") {
  if (!latpred_test::shared_data_dir()) {
    WARN("SKIPPED: shared data not found (set LATPRED_SHARED_DATA)");
    return;
  }
  SECTION("NB201: 15625 archs x 40 devices (27 HELP + 13 Eagle); Eagle lacks the disconnected archs") {
    const auto data = latpred_test::shared_dataset("nb201");
    REQUIRE(data->num_archs() == 15625);
    REQUIRE(data->num_devices() == 40);
    int eagle = 0;
    for (int d = 0; d < data->num_devices(); ++d) {
      const auto& info = data->device(d);
      INFO(info.name);
      if (info.source == "eagle") {
        ++eagle;
        CHECK(data->num_missing(d) >= 341);
        for (int64_t arch : {int64_t{10}, int64_t{12}, int64_t{74}}) CHECK_FALSE(data->measured(d, arch));
      } else {
        CHECK(info.source == "help");
        CHECK(data->num_missing(d) == 0);
      }
      CHECK(info.type != DeviceType::Other);
      float lo = 1.0f, hi = 0.0f;
      for (float v : data->normalized(d)) {
        if (std::isnan(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      CHECK(lo == 0.0f);
      CHECK(hi == 1.0f);
    }
    CHECK(eagle == 13);
    // Spot values from the CSVs (arch 0).
    CHECK(data->latency_ms(data->device_index("raspi4"))[0] == Approx(10.481976820010459));
    CHECK(data->latency_ms(data->device_index("embedded_tpu_edge_tpu_int8"))[0] == Approx(1.0263395309448242));
    CHECK(data->num_missing(data->device_index("mobile_cpu_snapdragon_450_cortex_a53_int8")) == 373);
    CHECK_THROWS_WITH(data->device_index("titan_rtx_33"), Catch::Contains("closest first): titan_rtx_32, "));
  }
  SECTION("FBNet: 5000 archs x 27 devices, none missing") {
    const auto data = latpred_test::shared_dataset("fbnet");
    REQUIRE(data->num_archs() == 5000);
    REQUIRE(data->num_devices() == 27);
    CHECK(data->arch_ops(0) == std::vector<int>{7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2, 4, 5});
    for (int d = 0; d < data->num_devices(); ++d) CHECK(data->num_missing(d) == 0);
    CHECK(data->device(data->device_index("1080ti_64")).batch_size == 64);
  }
}
