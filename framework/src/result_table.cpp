#include "result_table.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "latpred/error.hpp"

namespace latpred::detail {
namespace {

std::string join_fields(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
  return line;
}

}  // namespace

ResultTable::ResultTable(std::filesystem::path path, std::vector<std::string> header)
    : path_(std::move(path)), header_line_(join_fields(header)) {
  const std::string file = path_.string();
  bool needs_rewrite = false;
  if (std::filesystem::exists(path_)) {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::size_t pos = 0;
    int number = 0;
    while (pos < text.size()) {
      const std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) {  // killed mid-row: drop the fragment
        needs_rewrite = true;
        break;
      }
      const std::string line = text.substr(pos, end - pos);
      pos = end + 1;
      if (++number == 1) {
        if (line != header_line_) {
          throw DataError(file, 1,
                          "existing results have header '" + line + "' but this run writes '" + header_line_ +
                              "'; use another --output file or the same settings to resume");
        }
        continue;
      }
      if (line.empty()) continue;
      int64_t index = -1;
      const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
      if (ec != std::errc() || ptr == line.data() + line.size() || *ptr != ',' || index < 0) {
        throw DataError(file, number, "row does not start with an architecture index: '" + line + "'");
      }
      if (index <= last_index_) sorted_ = false;
      last_index_ = std::max(last_index_, index);
      rows_[index] = line;
    }
    if (number == 0) needs_rewrite = true;
  } else {
    needs_rewrite = true;
  }
  if (needs_rewrite) rewrite();
  out_.open(path_, std::ios::app | std::ios::binary);
  if (!out_) throw DataError(file, 0, "cannot open for appending (directory missing or not writable?)");
}

void ResultTable::append(int64_t index, const std::vector<std::string>& fields) {
  std::string line = std::to_string(index);
  for (const auto& f : fields) line += "," + f;
  out_ << line << '\n';
  out_.flush();
  if (!out_) throw DataError(path_.string(), 0, "write failed (disk full?)");
  if (index <= last_index_) sorted_ = false;
  last_index_ = std::max(last_index_, index);
  rows_[index] = std::move(line);
}

void ResultTable::finish() {
  if (sorted_) return;
  out_.close();
  rewrite();
  sorted_ = true;
  out_.open(path_, std::ios::app | std::ios::binary);
}

void ResultTable::rewrite() {
  std::filesystem::path tmp = path_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw DataError(tmp.string(), 0, "cannot create (directory missing or not writable?)");
    out << header_line_ << '\n';
    for (const auto& [index, line] : rows_) out << line << '\n';
    if (!out.flush()) throw DataError(tmp.string(), 0, "write failed (disk full?)");
  }
  std::filesystem::rename(tmp, path_);
}

}  // namespace latpred::detail
