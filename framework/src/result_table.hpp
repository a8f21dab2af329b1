// An append-only CSV of per-architecture results that survives being killed: each row is flushed as soon as it is
// written, and a restart keeps the complete rows and skips their architectures. Used by `latpred measure` and
// `latpred zcp`; the first column is the architecture index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace latpred::detail {

class ResultTable {
 public:
  // Opens (or creates) `path` with `header`. An existing file must have exactly this header (else DataError naming
  // the file, both headers and the fix); its complete rows are kept, a partial last line (a killed write) is dropped.
  ResultTable(std::filesystem::path path, std::vector<std::string> header);
  bool has(int64_t index) const { return rows_.count(index) != 0; }
  std::size_t size() const { return rows_.size(); }
  // Appends one row (index first, then `fields`) and flushes it to disk.
  void append(int64_t index, const std::vector<std::string>& fields);
  // Rewrites the file sorted by index when rows were appended out of order (the latency loader needs increasing
  // indices). Atomic: written to a temporary file, then renamed.
  void finish();

 private:
  void rewrite();
  std::filesystem::path path_;
  std::string header_line_;
  std::map<int64_t, std::string> rows_;  // index -> full line (without '\n')
  int64_t last_index_ = -1;
  bool sorted_ = true;
  std::ofstream out_;
};

}  // namespace latpred::detail
