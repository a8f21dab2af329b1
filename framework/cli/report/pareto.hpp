// The Pareto fronts of `latpred nas`: nas_pareto.csv, reading it back, and one plot per device. Shared by
// `latpred nas` (which writes them) and `latpred report` (which re-renders them from nas_pareto.csv).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace latpred::cli {

struct ParetoPoint {
  std::string device;
  std::string series;  // true_front | found | found_front | HELP | BRP-NAS
  double latency_ms = 0.0;
  double accuracy = 0.0;
  int64_t arch = -1;
  std::string note;
};

// nas_pareto.csv: device,series,latency_ms,accuracy,arch,note.
void write_pareto_csv(const std::filesystem::path& file, const std::vector<ParetoPoint>& points);
// Reads nas_pareto.csv (DataError naming the file and line when malformed).
std::vector<ParetoPoint> read_pareto_csv(const std::filesystem::path& file);

// Per device, nas_pareto_<device>.dat/.gp in `dir`, rendered to .png/.svg when `run_gnuplot`. Returns the figure
// stems, in first-seen device order.
std::vector<std::string> plot_pareto(const std::filesystem::path& dir, const std::vector<ParetoPoint>& points,
                                     const std::string& metric, bool run_gnuplot);

// nas_pareto.csv and the plots; warns when gnuplot is missing.
void write_pareto(const std::filesystem::path& dir, const std::vector<ParetoPoint>& points, const std::string& metric);

}  // namespace latpred::cli
