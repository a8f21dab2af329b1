// Reading the files of a run directory back for `latpred report`: results.csv (long form), predictions/<key>.csv,
// manifest.json, and any CSV with a header (nas.csv, nas_speedup.csv).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace latpred::cli {

// A CSV file with a header line; every row has the header's width.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // The column named `name`, or -1.
  int column(const std::string& name) const;
};
// DataError naming the file (and line) when it cannot be read, is empty or a row has the wrong width.
CsvTable read_csv_table(const std::filesystem::path& file);

// One row of results.csv.
struct ResultRecord {
  std::string run_key, task, device;
  int64_t k = 0;
  uint64_t seed = 0;
  std::vector<std::string> swept;  // the values of StudyResults::swept_keys
  std::string metric;
  double value = 0.0;
};

struct StudyResults {
  std::vector<std::string> swept_keys;
  std::vector<ResultRecord> rows;  // in file (plan) order
};
// results.csv: run_key,task,device,k,seed,<swept keys>,metric,value (DataError naming the file and line).
StudyResults read_results_csv(const std::filesystem::path& file);

// One row of predictions/<key>.csv (columns the runner leaves empty are NaN).
struct PredictionRecord {
  std::string device;
  int64_t k = 0;
  int64_t arch = 0;
  double predicted_ms = 0.0;
  double true_ms = 0.0;
};
std::vector<PredictionRecord> read_predictions_csv(const std::filesystem::path& file);

// The manifest fields a report shows, as (label, value) in display order; empty when there is no manifest.json.
// A manifest that is not valid JSON is a DataError naming it.
std::vector<std::pair<std::string, std::string>> read_manifest_fields(const std::filesystem::path& file);

}  // namespace latpred::cli
