#include "latpred/embedding_table.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include <ATen/ATen.h>

#include "latpred/csv.hpp"
#include "latpred/error.hpp"
#include "latpred/sha256.hpp"

namespace fs = std::filesystem;

namespace latpred {

namespace {

constexpr const char* kMagic = "# latpred embedding table";

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The "# name: value" header line with `name`, checked against what the key says.
void expect_header(std::istream& in, const fs::path& file, int& line_no, const std::string& name,
                   const std::string& expected) {
  std::string line;
  ++line_no;
  const std::string prefix = "# " + name + ": ";
  if (!std::getline(in, line) || line.rfind(prefix, 0) != 0)
    throw DataError(file.string(), line_no, "expected the header line '" + prefix + "...'");
  const std::string value = line.substr(prefix.size());
  if (value != expected)
    throw DataError(file.string(), line_no,
                    "the table was written for " + name + " '" + value + "', this run needs '" + expected +
                        "'; delete the file to retrain it");
}

float parse_float(std::string_view cell, const fs::path& file, int line_no) {
  const std::string text(cell);
  char* end = nullptr;
  errno = 0;
  const float value = std::strtof(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
    throw DataError(file.string(), line_no, "expected a number, got '" + text + "'");
  return value;
}

}  // namespace

fs::path cache_directory() {
  if (auto dir = env_or_empty("LATPRED_CACHE"); !dir.empty()) return dir;
  if (auto dir = env_or_empty("XDG_CACHE_HOME"); !dir.empty()) return fs::path(dir) / "latpred";
  if (auto home = env_or_empty("HOME"); !home.empty()) return fs::path(home) / ".cache" / "latpred";
  return ".latpred-cache";
}

fs::path cache_directory(const std::string& configured) {
  return configured.empty() ? cache_directory() : fs::path(configured);
}

std::string arch_list_digest(const Dataset& data) {
  std::string text;
  for (int64_t a = 0; a < data.num_archs(); ++a) {
    for (int op : data.arch_ops(a)) text += std::to_string(op) + ",";
    text += ";";
  }
  return sha256_hex(text).substr(0, 16);
}

fs::path embedding_table_path(const fs::path& dir, const EmbeddingTableKey& key) {
  return dir / (key.encoder + "-" + key.space + "-" + sha256_hex(key.settings).substr(0, 16) + ".csv");
}

std::optional<at::Tensor> load_embedding_table(const fs::path& file, const EmbeddingTableKey& key) {
  std::ifstream in(file);
  if (!in) {
    if (!fs::exists(file)) return std::nullopt;
    throw DataError(file.string(), 0, "cannot read the embedding table");
  }
  int line_no = 1;
  std::string line;
  if (!std::getline(in, line) || line != kMagic)
    throw DataError(file.string(), 1, std::string("not a latpred embedding table (expected '") + kMagic + "')");
  expect_header(in, file, line_no, "encoder", key.encoder);
  expect_header(in, file, line_no, "space", key.space);
  expect_header(in, file, line_no, "settings", key.settings);
  while (std::getline(in, line)) {  // notes, then the column header
    ++line_no;
    if (line.rfind('#', 0) != 0) break;
  }
  const auto header = split_fields(line);
  if (header.size() < 2 || header.front() != "index")
    throw DataError(file.string(), line_no, "expected the column header 'index,e0,e1,...'");
  const auto dim = static_cast<int64_t>(header.size() - 1);
  at::Tensor table = at::empty({key.num_archs, dim}, at::kFloat);
  auto rows = table.accessor<float, 2>();
  std::vector<std::string_view> fields;
  int64_t row = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    split_fields(line, fields);
    if (static_cast<int64_t>(fields.size()) != dim + 1)
      throw DataError(file.string(), line_no,
                      "expected " + std::to_string(dim + 1) + " fields, got " + std::to_string(fields.size()));
    if (row >= key.num_archs)
      throw DataError(file.string(), line_no, "more rows than the " + std::to_string(key.num_archs) + " archs");
    if (fields[0] != std::to_string(row))
      throw DataError(file.string(), line_no,
                      "expected index " + std::to_string(row) + ", got '" + std::string(fields[0]) + "'");
    for (int64_t d = 0; d < dim; ++d)
      rows[row][d] = parse_float(fields[static_cast<std::size_t>(d + 1)], file, line_no);
    ++row;
  }
  if (row != key.num_archs)
    throw DataError(file.string(), line_no,
                    "has " + std::to_string(row) + " rows, the space has " + std::to_string(key.num_archs) + " archs");
  return table;
}

void store_embedding_table(const fs::path& file, const EmbeddingTableKey& key, const at::Tensor& table,
                           const std::map<std::string, std::string>& notes) {
  if (table.dim() != 2 || table.size(0) != key.num_archs)
    throw Error("store_embedding_table: expected a " + std::to_string(key.num_archs) + " x D table for " + key.encoder +
                " on " + key.space);
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  const fs::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary);
    if (!out) throw DataError(temporary.string(), 0, "cannot write the embedding table");
    out << kMagic << "\n# encoder: " << key.encoder << "\n# space: " << key.space << "\n# settings: " << key.settings
        << "\n";
    for (const auto& [name, value] : notes) out << "# " << name << ": " << value << "\n";
    out << "index";
    for (int64_t d = 0; d < table.size(1); ++d) out << ",e" << d;
    out << "\n";
    const at::Tensor values = table.to(at::kFloat).contiguous();
    const auto rows = values.accessor<float, 2>();
    char cell[32];
    for (int64_t r = 0; r < values.size(0); ++r) {
      out << r;
      for (int64_t d = 0; d < values.size(1); ++d) {
        std::snprintf(cell, sizeof cell, ",%.9g", static_cast<double>(rows[r][d]));  // 9 digits: exact float
        out << cell;
      }
      out << "\n";
    }
    if (!out) throw DataError(temporary.string(), 0, "writing the embedding table failed");
  }
  fs::rename(temporary, file);
}

}  // namespace latpred
