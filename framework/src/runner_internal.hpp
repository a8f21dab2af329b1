// Internal pieces of the runner (runner_*.cpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "latpred/csv.hpp"
#include "latpred/runner.hpp"

namespace latpred::detail {

using latpred::csv_cell;
using latpred::split_csv_line;
std::string number_cell(double value);

// runs/<key>.csv of one finished run (the text of run_files), and reading it back.
std::filesystem::path run_file(const std::filesystem::path& dir, const std::string& key);
std::vector<ResultRow> read_run_rows(const std::filesystem::path& file);
std::string read_all(const std::filesystem::path& file);

// claims/<key>: which --jobs worker runs what. try_claim creates the file exclusively (false: claimed already).
LATPRED_API bool try_claim(const std::filesystem::path& dir, const std::string& key);  // exported for tests
void clear_claims(const std::filesystem::path& dir);

// study.toml (verbatim), includes/ and resolved.toml.
void write_study_files(const Study& study, const std::filesystem::path& dir);

struct ManifestInfo {
  std::string status;  // running, complete, failed
  std::string started;
  std::string ended;
  StudyOutcome outcome;
};
void write_manifest(const Study& study, const RunnerOptions& options, const ManifestInfo& info,
                    const std::filesystem::path& dir);
std::string utc_timestamp();

}  // namespace latpred::detail
