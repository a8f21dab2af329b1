// Internal pieces of the runner (runner_*.cpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "latpred/runner.hpp"

namespace latpred::detail {

// CSV cells: quoted when they hold a comma, quote or newline.
std::string csv_cell(const std::string& text);
std::vector<std::string> split_csv_line(const std::string& line);
std::string number_cell(double value);

// runs/<key>.csv of one finished run, and reading it back.
std::filesystem::path run_file(const std::filesystem::path& dir, const std::string& key);
void write_run_rows(const std::filesystem::path& dir, const std::string& key, const std::vector<ResultRow>& rows);
std::vector<ResultRow> read_run_rows(const std::filesystem::path& file);
void write_predictions(const std::filesystem::path& dir, const std::string& key,
                       const std::vector<Prediction>& predictions);

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
