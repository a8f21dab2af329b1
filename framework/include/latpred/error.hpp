// Error types of the kernel. Every error names where it happened and what was expected, so the CLI can print it
// without a stack trace; exit_code() maps it to the CLI's exit status (1 runtime failure, 2 bad usage/config).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

class LATPRED_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  ~Error() override;
  virtual int exit_code() const { return 1; }
};

// Where in a TOML file a value came from (line/col are 1-based; 0 = unknown).
struct SourcePos {
  std::string file;
  int line = 0;
  int col = 0;
  std::string str() const;  // "file:line:col" (parts that are unknown are omitted)
};

// A configuration (pipeline, parameter, CLI) error: exit code 2.
class LATPRED_API ConfigError : public Error {
 public:
  ConfigError(SourcePos pos, std::string key, const std::string& message);
  ~ConfigError() override;
  int exit_code() const override { return 2; }
  const SourcePos& pos() const { return pos_; }
  const std::string& key() const { return key_; }

 private:
  SourcePos pos_;
  std::string key_;
};

// A data error: missing file, malformed row, unknown device. line = 0 when not about a row.
class LATPRED_API DataError : public Error {
 public:
  DataError(std::string file, int line, const std::string& message);
  ~DataError() override;
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

// Helpers to write good messages.
// Levenshtein distance, for "did you mean".
LATPRED_API std::size_t edit_distance(const std::string& a, const std::string& b);
// `candidates` sorted by edit distance to `word` (closest first, stable for ties).
LATPRED_API std::vector<std::string> closest_first(const std::string& word, std::vector<std::string> candidates);
// "did you mean 'x'? " when a candidate is close enough, else "".
LATPRED_API std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// "a, b, c"
LATPRED_API std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace latpred
