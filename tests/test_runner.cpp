#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fake_executor.hpp"
#include "latpred/build_info.hpp"
#include "latpred/csv.hpp"
#include "latpred/runner.hpp"
#include "study_test_support.hpp"

using namespace study_test;

namespace {

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t count_files(const fs::path& dir, const std::string& extension) {
  std::size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.path().extension() == extension ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("the runner writes the run directory and resumes after a failure", "[runner]") {
  const ScratchDir scratch("runner");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  write_text(dir / "base.toml", kBaseTables);
  const std::string study_text = sweep_study_text("resume");
  const fs::path file = write_text(dir / "study.toml", study_text);
  const auto study = latpred::load_study(file, registry, options_in(dir));
  REQUIRE(study.runs.size() == 6);
  const fs::path run_dir = dir / "out" / "resume";
  latpred::RunnerOptions options;
  options.command_line = "latpred run study.toml";

  // First invocation: the third run crashes; the two finished ones are kept and reported.
  FakeExecutor crashing(3);
  auto call_crashing = [&](const latpred::ExperimentConfig& c, const latpred::ProgressFn& p) { return crashing(c, p); };
  CHECK_THROWS_WITH(latpred::run_study(study, call_crashing, options),
                    Catch::Contains("run 3/6 " + study.runs[2].key) && Catch::Contains("simulated crash") &&
                        Catch::Contains("2 finished runs are kept"));
  CHECK(count_files(run_dir / "runs", ".csv") == 2);
  CHECK(count_files(run_dir, ".tmp") == 0);
  CHECK(fs::exists(run_dir / "runs" / (study.runs[1].key + ".csv")));
  CHECK_FALSE(fs::exists(run_dir / "runs" / (study.runs[2].key + ".csv")));
  CHECK(lines_of(run_dir / "results.csv").size() == 1 + 2 * 2);
  CHECK(nlohmann::json::parse(read_text(run_dir / "manifest.json"))["status"] == "failed");

  // Second invocation: the finished runs are not executed again; results are complete.
  FakeExecutor healthy;
  auto call_healthy = [&](const latpred::ExperimentConfig& c, const latpred::ProgressFn& p) { return healthy(c, p); };
  const auto outcome = latpred::run_study(study, call_healthy, options);
  CHECK(outcome.skipped == 2);
  CHECK(outcome.executed == 4);
  CHECK(healthy.seeds == std::vector<uint64_t>{3, 1, 2, 3});
  CHECK(healthy.epochs == std::vector<int64_t>{1, 2, 2, 2});

  const auto results = lines_of(run_dir / "results.csv");
  REQUIRE(results.size() == 1 + 6 * 2);
  CHECK(results[0] == "run_key,task,device,k,seed,train.epochs,metric,value");
  CHECK(results[1] == study.runs[0].key + ",tiny,dev_c,5,1,1,spearman,11.0");
  CHECK(results[12] == study.runs[5].key + ",tiny,dev_c,10,3,2,spearman,23.0");

  // summary.csv: per (epochs, k) the mean and population std over seeds 1, 2, 3.
  const auto summary = lines_of(run_dir / "summary.csv");
  REQUIRE(summary.size() == 1 + 2 * 2);
  CHECK(summary[0] == "task,device,k,train.epochs,metric,mean,std,n");
  const double std_seeds = std::sqrt(((1.0 - 2) * (1.0 - 2) + 0 + (3.0 - 2) * (3.0 - 2)) / 3);
  for (std::size_t line = 1; line < summary.size(); ++line) {
    const auto cells = latpred::split_fields(summary[line]);
    REQUIRE(cells.size() == 8);
    const double epochs = std::stod(cells[3]);
    CHECK(std::stod(cells[5]) == Approx(2.0 + 10.0 * epochs));
    CHECK(std::stod(cells[6]) == Approx(std_seeds));
    CHECK(cells[7] == "3");
  }

  // The rest of the run directory.
  CHECK(read_text(run_dir / "study.toml") == study_text);
  CHECK(read_text(run_dir / "includes" / "base.toml") == kBaseTables);
  const auto resolved = latpred::load_resolved_runs(run_dir / "resolved.toml", registry);
  REQUIRE(resolved.size() == 6);
  CHECK(resolved[4].key == study.runs[4].key);
  const auto manifest = nlohmann::json::parse(read_text(run_dir / "manifest.json"));
  CHECK(manifest["status"] == "complete");
  CHECK(manifest["runs"]["executed"] == 4);
  CHECK(manifest["command_line"] == "latpred run study.toml");
  CHECK(manifest["torch_threads"].get<int>() >= 1);
  // OpenBLAS's thread count changes the numbers, so it is recorded (CI installs OpenBLAS: TOOLCHAIN.md).
  const auto& blas = manifest["blas"];
  REQUIRE(blas.contains("library"));
  if (blas["library"] != "unknown") {
    CHECK(blas["threads"].get<int>() >= 1);
    if (const char* env = std::getenv("OPENBLAS_NUM_THREADS")) CHECK(blas["threads"].get<int>() == std::atoi(env));
  }
  CHECK_FALSE(manifest["libtorch_version"].get<std::string>().empty());
  CHECK(manifest["git_revision"] == latpred::build_git_revision());
  const auto predictions = lines_of(run_dir / "predictions" / (study.runs[3].key + ".csv"));
  REQUIRE(predictions.size() == 1 + 2 * 2);
  CHECK(predictions[0] == "device,k,arch,score,predicted_ms,true_ms");
  CHECK(predictions[2] == "dev_c,5,7,0.25,2.0,2.5");
  // The transfer samples of every (device, k), in the sampler's order.
  const auto transfer = lines_of(run_dir / "transfer" / (study.runs[3].key + ".csv"));
  REQUIRE(transfer.size() == 1 + 2 * 3);
  CHECK(transfer[0] == "device,k,rank,arch");
  CHECK(transfer[1] == "dev_c,5,0,9");
  CHECK(transfer[2] == "dev_c,5,1," + std::to_string(study.runs[3].config.seed));
  CHECK(transfer[6] == "dev_c,10,2,4");

  // Third invocation: nothing left to do.
  FakeExecutor untouched;
  auto call_untouched = [&](const latpred::ExperimentConfig& c, const latpred::ProgressFn& p) {
    return untouched(c, p);
  };
  CHECK(latpred::run_study(study, call_untouched, options).skipped == 6);
  CHECK(untouched.seeds.empty());
}

TEST_CASE("write_file_atomic replaces files whole and reports failures", "[runner]") {
  const ScratchDir scratch("atomic");
  const fs::path& dir = scratch.path;
  latpred::write_file_atomic(dir / "sub" / "a.csv", "first\n");
  latpred::write_file_atomic(dir / "sub" / "a.csv", "second\n");
  CHECK(read_text(dir / "sub" / "a.csv") == "second\n");
  CHECK(count_files(dir / "sub", ".tmp") == 0);
  write_text(dir / "file", "x");
  CHECK_THROWS_AS(latpred::write_file_atomic(dir / "file" / "b.csv", "y"), latpred::Error);
}
