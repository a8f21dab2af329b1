// The sections of a report: those of a `latpred run` directory (tables and plots from results.csv and
// predictions/) and those of a `latpred nas` directory (nas.csv, nas_speedup.csv, nas_pareto.csv).
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "report/report_doc.hpp"
#include "report/run_files.hpp"

namespace latpred::cli {

struct FigureOutput {
  std::filesystem::path dir;  // where figures are written
  bool run_gnuplot = false;
  std::size_t max_line_plots = 24;  // Spearman-vs-k and per-device plots, each
  std::size_t max_scatter = 12;     // predicted-vs-measured plots
};

std::vector<ReportSection> study_sections(const StudyResults& results, const std::filesystem::path& run_dir,
                                          const FigureOutput& out);

// Predicted vs measured latency from predictions/: one plot per (task, test device) at the task's largest k, from the
// first run (plan order) that saved predictions for it (report_scatter.cpp).
ReportSection scatter_section(const StudyResults& results, const std::vector<std::size_t>& axes,
                              const std::filesystem::path& run_dir, const FigureOutput& out);

std::vector<ReportSection> nas_sections(const std::filesystem::path& run_dir, const FigureOutput& out);

}  // namespace latpred::cli
