// Reader of the shared latency CSV format: first column = architecture index, a few known architecture columns
// (ops, arch_str, ...), every other column = one device (ms; empty cell = not measured).
// Loading speed matters (15625 rows x 30 columns on every study start), so the file is read in one piece and split
// by hand; numbers are parsed with std::from_chars.
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "latpred/csv.hpp"
#include "latpred/dataset.hpp"
#include "latpred/error.hpp"

namespace latpred {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Columns that describe the architecture rather than a device.
bool is_arch_column(std::string_view name) {
  static const std::set<std::string_view> kArchColumns = {"arch_str", "ops", "output_disconnected"};
  return kArchColumns.count(name) != 0;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!in || ec) throw DataError(file.string(), 0, "cannot open latency table (file missing or unreadable)");
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    throw DataError(file.string(), 0, "cannot read latency table");
  }
  return text;
}

class CsvCursor {
 public:
  explicit CsvCursor(const std::string& text) : text_(text) {}
  // Next non-empty line (without '\r'); false at the end.
  bool next(std::string_view& line) {
    while (pos_ < text_.size()) {
      std::size_t end = text_.find('\n', pos_);
      if (end == std::string::npos) end = text_.size();
      line = std::string_view(text_).substr(pos_, end - pos_);
      pos_ = end + 1;
      ++line_number_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) return true;
    }
    return false;
  }
  int line_number() const { return line_number_; }

 private:
  const std::string& text_;
  std::size_t pos_ = 0;
  int line_number_ = 0;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

struct Parsed {
  std::vector<int64_t> index;
  std::vector<int> line;
  std::vector<std::vector<int>> ops;  // empty when the file has no ops column
  std::vector<std::string> devices;
  std::vector<std::vector<float>> latency;  // per device, per row
};

std::vector<int> parse_ops(std::string_view text, const std::string& file, int line) {
  std::vector<int> ops;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    int value = 0;
    const auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || (next != end && *next != '-')) {
      throw DataError(file, line, "column 'ops': " + quoted(text) + " is not a '-'-joined list of op ids");
    }
    ops.push_back(value);
    p = next == end ? end : next + 1;
  }
  return ops;
}

float parse_latency(std::string_view cell, const std::string& file, int line, const std::string& device) {
  if (cell.empty() || cell == "nan" || cell == "NaN") return kMissing;
  float value = 0.0f;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value) || value < 0.0f) {
    throw DataError(file, line,
                    "device column '" + device + "': " + quoted(cell) +
                        " is not a latency (expected a finite non-negative number in ms, or an empty cell)");
  }
  return value;
}

Parsed parse_table(const std::filesystem::path& path, const SearchSpace& space) {
  const std::string file = path.string();
  const std::string text = read_file(path);
  CsvCursor cursor(text);
  std::string_view line;
  if (!cursor.next(line)) throw DataError(file, 1, "empty latency table (expected a header line)");

  std::vector<std::string_view> fields;
  split_fields(line, fields);
  std::vector<std::string> header(fields.begin(), fields.end());
  int ops_column = -1;
  std::vector<int> device_columns;
  Parsed out;
  std::set<std::string> seen;
  for (std::size_t c = 1; c < header.size(); ++c) {
    if (header[c].empty()) throw DataError(file, 1, "header column " + std::to_string(c + 1) + " has no name");
    if (!seen.insert(header[c]).second) throw DataError(file, 1, "duplicate column '" + header[c] + "'");
    if (header[c] == "ops") ops_column = static_cast<int>(c);
    if (is_arch_column(header[c])) continue;
    device_columns.push_back(static_cast<int>(c));
    out.devices.push_back(header[c]);
  }
  if (header.size() < 2) throw DataError(file, 1, "header has no columns after the index column");
  out.latency.resize(out.devices.size());

  while (cursor.next(line)) {
    const int line_number = cursor.line_number();
    split_fields(line, fields);
    if (fields.size() != header.size()) {
      throw DataError(file, line_number,
                      "expected " + std::to_string(header.size()) + " columns (as in the header), found " +
                          std::to_string(fields.size()));
    }
    int64_t index = 0;
    const auto [end, ec] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), index);
    if (ec != std::errc() || end != fields[0].data() + fields[0].size() || index < 0) {
      throw DataError(file, line_number,
                      "index column '" + header[0] + "': " + quoted(fields[0]) + " is not a non-negative integer");
    }
    if (!out.index.empty() && index <= out.index.back()) {
      throw DataError(file, line_number,
                      "index " + std::to_string(index) + " out of order (rows must be sorted by strictly increasing " +
                          header[0] + "; previous row has " + std::to_string(out.index.back()) + ")");
    }
    out.index.push_back(index);
    out.line.push_back(line_number);
    if (ops_column >= 0) {
      out.ops.push_back(parse_ops(fields[static_cast<std::size_t>(ops_column)], file, line_number));
      try {
        space.check(out.ops.back());
      } catch (const std::invalid_argument& e) {
        throw DataError(file, line_number, std::string("column 'ops': ") + e.what());
      }
    }
    for (std::size_t d = 0; d < device_columns.size(); ++d) {
      out.latency[d].push_back(
          parse_latency(fields[static_cast<std::size_t>(device_columns[d])], file, line_number, out.devices[d]));
    }
  }
  return out;
}

std::string ops_string(const std::vector<int>& ops) {
  std::string out;
  for (std::size_t i = 0; i < ops.size(); ++i) out += (i ? "-" : "") + std::to_string(ops[i]);
  return out;
}

}  // namespace

void read_latency_csv(const std::filesystem::path& path, const std::string& source, Dataset& dataset) {
  const std::string file = path.string();
  Parsed table = parse_table(path, dataset.space());

  if (dataset.num_archs() == 0) {
    // This table defines the architectures: it must list every index 0..n-1 with its ops.
    if (table.ops.empty()) throw DataError(file, 1, "an 'ops' column is needed to define the architectures");
    for (std::size_t r = 0; r < table.index.size(); ++r) {
      if (table.index[r] != static_cast<int64_t>(r)) {
        throw DataError(file, table.line[r],
                        "index " + std::to_string(table.index[r]) + " out of order: expected " + std::to_string(r) +
                            " (the first table of a space must list every architecture 0..n-1)");
      }
    }
    if (dataset.num_devices() != 0) throw Error("read_latency_csv: dataset has devices but no architectures");
    dataset = Dataset(dataset.space_ptr(), std::move(table.ops));
    for (std::size_t d = 0; d < table.devices.size(); ++d) {
      dataset.add_device(classify_device(table.devices[d], source), std::move(table.latency[d]));
    }
    return;
  }

  // Joined on the index: rows may be a subset; absent rows are missing measurements.
  const int64_t n = dataset.num_archs();
  for (std::size_t r = 0; r < table.index.size(); ++r) {
    const int64_t arch = table.index[r];
    if (arch >= n) {
      throw DataError(file, table.line[r],
                      "index " + std::to_string(arch) + " is out of range: the " + dataset.space().name() +
                          " dataset has " + std::to_string(n) + " architectures");
    }
    if (!table.ops.empty() && table.ops[r] != dataset.arch_ops(arch)) {
      throw DataError(file, table.line[r],
                      "ops mismatch for index " + std::to_string(arch) + ": this file has " + ops_string(table.ops[r]) +
                          ", the dataset has " + ops_string(dataset.arch_ops(arch)));
    }
  }
  for (std::size_t d = 0; d < table.devices.size(); ++d) {
    if (dataset.has_device(table.devices[d])) {
      throw DataError(file, 1,
                      "device '" + table.devices[d] + "' is already loaded from source '" +
                          dataset.device(dataset.device_index(table.devices[d])).source + "'");
    }
    std::vector<float> column(static_cast<std::size_t>(n), kMissing);
    for (std::size_t r = 0; r < table.index.size(); ++r) {
      column[static_cast<std::size_t>(table.index[r])] = table.latency[d][r];
    }
    dataset.add_device(classify_device(table.devices[d], source), std::move(column));
  }
}

}  // namespace latpred
