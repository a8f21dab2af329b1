#include "zcp_tables.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "latpred/csv.hpp"
#include "latpred/error.hpp"

namespace latpred_zcp {
namespace {

using latpred::DataError;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string joined_ops(const std::vector<int>& ops, char sep) {
  std::string out;
  for (std::size_t i = 0; i < ops.size(); ++i) out += (i ? std::string(1, sep) : "") + std::to_string(ops[i]);
  return out;
}

// "3 of 15625 architectures (first: 4, 9, 17)" for an error message.
std::string describe_missing(const std::vector<int64_t>& missing, int64_t total) {
  std::string first;
  for (std::size_t i = 0; i < missing.size() && i < 10; ++i) first += (i ? ", " : "") + std::to_string(missing[i]);
  return std::to_string(missing.size()) + " of " + std::to_string(total) + " architectures (first indices: " + first +
         (missing.size() > 10 ? ", ..." : "") + ")";
}

RawProxies empty_columns(const latpred::Dataset& data, std::size_t proxies) {
  RawProxies raw;
  raw.columns.assign(proxies, std::vector<double>(static_cast<std::size_t>(data.num_archs()), kNaN));
  return raw;
}

}  // namespace

std::string zcp_command(const latpred::Dataset& data, const std::filesystem::path& file) {
  std::string command = "latpred zcp --space " + data.space().name() + " --archs all";
  if (!data.data_dir().empty()) command += " --data-dir " + data.data_dir().string();
  return command + " --output " + file.string();
}

RawProxies read_zcp_json(const std::filesystem::path& file, const latpred::Dataset& data,
                         const std::vector<std::string>& proxies) {
  std::ifstream in(file);
  if (!in) throw DataError(file.string(), 0, "cannot open the zero-cost proxy table");
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file.string(), 0, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) throw DataError(file.string(), 0, "expected an object keyed by op ids joined by '_'");
  RawProxies raw = empty_columns(data, proxies.size());
  std::vector<int64_t> missing;
  for (int64_t arch = 0; arch < data.num_archs(); ++arch) {
    const std::string key = joined_ops(data.arch_ops(arch), '_');
    const auto entry = root.find(key);
    if (entry == root.end()) {
      missing.push_back(arch);
      continue;
    }
    for (std::size_t p = 0; p < proxies.size(); ++p) {
      const auto value = entry->find(proxies[p]);
      if (value == entry->end())
        throw DataError(file.string(), 0, "entry '" + key + "' has no proxy '" + proxies[p] + "'");
      // null is how Python writes an undefined score; it becomes an undefined cell like the CSV's empty field.
      if (!value->is_null() && !value->is_number())
        throw DataError(file.string(), 0, "entry '" + key + "', proxy '" + proxies[p] + "': expected a number");
      raw.columns[p][static_cast<std::size_t>(arch)] = value->is_null() ? kNaN : value->get<double>();
    }
  }
  if (!missing.empty())
    throw DataError(file.string(), 0,
                    "no entry for " + describe_missing(missing, data.num_archs()) + " of the " + data.space().name() +
                        " dataset (key = op ids joined by '_', e.g. '" +
                        joined_ops(data.arch_ops(missing.front()), '_') + "')");
  return raw;
}

RawProxies read_zcp_csv(const std::filesystem::path& file, const latpred::Dataset& data,
                        const std::vector<std::string>& proxies) {
  const std::string name = file.string();
  const std::string command = zcp_command(data, file);
  std::ifstream in(file);
  if (!in)
    throw DataError(name, 0,
                    "cannot open the zero-cost proxy table of the " + data.space().name() +
                        " space. Produce it with: " + command +
                        " (or write it elsewhere and set the encoder's table to it)");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = latpred::split_fields(line);
  const std::string index_column = data.space().name() + "_index";
  if (header.size() < 2 || header[0] != index_column || header[1] != "ops")
    throw DataError(name, 1,
                    "expected a `latpred zcp` table with header '" + index_column + ",ops,<proxies>', got '" + line +
                        "'. Produce it with: " + command);
  std::vector<std::size_t> column_of;
  std::vector<std::string> absent;
  for (const auto& proxy : proxies) {
    std::size_t c = 2;
    while (c < header.size() && header[c] != proxy) ++c;
    if (c == header.size()) absent.push_back(proxy);
    column_of.push_back(c);
  }
  if (!absent.empty())
    throw DataError(name, 1,
                    "missing proxy column(s) " + latpred::join(absent) +
                        " (the table has: " + latpred::join({header.begin() + 2, header.end()}) +
                        "). Produce a complete table with: " + command);

  RawProxies raw = empty_columns(data, proxies.size());
  std::vector<bool> seen(static_cast<std::size_t>(data.num_archs()), false);
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> fields = latpred::split_fields(line);
    if (fields.size() != header.size())
      throw DataError(name, line_no,
                      "expected " + std::to_string(header.size()) + " fields, got " + std::to_string(fields.size()));
    char* end = nullptr;
    const long long index = std::strtoll(fields[0].c_str(), &end, 10);
    if (fields[0].empty() || *end != '\0' || index < 0 || index >= data.num_archs())
      throw DataError(name, line_no,
                      "'" + fields[0] + "' is not an architecture index of the dataset (0.." +
                          std::to_string(data.num_archs() - 1) + ")");
    const std::size_t arch = static_cast<std::size_t>(index);
    if (seen[arch]) throw DataError(name, line_no, "architecture " + fields[0] + " appears twice");
    seen[arch] = true;
    const std::string expected = joined_ops(data.arch_ops(index), '-');
    if (fields[1] != expected)
      throw DataError(name, line_no,
                      "architecture " + fields[0] + " has ops '" + fields[1] + "' but the dataset has '" + expected +
                          "': the table belongs to another architecture list");
    for (std::size_t p = 0; p < proxies.size(); ++p) {
      const std::string& cell = fields[column_of[p]];
      if (cell.empty()) continue;                        // `latpred zcp` writes an undefined score as an empty field
      const double v = std::strtod(cell.c_str(), &end);  // "inf"/"nan" parse, and count as undefined later
      if (*end != '\0') throw DataError(name, line_no, "proxy '" + proxies[p] + "': '" + cell + "' is not a number");
      raw.columns[p][arch] = v;
    }
  }
  std::vector<int64_t> missing;
  for (std::size_t a = 0; a < seen.size(); ++a)
    if (!seen[a]) missing.push_back(static_cast<int64_t>(a));
  if (!missing.empty())
    throw DataError(name, 0,
                    "no row for " + describe_missing(missing, data.num_archs()) + " of the " + data.space().name() +
                        " dataset. Complete the table (it is resumable) with: " + command);
  return raw;
}

}  // namespace latpred_zcp
