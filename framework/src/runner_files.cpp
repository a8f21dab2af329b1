// Files of a run directory: atomic writes, per-run CSVs, predictions, transfer samples, and the copies of the study
// files.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "latpred/error.hpp"
#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {

void write_file_atomic(const fs::path& file, const std::string& content) {
  std::error_code error;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), error);
  if (error) throw Error("cannot create directory " + file.parent_path().string() + ": " + error.message());
  // Per process: two workers writing the same file never share a temporary.
  const fs::path temporary = file.string() + "." + std::to_string(::getpid()) + ".tmp";
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

std::string number_cell(double value) { return to_string(ParamValue(value)); }

fs::path run_file(const fs::path& dir, const std::string& key) { return dir / "runs" / (key + ".csv"); }

const char* const kRunHeader = "task,device,k,seed,metric,value";

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
    if (cells.size() != 6) {
      throw DataError(file.string(), number, "expected 6 columns, got " + std::to_string(cells.size()));
    }
    try {
      rows.push_back({cells[0], cells[1], std::stoll(cells[2]), std::stoull(cells[3]), cells[4], std::stod(cells[5])});
    } catch (const std::exception&) {
      throw DataError(file.string(), number, "malformed number in '" + line + "'");
    }
  }
  return rows;
}

std::string read_all(const fs::path& file) {
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

bool try_claim(const fs::path& dir, const std::string& key) {
  fs::create_directories(dir / "claims");
  const fs::path claim = dir / "claims" / key;
  // O_EXCL makes the creation atomic: of several workers exactly one gets the run.
  const int fd = ::open(claim.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw Error("cannot create the claim " + claim.string() + ": " + std::strerror(errno));
  }
  const std::string owner = std::to_string(::getpid()) + "\n";
  const bool written = ::write(fd, owner.data(), owner.size()) == static_cast<ssize_t>(owner.size());
  ::close(fd);
  if (!written) throw Error("cannot write the claim " + claim.string());
  return true;
}

void clear_claims(const fs::path& dir) {
  std::error_code error;
  fs::remove_all(dir / "claims", error);
  if (error) throw Error("cannot remove the stale claims in " + (dir / "claims").string() + ": " + error.message());
}

}  // namespace detail

std::string duration_text(double seconds) {
  const auto total = static_cast<long long>(std::llround(seconds));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  return buffer;
}

RunFiles run_files(const std::string& key, const ExperimentResult& result) {
  RunFiles files;
  files.key = key;
  std::ostringstream rows;
  rows << detail::kRunHeader << "\n";
  for (const auto& row : result.rows) {
    rows << detail::csv_cell(row.task) << "," << detail::csv_cell(row.device) << "," << row.k << "," << row.seed << ","
         << detail::csv_cell(row.metric) << "," << detail::number_cell(row.value) << "\n";
  }
  files.rows_csv = rows.str();
  if (!result.transfer_samples.empty()) {
    std::ostringstream samples;
    samples << "device,k,rank,arch\n";
    for (const auto& s : result.transfer_samples) {
      for (std::size_t i = 0; i < s.archs.size(); ++i) {
        samples << detail::csv_cell(s.device) << "," << s.k << "," << i << "," << s.archs[i] << "\n";
      }
    }
    files.transfer_csv = samples.str();
  }
  if (result.predictions.empty()) return files;
  std::ostringstream out;
  out << "device,k,arch,score,predicted_ms,true_ms\n";
  for (const auto& p : result.predictions) {
    for (std::size_t i = 0; i < p.archs.size(); ++i) {
      const auto at = [i](const std::vector<float>& v) {
        return i < v.size() ? detail::number_cell(v[i]) : std::string();
      };
      out << detail::csv_cell(p.device) << "," << p.k << "," << p.archs[i] << "," << at(p.score) << ","
          << at(p.predicted_ms) << "," << at(p.true_ms) << "\n";
    }
  }
  files.predictions_csv = out.str();
  return files;
}

void store_run_files(const fs::path& dir, const RunFiles& files) {
  if (!files.predictions_csv.empty()) {
    write_file_atomic(dir / "predictions" / (files.key + ".csv"), files.predictions_csv);
  }
  if (!files.transfer_csv.empty()) write_file_atomic(dir / "transfer" / (files.key + ".csv"), files.transfer_csv);
  write_file_atomic(detail::run_file(dir, files.key), files.rows_csv);
}

bool run_finished(const fs::path& dir, const std::string& key) { return fs::exists(detail::run_file(dir, key)); }

std::size_t count_finished(const Study& study, const fs::path& dir, const Shard& shard) {
  std::size_t finished = 0;
  for (std::size_t i = 0; i < study.runs.size(); ++i) {
    finished += shard.contains(i) && run_finished(dir, study.runs[i].key) ? 1 : 0;
  }
  return finished;
}

}  // namespace latpred
