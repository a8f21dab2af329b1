// Helpers for tests that read the shared latency data (/work/shared/data). The data is found through
// $LATPRED_SHARED_DATA (set by ctest) or ../shared/data; tests WARN and return when it is absent.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "latpred/dataset.hpp"

namespace latpred_test {

inline std::optional<std::filesystem::path> shared_data_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("LATPRED_SHARED_DATA"); env && *env) candidates.emplace_back(env);
  candidates.push_back(fs::current_path() / ".." / "shared" / "data");
  candidates.push_back(fs::path(LATPRED_SOURCE_DIR) / ".." / "shared" / "data");
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "help_latency" / "csv")) return dir;
  }
  return std::nullopt;
}

// Loaded once per test process (a TEST_CASE body re-runs for every SECTION).
inline std::shared_ptr<const latpred::Dataset> shared_dataset(const std::string& space) {
  static std::map<std::string, std::shared_ptr<const latpred::Dataset>> cache;
  auto& slot = cache[space];
  if (!slot) slot = latpred::load_dataset(*shared_data_dir(), space);
  return slot;
}

// Rows of a CSV split at commas (the shared data has no quoting); the header is row 0.
inline std::vector<std::vector<std::string>> read_csv_rows(const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1) {
      fields.push_back(line.substr(start, comma - start));
    }
    fields.push_back(line.substr(start));
    rows.push_back(std::move(fields));
  }
  return rows;
}

// A temporary file removed at scope exit.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_(std::filesystem::temp_directory_path() / ("latpred_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace latpred_test
