// Output files of `latpred nas`: nas.csv and nas_speedup.csv; nas_pareto.csv and its plots are in report/pareto.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report/pareto.hpp"  // ParetoPoint, write_pareto

namespace latpred::cli {

struct NasArch {
  int64_t arch = -1;  // -1 = none
  std::string arch_str;
  double predicted_ms = 0.0;
  double true_ms = 0.0;
  double accuracy = 0.0;
};

struct NasRow {
  std::string device;
  int64_t k = 0;
  double constraint_ms = 0.0;
  std::optional<double> quantile;  // set when the constraint was given as a quantile
  std::string strategy;
  std::string metric;
  NasArch chosen;
  NasArch oracle;  // best accuracy with TRUE latency <= constraint
  int64_t evaluated = 0;
  double search_seconds = 0.0;
  double transfer_seconds = 0.0;
};

// The measurement-driven baseline for one row: evolution reading true latencies, repeated over seeds.
struct SpeedupRow {
  std::string device;
  int64_t k = 0;
  double constraint_ms = 0.0;
  double predictor_regret = 0.0;
  bool predictor_feasible = false;
  double device_mean_ms = 0.0;
  int64_t budget = 0;
  std::vector<int64_t> measurements;  // per repeat; -1 = target not reached within the budget
};

void write_nas_csv(const std::filesystem::path& file, const std::vector<NasRow>& rows);
void write_speedup_csv(const std::filesystem::path& file, const std::vector<SpeedupRow>& rows);

// HELP and BRP-NAS NB201 search results quoted in NASFLAT_METHOD §6.2 (latency ms, CIFAR-100 accuracy %), for the
// devices that have them.
std::vector<ParetoPoint> reference_points(const std::string& device);

}  // namespace latpred::cli
