// Reading the files of a run directory back (run_files.hpp).
#include "report/run_files.hpp"

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "latpred/csv.hpp"
#include "latpred/error.hpp"

namespace fs = std::filesystem;

namespace latpred::cli {
namespace {

double parse_number(const std::string& cell) { return cell.empty() ? std::nan("") : std::stod(cell); }

}  // namespace

int CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

CsvTable read_csv_table(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw DataError(file.string(), 0, "cannot read the file");
  CsvTable table;
  std::string line;
  if (!std::getline(in, line) || line.empty()) throw DataError(file.string(), 1, "expected a header line");
  table.header = split_csv_line(line);
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    auto cells = split_csv_line(line);
    if (cells.size() != table.header.size())
      throw DataError(file.string(), number,
                      "expected " + std::to_string(table.header.size()) + " columns (as the header), got " +
                          std::to_string(cells.size()));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

StudyResults read_results_csv(const fs::path& file) {
  const CsvTable table = read_csv_table(file);
  const std::vector<std::string> first = {"run_key", "task", "device", "k", "seed"};
  const auto& h = table.header;
  const bool ok = h.size() >= first.size() + 2 && std::equal(first.begin(), first.end(), h.begin()) &&
                  h[h.size() - 2] == "metric" && h.back() == "value";
  if (!ok)
    throw DataError(file.string(), 1,
                    "expected the header run_key,task,device,k,seed,<swept keys...>,metric,value of a `latpred run` "
                    "results.csv, got '" +
                        join(h, ",") + "'");
  StudyResults results;
  results.swept_keys.assign(h.begin() + 5, h.end() - 2);
  int number = 1;
  for (const auto& cells : table.rows) {
    ++number;
    ResultRecord r;
    r.run_key = cells[0];
    r.task = cells[1];
    r.device = cells[2];
    r.swept.assign(cells.begin() + 5, cells.end() - 2);
    r.metric = cells[cells.size() - 2];
    try {
      r.k = std::stoll(cells[3]);
      r.seed = std::stoull(cells[4]);
      r.value = std::stod(cells.back());
    } catch (const std::exception&) {
      throw DataError(file.string(), number, "malformed k, seed or value in '" + join(cells, ",") + "'");
    }
    results.rows.push_back(std::move(r));
  }
  return results;
}

std::vector<PredictionRecord> read_predictions_csv(const fs::path& file) {
  const CsvTable table = read_csv_table(file);
  std::vector<int> at;
  for (const char* name : {"device", "k", "arch", "predicted_ms", "true_ms"}) {
    at.push_back(table.column(name));
    if (at.back() < 0)
      throw DataError(file.string(), 1,
                      std::string("expected a column '") + name + "' (a predictions file of `latpred run`), got '" +
                          join(table.header, ",") + "'");
  }
  std::vector<PredictionRecord> out;
  int number = 1;
  for (const auto& cells : table.rows) {
    ++number;
    try {
      out.push_back({cells[at[0]], std::stoll(cells[at[1]]), std::stoll(cells[at[2]]), parse_number(cells[at[3]]),
                     parse_number(cells[at[4]])});
    } catch (const std::exception&) {
      throw DataError(file.string(), number, "malformed number in '" + join(cells, ",") + "'");
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> read_manifest_fields(const fs::path& file) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(file);
  if (!in) return out;
  nlohmann::json manifest;
  try {
    in >> manifest;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file.string(), 0, std::string("not valid JSON: ") + e.what());
  }
  const std::vector<std::pair<std::string, std::string>> fields = {{"study", "study"},
                                                                   {"status", "status"},
                                                                   {"git revision", "git_revision"},
                                                                   {"started", "started"},
                                                                   {"ended", "ended"},
                                                                   {"command line", "command_line"},
                                                                   {"latpred", "latpred_version"},
                                                                   {"LibTorch", "libtorch_version"},
                                                                   {"CPU", "cpu_model"},
                                                                   {"torch threads", "torch_threads"}};
  for (const auto& [label, key] : fields) {
    if (!manifest.is_object() || !manifest.contains(key)) continue;
    const auto& value = manifest[key];
    out.emplace_back(label, value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (manifest.is_object() && manifest.contains("runs") && manifest["runs"].is_object()) {
    const auto& runs = manifest["runs"];
    out.emplace_back("runs", runs.value("total", nlohmann::json(0)).dump() + " total, " +
                                 runs.value("executed", nlohmann::json(0)).dump() + " executed, " +
                                 runs.value("skipped", nlohmann::json(0)).dump() + " skipped");
  }
  return out;
}

}  // namespace latpred::cli
