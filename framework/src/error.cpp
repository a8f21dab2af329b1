#include "latpred/error.hpp"

#include <algorithm>
#include <numeric>

namespace latpred {

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;

std::string SourcePos::str() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (col > 0) out += ":" + std::to_string(col);
  }
  return out;
}

static std::string config_message(const SourcePos& pos, const std::string& key, const std::string& message) {
  std::string out = pos.str() + ": ";
  if (!key.empty()) out += "'" + key + "': ";
  return out + message;
}

ConfigError::ConfigError(SourcePos pos, std::string key, const std::string& message)
    : Error(config_message(pos, key, message)), pos_(std::move(pos)), key_(std::move(key)) {}
ConfigError::~ConfigError() = default;

static std::string data_message(const std::string& file, int line, const std::string& message) {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": " + message;
}

DataError::DataError(std::string file, int line, const std::string& message)
    : Error(data_message(file, line, message)), file_(std::move(file)), line_(line) {}
DataError::~DataError() = default;

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_first(const std::string& word, std::vector<std::string> candidates) {
  std::stable_sort(candidates.begin(), candidates.end(), [&](const std::string& x, const std::string& y) {
    return edit_distance(word, x) < edit_distance(word, y);
  });
  return candidates;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  const auto sorted = closest_first(word, candidates);
  const std::size_t distance = edit_distance(word, sorted.front());
  // Close enough: at most a third of the word changed (and at least one edit allowed for short words).
  if (distance <= std::max<std::size_t>(1, word.size() / 3) || sorted.front().find(word) != std::string::npos) {
    return "did you mean '" + sorted.front() + "'? ";
  }
  return "";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace latpred
