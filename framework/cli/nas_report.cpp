// Output files of `latpred nas` (nas_report.hpp).
#include "nas_report.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "latpred/error.hpp"

namespace latpred::cli {
namespace {

std::ofstream open_output(const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw Error("cannot write " + file.string());
  return out;
}

std::string num(double v) { return fmt::format("{:.6g}", v); }

// The arch columns of nas.csv: empty when there is no arch.
std::string arch_fields(const NasArch& a, bool with_predicted) {
  if (a.arch < 0) return with_predicted ? ",,,," : ",,,";
  std::string out = fmt::format("{},{},", a.arch, a.arch_str);
  if (with_predicted) out += num(a.predicted_ms) + ",";
  return out + num(a.true_ms) + "," + num(a.accuracy);
}

}  // namespace

void write_nas_csv(const std::filesystem::path& file, const std::vector<NasRow>& rows) {
  std::ofstream out = open_output(file);
  out << "device,k,constraint_ms,constraint_quantile,strategy,metric,arch,arch_str,predicted_ms,true_ms,accuracy,"
         "truly_feasible,oracle_arch,oracle_arch_str,oracle_ms,oracle_accuracy,regret,evaluated,search_seconds,"
         "transfer_seconds\n";
  for (const auto& r : rows) {
    const bool found = r.chosen.arch >= 0;
    const bool oracle = r.oracle.arch >= 0;
    // Regret only for a truly feasible choice: an infeasible one can beat the oracle by breaking the constraint.
    const bool truly_feasible = found && r.chosen.true_ms <= r.constraint_ms;
    out << r.device << ',' << r.k << ',' << num(r.constraint_ms) << ',' << (r.quantile ? num(*r.quantile) : "") << ','
        << r.strategy << ',' << r.metric << ',' << arch_fields(r.chosen, true) << ','
        << (found ? (r.chosen.true_ms <= r.constraint_ms ? "true" : "false") : "") << ','
        << arch_fields(r.oracle, false) << ','
        << (truly_feasible && oracle ? num(r.oracle.accuracy - r.chosen.accuracy) : "") << ',' << r.evaluated << ','
        << num(r.search_seconds) << ',' << num(r.transfer_seconds) << '\n';
  }
}

void write_speedup_csv(const std::filesystem::path& file, const std::vector<SpeedupRow>& rows) {
  std::ofstream out = open_output(file);
  out << "device,k,constraint_ms,predictor_regret,predictor_feasible,repeats,reached,measurements_median,"
         "measurements_mean_reached,measurements_max_reached,median_over_k,device_mean_ms,budget\n";
  for (const auto& r : rows) {
    std::vector<int64_t> reached;
    for (int64_t m : r.measurements)
      if (m >= 0) reached.push_back(m);
    std::sort(reached.begin(), reached.end());
    // Lower median over all repeats, an unreached repeat counting as more than the budget.
    const std::size_t mid = (r.measurements.size() - 1) / 2;
    std::string median = ">" + std::to_string(r.budget), ratio;
    if (!r.measurements.empty() && mid < reached.size()) {
      median = std::to_string(reached[mid]);
      ratio = num(static_cast<double>(reached[mid]) / static_cast<double>(r.k));
    }
    const double mean =
        reached.empty() ? 0.0
                        : std::accumulate(reached.begin(), reached.end(), 0.0) / static_cast<double>(reached.size());
    out << r.device << ',' << r.k << ',' << num(r.constraint_ms) << ','
        << (r.predictor_feasible ? num(r.predictor_regret) : "") << ',' << (r.predictor_feasible ? "true" : "false")
        << ',' << r.measurements.size() << ',' << reached.size() << ',' << (r.predictor_feasible ? median : "") << ','
        << (reached.empty() ? "" : num(mean)) << ',' << (reached.empty() ? "" : std::to_string(reached.back())) << ','
        << (r.predictor_feasible ? ratio : "") << ',' << num(r.device_mean_ms) << ',' << r.budget << '\n';
  }
}

std::vector<ParetoPoint> reference_points(const std::string& device) {
  // (latency ms, accuracy %) per method and device, as quoted in NASFLAT_METHOD §6.2.
  static const std::map<std::string, std::map<std::string, std::vector<std::pair<double, double>>>> kPoints = {
      {"HELP",
       {{"eyeriss", {{4.1, 69.8}, {5.5, 71.9}, {9.1, 73.5}}},
        {"fpga", {{4.7, 71.8}, {5.9, 72.4}, {7.4, 73.5}}},
        {"gold_6226", {{7.7, 66.6}, {11.0, 70.6}, {13.9, 72.1}}},
        {"pixel2", {{13, 67.4}, {19, 70.6}, {34, 73.5}}},
        {"titan_rtx_256", {{18, 69.3}, {19, 71.6}, {25, 71.8}}}}},
      {"BRP-NAS",
       {{"eyeriss", {{4.7, 71.7}, {9.1, 73.5}, {9.1, 73.5}}},
        {"fpga", {{7.2, 73.4}, {7.4, 73.5}, {7.4, 73.5}}},
        {"gold_6226", {{8.7, 68.2}, {9.5, 66.9}, {17.0, 73.5}}},
        {"pixel2", {{14, 66.9}, {34, 73.5}, {34, 73.5}}},
        {"titan_rtx_256", {{19, 71.5}, {21, 67.0}, {23, 70.7}}}}},
  };
  std::vector<ParetoPoint> out;
  for (const auto& [method, devices] : kPoints) {
    const auto it = devices.find(device);
    if (it == devices.end()) continue;
    for (const auto& [ms, acc] : it->second)
      out.push_back({device, method, ms, acc, -1, method == "HELP" ? "S=20, NASFLAT_METHOD 6.2" : "S=900"});
  }
  return out;
}

}  // namespace latpred::cli
