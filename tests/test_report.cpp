// `latpred report`: tables computed from a run directory the runner wrote (with a fake experiment), plots rendered
// by gnuplot when it is installed, and the errors for a directory that is not a run directory.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "latpred/error.hpp"
#include "latpred/runner.hpp"
#include "log_capture.hpp"
#include "report/gnuplot.hpp"
#include "report/pareto.hpp"
#include "report/report.hpp"
#include "report/report_doc.hpp"
#include "study_test_support.hpp"

using namespace study_test;
using latpred::cli::ReportOptions;
using latpred::cli::write_report;

namespace {

// The synthetic metric: every factor shows up in a different table cell.
double spearman_of(uint64_t seed, int64_t hidden, const std::string& device, int64_t k) {
  return 0.5 + 0.01 * static_cast<double>(k) + (hidden == 64 ? 0.1 : 0.0) + (device == "dev_d" ? 0.05 : 0.0) +
         0.02 * static_cast<double>(seed);
}
double mape_of(uint64_t seed, int64_t k) { return 20.0 + static_cast<double>(k) + static_cast<double>(seed); }

const std::vector<std::string> kDevices = {"dev_c", "dev_d"};

// Spearman/kendall/mape rows per (test device, k), and predictions with positive latencies.
latpred::ExperimentResult fake_experiment(const latpred::ExperimentConfig& config, const latpred::ProgressFn&) {
  latpred::ExperimentResult result;
  const int64_t hidden = config.model.params.get_int("hidden");
  for (const auto& device : config.task.test)
    for (const int64_t k : config.transfer.get_ints("k")) {
      const double rho = spearman_of(config.seed, hidden, device, k);
      result.rows.push_back({config.task.name, device, k, config.seed, "spearman", rho});
      result.rows.push_back({config.task.name, device, k, config.seed, "kendall", rho - 0.2});
      result.rows.push_back({config.task.name, device, k, config.seed, "mape", mape_of(config.seed, k)});
      latpred::Prediction p{device, k, {}, {}, {}, {}};
      for (int64_t arch = 0; arch < 50; ++arch) {
        p.archs.push_back(arch);
        p.score.push_back(static_cast<float>(arch));
        p.true_ms.push_back(1.0f + 0.5f * static_cast<float>(arch));
        p.predicted_ms.push_back(1.2f + 0.45f * static_cast<float>(arch));
      }
      result.predictions.push_back(std::move(p));
    }
  return result;
}

// A run directory written by the runner: 2 seeds x hidden {32, 64}, k = 5 and 10, two test devices.
fs::path make_run_dir(const fs::path& dir) {
  write_text(dir / "study.toml", R"(
[study]
name = "reportable"
seeds = [1, 2]
[task]
name = "tiny"
space = "nb201"
train = ["dev_a", "dev_b"]
test = ["dev_c", "dev_d"]
[encoder]
type = "onehot"
[sampler]
type = "random"
[devicerep]
type = "embedding"
[model]
type = "mlp"
[transfer]
k = [5, 10]
[[sweep.axes]]
key = "model.hidden"
values = [32, 64]
)");
  const auto study = latpred::load_study(dir / "study.toml", test_registry(), options_in(dir));
  latpred::RunnerOptions options;
  options.command_line = "latpred run study.toml";
  latpred::run_study(study, fake_experiment, options);
  return study.run_dir();
}

// "mean ± std" over seeds of the device-mean of `metric_of`, formatted as the report does.
template <typename F>
std::string expected_cell(const F& metric_of, const std::vector<std::string>& devices, int digits) {
  std::vector<double> per_seed;
  for (uint64_t seed : {1u, 2u}) {
    double sum = 0.0;
    for (const auto& d : devices) sum += metric_of(seed, d);
    per_seed.push_back(sum / static_cast<double>(devices.size()));
  }
  const double mean = (per_seed[0] + per_seed[1]) / 2.0;
  const double std = std::fabs(per_seed[0] - per_seed[1]) / 2.0;  // population std of two values
  return fmt::format("{:.{}f} ± {:.{}f}", mean, digits, std, digits);
}

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(8, '\0');
  in.read(&head[0], 8);
  return in && head == std::string("\x89PNG\r\n\x1a\n", 8) && fs::file_size(file) > 1000;
}

// Sets PATH for the scope of the object (to hide gnuplot), then restores it.
struct PathOverride {
  explicit PathOverride(const std::string& path) : saved(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", path.c_str(), 1);
  }
  ~PathOverride() { setenv("PATH", saved.c_str(), 1); }
  std::string saved;
};

}  // namespace

TEST_CASE("report: the summary tables hold the means over devices and seeds of results.csv", "[report]") {
  const ScratchDir scratch("report_tables");
  const fs::path run_dir = make_run_dir(scratch.path);
  ReportOptions options;
  options.run_dir = run_dir;
  const auto outcome = write_report(options);
  CHECK(outcome.out_dir == run_dir / "report");
  const std::string md = read_text(run_dir / "report" / "report.md");

  CHECK_THAT(md, Catch::Contains("# latpred report: reportable"));
  CHECK_THAT(md, Catch::Contains("**command line**: latpred run study.toml"));
  CHECK_THAT(md, Catch::Contains("**status**: complete"));
  CHECK_THAT(md, Catch::Contains("| task | model.hidden | k | spearman | kendall | mape | devices | seeds |"));
  for (const int64_t hidden : {32, 64})
    for (const int64_t k : {5, 10}) {
      const auto rho = [&](uint64_t seed, const std::string& d) { return spearman_of(seed, hidden, d, k); };
      const auto tau = [&](uint64_t seed, const std::string& d) { return spearman_of(seed, hidden, d, k) - 0.2; };
      const auto mape = [&](uint64_t seed, const std::string&) { return mape_of(seed, k); };
      const std::string row =
          fmt::format("| tiny | {} | {} | {} | {} | {} | 2 | 2 |", hidden, k, expected_cell(rho, kDevices, 3),
                      expected_cell(tau, kDevices, 3), expected_cell(mape, kDevices, 2));
      CHECK_THAT(md, Catch::Contains(row));
    }
  // Per device at the largest k (10): the mean over seeds of that device alone.
  const auto rho_d = [](uint64_t seed, const std::string& d) { return spearman_of(seed, 64, d, 10); };
  CHECK_THAT(md, Catch::Contains("| tiny | 64 | 10 | dev_d | " + expected_cell(rho_d, {"dev_d"}, 3)));
  CHECK_THAT(md, Catch::Contains("spearman_vs_k_tiny_model.hidden"));
  CHECK_THAT(md, Catch::Contains("scatter_tiny_dev_c_k10"));

  const std::string html = read_text(run_dir / "report" / "report.html");
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("<td>" + expected_cell(rho_d, {"dev_d"}, 3) + "</td>"));
}

TEST_CASE("report: gnuplot renders PNG and SVG next to each plot's data and script", "[report]") {
  if (!latpred::cli::gnuplot_available()) {
    WARN("gnuplot is not installed: plot rendering not tested");
    return;
  }
  const ScratchDir scratch("report_plots");
  const fs::path run_dir = make_run_dir(scratch.path);
  ReportOptions options;
  options.run_dir = run_dir;
  options.out_dir = scratch.path / "elsewhere";
  const auto outcome = write_report(options);
  CHECK(outcome.gnuplot);
  CHECK(outcome.figures == 5);  // Spearman vs k, by model.hidden, device bars, two scatters
  CHECK(outcome.rendered == outcome.figures);
  for (const std::string stem : {"spearman_vs_k", "spearman_vs_k_tiny_model.hidden", "spearman_devices_tiny",
                                 "scatter_tiny_dev_c_k10", "scatter_tiny_dev_d_k10"}) {
    INFO(stem);
    const fs::path base = options.out_dir / stem;
    CHECK(is_png(base.string() + ".png"));
    CHECK(fs::file_size(base.string() + ".svg") > 1000);
    CHECK(fs::exists(base.string() + ".gp"));
    CHECK(fs::exists(base.string() + ".dat"));
  }
  // The scatter data: the 50 (measured, predicted) pairs of dev_c at k = 10.
  const std::string dat = read_text(options.out_dir / "scatter_tiny_dev_c_k10.dat");
  CHECK(std::count(dat.begin(), dat.end(), '\n') == 1 + 50);
  CHECK_THAT(dat, Catch::Contains("\n25.5 23.25\n"));  // arch 49
  CHECK_THAT(read_text(options.out_dir / "report.html"), Catch::Contains("src=\"data:image/png;base64,iVBORw0KGgo"));
}

TEST_CASE("report: without gnuplot the tables and scripts are written and a warning says so", "[report]") {
  const ScratchDir scratch("report_nognuplot");
  const fs::path run_dir = make_run_dir(scratch.path);
  const latpred_test::LogCapture log;
  ReportOptions options;
  options.run_dir = run_dir;
  options.html = false;
  latpred::cli::ReportOutcome outcome;
  {
    const PathOverride no_gnuplot((scratch.path / "empty_bin").string());
    outcome = write_report(options);
  }
  CHECK_FALSE(outcome.gnuplot);
  CHECK(outcome.rendered == 0);
  CHECK(outcome.documents == std::vector<fs::path>{run_dir / "report" / "report.md"});
  CHECK(fs::exists(run_dir / "report" / "spearman_vs_k.gp"));
  CHECK_FALSE(fs::exists(run_dir / "report" / "spearman_vs_k.png"));
  CHECK_FALSE(fs::exists(run_dir / "report" / "report.html"));
  CHECK_THAT(read_text(run_dir / "report" / "report.md"), Catch::Contains("| tiny | 64 | 10 |"));
  CHECK_THAT(log.text(), Catch::Contains("gnuplot not found"));
}

TEST_CASE("report: a missing directory or one without results is an error naming it", "[report]") {
  const ScratchDir scratch("report_errors");
  ReportOptions options;
  options.run_dir = scratch.path / "runs" / "quickstrat";
  fs::create_directories(scratch.path / "runs" / "quickstart");
  CHECK_THROWS_WITH(write_report(options), Catch::Contains(options.run_dir.string()) &&
                                               Catch::Contains("no such directory") && Catch::Contains("results.csv") &&
                                               Catch::Contains("quickstart"));
  options.run_dir = scratch.path / "runs" / "quickstart";
  write_text(options.run_dir / "manifest.json", "{}");
  CHECK_THROWS_AS(write_report(options), latpred::DataError);
  CHECK_THROWS_WITH(write_report(options),
                    Catch::Contains("no results.csv or nas.csv") && Catch::Contains("It holds: manifest.json"));
  write_text(options.run_dir / "results.csv", "task,value\nx,1\n");
  CHECK_THROWS_WITH(write_report(options),
                    Catch::Contains("results.csv:1") && Catch::Contains("run_key,task,device,k,seed"));
}

TEST_CASE("report: a latpred nas directory gets its searches and Pareto fronts", "[report]") {
  const ScratchDir scratch("report_nas");
  const fs::path dir = scratch.path;
  write_text(dir / "nas.csv",
             "device,k,constraint_ms,constraint_quantile,strategy,metric,arch,arch_str,predicted_ms,true_ms,accuracy,"
             "truly_feasible,oracle_arch,oracle_arch_str,oracle_ms,oracle_accuracy,regret,evaluated,search_seconds,"
             "transfer_seconds\n"
             "fpga,20,5,,exhaustive,cifar100,17,|a|,4.5,4.8,70.5,true,18,|b|,4.9,71,0.5,15625,0.01,3\n");
  latpred::cli::write_pareto_csv(dir / "nas_pareto.csv", {{"fpga", "true_front", 2.0, 60.0, 1, ""},
                                                          {"fpga", "true_front", 4.9, 71.0, 18, ""},
                                                          {"fpga", "found", 4.8, 70.5, 17, "constraint 5, tight"},
                                                          {"fpga", "HELP", 4.7, 71.8, -1, "S=20, quoted"}});
  // A note with a comma is quoted, so it reads back whole.
  const auto points = latpred::cli::read_pareto_csv(dir / "nas_pareto.csv");
  REQUIRE(points.size() == 4);
  CHECK(points[3].note == "S=20, quoted");
  CHECK(points[3].arch == -1);

  ReportOptions options;
  options.run_dir = dir;
  const auto outcome = write_report(options);
  const std::string md = read_text(dir / "report" / "report.md");
  CHECK_THAT(md, Catch::Contains("# latpred report: " + dir.filename().string()));
  CHECK_THAT(md, Catch::Contains("| fpga | 20 | 5 |  | exhaustive | 17 | 4.5 | 4.8 | 70.5 | true | 71 | 0.5 |"));
  CHECK_THAT(md, Catch::Contains("nas_pareto_fpga"));
  CHECK(outcome.figures == 1);
  if (outcome.gnuplot) CHECK(is_png(dir / "report" / "nas_pareto_fpga.png"));
  CHECK_THAT(read_text(dir / "report" / "nas_pareto_fpga.gp"), Catch::Contains("'cifar100 accuracy (%)'"));
}

TEST_CASE("report: text is escaped for Markdown tables and HTML", "[report]") {
  using latpred::cli::html_escape;
  using latpred::cli::markdown_escape;
  CHECK(html_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(markdown_escape("a|b") == "a\\|b");
  CHECK(markdown_escape("titan_rtx_256") == "titan_rtx_256");  // inside a word: no emphasis, left as is
  CHECK(markdown_escape("_x_ *y*") == "\\_x\\_ \\*y\\*");
  CHECK(latpred::cli::gnuplot_quote("it's") == "'it''s'");
  CHECK(latpred::cli::file_stem("a b/c:d.e") == "a_b_c_d.e");
}
