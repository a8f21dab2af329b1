// The sections of a `latpred nas` directory: the searches (nas.csv), the measurement speedup (nas_speedup.csv) and
// the Pareto fronts, re-rendered from nas_pareto.csv by the plotting code `latpred nas` itself uses.
#include <algorithm>

#include "report/pareto.hpp"
#include "report/report_sections.hpp"

namespace fs = std::filesystem;

namespace latpred::cli {
namespace {

// The columns of `table` named in `wanted` that it has, in that order.
ReportTable select_columns(const CsvTable& table, const std::vector<std::string>& wanted) {
  std::vector<int> at;
  ReportTable out;
  for (const auto& name : wanted)
    if (table.column(name) >= 0) {
      at.push_back(table.column(name));
      out.header.push_back(name);
    }
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (int i : at) cells.push_back(row[static_cast<std::size_t>(i)]);
    out.rows.push_back(std::move(cells));
  }
  return out;
}

}  // namespace

std::vector<ReportSection> nas_sections(const fs::path& run_dir, const FigureOutput& out) {
  std::vector<ReportSection> sections;
  const CsvTable searches = read_csv_table(run_dir / "nas.csv");
  std::string metric = "accuracy";
  if (searches.column("metric") >= 0 && !searches.rows.empty())
    metric = searches.rows[0][static_cast<std::size_t>(searches.column("metric"))];

  ReportSection s{"NAS: latency-constrained searches", {}};
  s.text(
      "One search per (device, constraint) on the predicted latencies (nas.csv): the chosen architecture's true "
      "latency and " +
      metric +
      " accuracy, whether it truly meets the constraint, and the regret against the best "
      "truly feasible architecture.");
  s.table(
      select_columns(searches, {"device", "k", "constraint_ms", "constraint_quantile", "strategy", "arch",
                                "predicted_ms", "true_ms", "accuracy", "truly_feasible", "oracle_accuracy", "regret"}));
  sections.push_back(std::move(s));

  if (fs::exists(run_dir / "nas_speedup.csv")) {
    ReportSection speedup{"NAS: measurements a measurement-driven search needs", {}};
    speedup.text(
        "Evolution reading true latencies, repeated: how many measurements it needs to find a truly feasible "
        "architecture as accurate as the predictor's choice (nas_speedup.csv).");
    speedup.table(select_columns(read_csv_table(run_dir / "nas_speedup.csv"),
                                 {"device", "k", "constraint_ms", "predictor_regret", "predictor_feasible", "repeats",
                                  "reached", "measurements_median", "median_over_k", "budget"}));
    sections.push_back(std::move(speedup));
  }

  if (fs::exists(run_dir / "nas_pareto.csv")) {
    ReportSection pareto{"NAS: Pareto fronts", {}};
    const auto points = read_pareto_csv(run_dir / "nas_pareto.csv");
    const auto stems = plot_pareto(out.dir, points, metric, out.run_gnuplot);
    std::vector<std::string> devices;  // plot_pareto's order: first seen
    for (const auto& p : points)
      if (std::find(devices.begin(), devices.end(), p.device) == devices.end()) devices.push_back(p.device);
    pareto.text(
        "Accuracy vs true latency per device: the true Pareto front over all architectures, the "
        "architectures found, and the HELP and BRP-NAS results quoted by the paper where it has them.");
    for (std::size_t i = 0; i < stems.size(); ++i) {
      const bool rendered = out.run_gnuplot && fs::exists(out.dir / (stems[i] + ".png"));
      pareto.figure({stems[i], devices[i] + ": " + metric + " accuracy vs true latency", rendered});
    }
    sections.push_back(std::move(pareto));
  }
  return sections;
}

}  // namespace latpred::cli
