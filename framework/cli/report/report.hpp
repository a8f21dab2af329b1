// `latpred report RUN_DIR`: a Markdown and/or HTML report of a run directory of `latpred run` (summary tables,
// Spearman vs k per sweep axis, per-device bars, predicted vs measured) or of `latpred nas` (searches, speedup,
// Pareto fronts), with its plots rendered by gnuplot to PNG and SVG next to their data and scripts.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

namespace latpred::cli {

struct ReportOptions {
  std::filesystem::path run_dir;
  std::filesystem::path out_dir;  // empty: RUN_DIR/report
  bool markdown = true;           // report.md
  bool html = true;               // report.html
  std::size_t max_line_plots = 24;
  std::size_t max_scatter = 12;
};

struct ReportOutcome {
  std::filesystem::path out_dir;
  std::vector<std::filesystem::path> documents;  // report.md, report.html
  std::size_t figures = 0;                       // figures in the report
  std::size_t rendered = 0;                      // of which gnuplot rendered a PNG
  bool gnuplot = false;                          // gnuplot was found
};

// Writes the report. A missing RUN_DIR, or one with neither results.csv nor nas.csv, is a DataError naming the
// path, what was expected and what is there. Without gnuplot the tables, data and scripts are written, with a
// warning.
ReportOutcome write_report(const ReportOptions& options);

}  // namespace latpred::cli
