// Files of a run directory: atomic writes, per-run CSVs, predictions, and the copies of the study files.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "latpred/error.hpp"
#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {

void write_file_atomic(const fs::path& file, const std::string& content) {
  std::error_code error;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), error);
  if (error) throw Error("cannot create directory " + file.parent_path().string() + ": " + error.message());
  const fs::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw Error("cannot write " + temporary.string());
  }
  fs::rename(temporary, file, error);
  if (error) throw Error("cannot rename " + temporary.string() + " to " + file.string() + ": " + error.message());
}

namespace detail {

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::string number_cell(double value) { return to_string(ParamValue(value)); }

fs::path run_file(const fs::path& dir, const std::string& key) { return dir / "runs" / (key + ".csv"); }

static const char* const kRunHeader = "task,device,k,seed,metric,value";

void write_run_rows(const fs::path& dir, const std::string& key, const std::vector<ResultRow>& rows) {
  std::ostringstream out;
  out << kRunHeader << "\n";
  for (const auto& row : rows)
    out << csv_cell(row.task) << "," << csv_cell(row.device) << "," << row.k << "," << row.seed << ","
        << csv_cell(row.metric) << "," << number_cell(row.value) << "\n";
  write_file_atomic(run_file(dir, key), out.str());
}

std::vector<ResultRow> read_run_rows(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw DataError(file.string(), 0, "cannot read the rows of a finished run");
  std::string line;
  std::getline(in, line);
  if (line != kRunHeader) throw DataError(file.string(), 1, std::string("expected the header ") + kRunHeader);
  std::vector<ResultRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto cells = split_csv_line(line);
    if (cells.size() != 6)
      throw DataError(file.string(), number, "expected 6 columns, got " + std::to_string(cells.size()));
    try {
      rows.push_back({cells[0], cells[1], std::stoll(cells[2]), std::stoull(cells[3]), cells[4], std::stod(cells[5])});
    } catch (const std::exception&) {
      throw DataError(file.string(), number, "malformed number in '" + line + "'");
    }
  }
  return rows;
}

void write_predictions(const fs::path& dir, const std::string& key, const std::vector<Prediction>& predictions) {
  std::ostringstream out;
  out << "device,k,arch,score,predicted_ms,true_ms\n";
  for (const auto& p : predictions) {
    for (std::size_t i = 0; i < p.archs.size(); ++i) {
      const auto at = [i](const std::vector<float>& v) { return i < v.size() ? number_cell(v[i]) : std::string(); };
      out << csv_cell(p.device) << "," << p.k << "," << p.archs[i] << "," << at(p.score) << "," << at(p.predicted_ms)
          << "," << at(p.true_ms) << "\n";
    }
  }
  write_file_atomic(dir / "predictions" / (key + ".csv"), out.str());
}

static std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_study_files(const Study& study, const fs::path& dir) {
  write_file_atomic(dir / "study.toml", read_all(study.file));
  std::set<std::string> used;
  for (const auto& include : study.includes) {
    // Includes keep their file name; a second file of the same name gets a numeric prefix.
    std::string name = include.filename().string();
    for (int n = 2; !used.insert(name).second; ++n) name = std::to_string(n) + "_" + include.filename().string();
    write_file_atomic(dir / "includes" / name, read_all(include));
  }
  write_file_atomic(dir / "resolved.toml", resolved_study_toml(study));
}

}  // namespace detail
}  // namespace latpred
