// Raw zero-cost-proxy values of every architecture of a dataset, read from one of two table formats:
//   .json  NASFLAT's zc_fbnet.json: {"<op ids joined by '_'>": {"<proxy>": score, ...}, ...}
//   .csv   the table of `latpred zcp`: header "<space>_index,ops,<proxy>,...", ops joined by '-', empty = NaN.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"

namespace latpred_zcp {

struct RawProxies {
  std::vector<std::vector<double>> columns;  // [proxy][arch] in the requested order; NaN = undefined cell
};

// Both throw latpred::DataError naming the file (and line) when the file is unreadable, a requested proxy is
// missing, or an architecture of `data` has no value; the CSV reader's messages include the `latpred zcp` command
// that produces or completes the table.
RawProxies read_zcp_json(const std::filesystem::path& file, const latpred::Dataset& data,
                         const std::vector<std::string>& proxies);
RawProxies read_zcp_csv(const std::filesystem::path& file, const latpred::Dataset& data,
                        const std::vector<std::string>& proxies);

// "latpred zcp --space S --archs all [--data-dir D] --output FILE": the command that writes (or, being resumable,
// completes) the table of `data`.
std::string zcp_command(const latpred::Dataset& data, const std::filesystem::path& file);

}  // namespace latpred_zcp
