// results.csv (long form) and summary.csv (mean, population std, n over seeds) from the per-run files.
#include <cmath>
#include <map>
#include <sstream>

#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

struct Group {
  std::vector<std::string> cells;  // task, device, k, swept values..., metric
  std::vector<double> values;
};

std::string summary_line(const Group& group) {
  double sum = 0.0;
  for (double v : group.values) sum += v;
  const double n = static_cast<double>(group.values.size());
  const double mean = sum / n;
  double squares = 0.0;
  for (double v : group.values) squares += (v - mean) * (v - mean);
  std::string line;
  for (const auto& cell : group.cells) line += detail::csv_cell(cell) + ",";
  return line + detail::number_cell(mean) + "," + detail::number_cell(std::sqrt(squares / n)) + "," +
         std::to_string(group.values.size()) + "\n";
}

}  // namespace

std::size_t write_study_results(const Study& study, const fs::path& dir) {
  std::string swept_header;
  for (const auto& key : study.swept_keys) swept_header += detail::csv_cell(key) + ",";
  std::ostringstream results;
  results << "run_key,task,device,k,seed," << swept_header << "metric,value\n";

  std::vector<Group> groups;  // in first-seen order, so summary.csv follows the plan
  std::map<std::string, std::size_t> group_index;
  std::size_t finished = 0;
  for (const auto& run : study.runs) {
    const fs::path file = detail::run_file(dir, run.key);
    if (!fs::exists(file)) continue;
    ++finished;
    for (const auto& row : detail::read_run_rows(file)) {
      std::vector<std::string> cells = {row.task, row.device, std::to_string(row.k)};
      std::string swept_cells;
      for (const auto& swept : run.swept) {
        cells.push_back(swept.value);
        swept_cells += detail::csv_cell(swept.value) + ",";
      }
      cells.push_back(row.metric);
      results << run.key << "," << detail::csv_cell(row.task) << "," << detail::csv_cell(row.device) << "," << row.k
              << "," << row.seed << "," << swept_cells << detail::csv_cell(row.metric) << ","
              << detail::number_cell(row.value) << "\n";
      std::string group_key;
      for (const auto& cell : cells) group_key += cell + '\x1f';
      auto [it, inserted] = group_index.emplace(group_key, groups.size());
      if (inserted) groups.push_back({cells, {}});
      groups[it->second].values.push_back(row.value);
    }
  }
  std::ostringstream summary;
  summary << "task,device,k," << swept_header << "metric,mean,std,n\n";
  for (const auto& group : groups) summary << summary_line(group);
  write_file_atomic(dir / "results.csv", results.str());
  write_file_atomic(dir / "summary.csv", summary.str());
  return finished;
}

}  // namespace latpred
