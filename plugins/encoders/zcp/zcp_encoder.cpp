// Encoder plugin "zcp": the 13 zero-cost proxies of NASFLAT_METHOD §2.3 as a flat vector per architecture,
// normalised over all architectures of the dataset, in the space's vector order.
#include <ATen/ATen.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "latpred/dataset.hpp"
#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"
#include "latpred/zcp.hpp"
#include "zcp_normalize.hpp"
#include "zcp_tables.hpp"

namespace {

namespace fs = std::filesystem;
using latpred::ConfigError;

// The reference's vector order per space (NASFLAT_METHOD §2.3); NB201's is zcp_names().
const std::vector<std::string>& space_order(const std::string& space) {
  static const std::vector<std::string> kFbnet = {"synflow",   "zen",   "epe_nas", "fisher",  "flops",
                                                  "grad_norm", "grasp", "jacov",   "l2_norm", "nwot",
                                                  "params",    "plain", "snip"};
  return space == "fbnet" ? kFbnet : latpred::zcp_names();
}

class ZcpEncoder : public latpred::Encoder {
 public:
  ZcpEncoder(std::vector<std::string> proxies, std::string table)
      : proxies_(std::move(proxies)), table_(std::move(table)) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const std::string space = data.space().name();
    std::vector<std::string> names;  // the selected proxies, in the space's order
    for (const auto& name : space_order(space))
      if (std::find(proxies_.begin(), proxies_.end(), name) != proxies_.end()) names.push_back(name);
    const fs::path file = table_path(data);
    const latpred_zcp::RawProxies raw = file.extension() == ".json" ? latpred_zcp::read_zcp_json(file, data, names)
                                                                    : latpred_zcp::read_zcp_csv(file, data, names);
    const int64_t n = data.num_archs(), width = static_cast<int64_t>(names.size());
    at::Tensor vec = at::empty({n, width}, at::kFloat);
    auto out = vec.accessor<float, 2>();
    latpred_zcp::NormalizeStats total;
    std::vector<std::string> undefined;
    for (int64_t p = 0; p < width; ++p) {
      std::vector<double> column = raw.columns[static_cast<std::size_t>(p)];
      latpred_zcp::NormalizeStats stats;
      try {
        stats = latpred_zcp::normalize(column, latpred_zcp::transform_of(names[p]));
      } catch (const std::invalid_argument&) {
        throw latpred::DataError(
            file.string(), 0,
            "proxy '" + names[p] + "' has no finite value for any of the " + std::to_string(n) + " architectures");
      }
      if (stats.undefined) undefined.push_back(names[p] + " " + std::to_string(stats.undefined));
      total.undefined += stats.undefined;
      total.negative_log += stats.negative_log;
      for (int64_t a = 0; a < n; ++a) out[a][p] = static_cast<float>(column[static_cast<std::size_t>(a)]);
    }
    spdlog::info("zcp encoder: {} archs x {} proxies from {}", n, width, file.string());
    if (total.undefined)
      spdlog::info("zcp encoder: {} undefined (NaN) cells set to their proxy's minimum after normalisation: {}",
                   total.undefined, latpred::join(undefined));
    if (total.negative_log)
      spdlog::info("zcp encoder: {} negative values under log1p mapped to -log1p(-x)", total.negative_log);
    latpred::ArchFeatures features;
    features.vec = vec;
    return features;
  }

 private:
  fs::path table_path(const latpred::Dataset& data) const {
    const std::string space = data.space().name();
    if (!table_.empty()) return resolve_in_data_dir(data, table_);
    if (space == "fbnet") return resolve_in_data_dir(data, "nasflat_fbnet_zcp/zc_fbnet.json");
    if (space != "nb201")
      throw ConfigError({}, "table", "no default proxy table for the " + space + " space; set table");
    // NB201's table is latpred's own computation: a copy in the data directory wins over the built-in one.
    const fs::path relative = "latpred/nb201_zcp.csv";
    std::vector<fs::path> tried;
    if (!data.data_dir().empty()) tried.push_back(data.data_dir() / relative);
    if (const fs::path builtin = latpred::builtin_data_dir(); !builtin.empty()) tried.push_back(builtin / relative);
    for (const auto& candidate : tried)
      if (fs::is_regular_file(candidate)) return candidate;
    std::vector<std::string> names;
    for (const auto& candidate : tried) names.push_back(candidate.string());
    throw ConfigError({}, "table",
                      "no NB201 proxy table found (tried: " + latpred::join(names) +
                          "); compute one with `latpred zcp --space nb201 --archs all -o <data dir>/" +
                          relative.string() + "`, or set table");
  }

  static fs::path resolve_in_data_dir(const latpred::Dataset& data, const fs::path& file) {
    if (file.is_absolute()) return file;
    if (data.data_dir().empty())
      throw ConfigError({}, "table",
                        "'" + file.string() + "' is relative to the data directory, but the " + data.space().name() +
                            " dataset was built in memory and has none; give an absolute path");
    return data.data_dir() / file;
  }

  std::vector<std::string> proxies_;
  std::string table_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "zcp",
      "The 13 zero-cost proxies of each architecture (NASFLAT's ZCP encoding), normalised over all architectures "
      "of the dataset: minmax for epe_nas, jacov, l2_norm, nwot, plain, zen; minmax of log1p for fisher, flops, "
      "grad_norm, params, snip, synflow (negative values: -log1p(-x)); z-score for grasp. Order: NB201 "
      "[epe_nas, fisher, flops, grad_norm, grasp, jacov, l2_norm, nwot, params, plain, snip, synflow, zen], FBNet "
      "[synflow, zen, epe_nas, fisher, flops, grad_norm, grasp, jacov, l2_norm, nwot, params, plain, snip]. "
      "Undefined scores (NaN, e.g. jacov of output-disconnected NB201 cells) get the proxy's minimum after "
      "normalisation; an architecture without a value is an error. FBNet reads NASFLAT's zc_fbnet.json; NB201 "
      "reads latpred's own `latpred zcp` table. The reference's NB201 lookup in NASLib's zc_nasbench201.json "
      "(mis-keyed, NASFLAT_METHOD §2.3) is not implemented: that file is not available for all architectures.",
      latpred::Schema()
          .texts("proxies", latpred::zcp_names(), "proxies to use (a subset keeps the space's vector order)",
                 latpred::zcp_names())
          .text("table", "",
                "proxy table: .json = NASFLAT's format, else a `latpred zcp` CSV; relative to the data directory; "
                "empty = nasflat_fbnet_zcp/zc_fbnet.json (fbnet); latpred/nb201_zcp.csv (nb201) in the data directory, "
                "else in latpred's built-in data/"),
      [](const latpred::Params& p) {
        const std::vector<std::string> proxies = p.get_strings("proxies");
        if (proxies.empty())
          throw ConfigError({}, "proxies",
                            "expected at least one proxy. Valid: " + latpred::join(latpred::zcp_names()));
        if (std::set<std::string>(proxies.begin(), proxies.end()).size() != proxies.size())
          throw ConfigError({}, "proxies", "a proxy is listed twice: " + latpred::join(proxies));
        return std::make_shared<ZcpEncoder>(proxies, p.get_string("table"));
      });
}

}  // namespace

LATPRED_PLUGIN("zcp_encoder", "1.0", register_components)
