#include "reference_set.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "latpred/error.hpp"

namespace latpred::reference {

namespace {

// HELP names the NB201 space "nasbench201".
std::string help_space_key(const std::string& space) { return space == "nb201" ? "nasbench201" : space; }

void check_in_range(const Dataset& data, int64_t arch, const std::string& where) {
  if (arch < 0 || arch >= data.num_archs()) {
    throw Error(where + ": reference arch " + std::to_string(arch) + " is outside the " + data.space().name() +
                " dataset (archs 0.." + std::to_string(data.num_archs() - 1) + ")");
  }
}

}  // namespace

std::vector<int64_t> help_archs(const Dataset& data, const std::string& data_dir) {
  const std::filesystem::path file =
      resolve_data_dir(data_dir) / "help_latency" / "csv" / "help_hardware_embedding_index.json";
  std::ifstream in(file);
  if (!in) throw DataError(file.string(), 0, "cannot open HELP's reference-architecture index (reference = \"help\")");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file.string(), 0, std::string("malformed JSON: ") + e.what());
  }
  const std::string key = help_space_key(data.space().name());
  if (!json.is_object() || !json.contains(key) || !json[key].is_array()) {
    std::vector<std::string> keys;
    if (json.is_object())
      for (const auto& item : json.items()) keys.push_back(item.key());
    throw DataError(file.string(), 0,
                    "expected a list of arch indices under \"" + key + "\"; the file has: " + join(keys));
  }
  std::vector<int64_t> archs;
  for (const auto& value : json[key]) {
    if (!value.is_number_integer()) throw DataError(file.string(), 0, "\"" + key + "\" holds a non-integer entry");
    archs.push_back(value.get<int64_t>());
    check_in_range(data, archs.back(), file.string());
  }
  return archs;
}

std::vector<int64_t> spread_archs(const Dataset& data, const std::vector<int>& train_devices, int64_t count) {
  if (train_devices.empty()) throw Error("reference_latency: reference = \"spread\" needs at least one train device");
  std::vector<std::pair<double, int64_t>> candidates;  // (mean normalised latency, arch)
  for (int64_t arch = 0; arch < data.num_archs(); ++arch) {
    double sum = 0.0;
    bool all = true;
    for (int d : train_devices) {
      all = all && data.measured(d, arch);
      if (all) sum += data.normalized(d)[static_cast<std::size_t>(arch)];
    }
    if (all) candidates.emplace_back(sum / static_cast<double>(train_devices.size()), arch);
  }
  std::sort(candidates.begin(), candidates.end());
  const auto n = static_cast<int64_t>(candidates.size());
  if (n < 2) throw Error("reference_latency: fewer than 2 archs are measured on every train device");
  if (count > n) {
    spdlog::warn(
        "reference_latency: {} reference archs requested but only {} are measured on every train device; "
        "using all of them",
        count, n);
    count = n;
  }
  // Midpoint quantiles skip the extreme (fastest/slowest) archs, which min-max would pin to 0 and 1 on every device.
  std::vector<int64_t> archs;
  for (int64_t i = 0; i < count; ++i)
    archs.push_back(candidates[static_cast<std::size_t>((2 * i + 1) * n / (2 * count))].second);
  return archs;
}

std::vector<int64_t> checked_indices(const Dataset& data, const std::vector<int64_t>& indices) {
  if (indices.size() < 2) {
    throw ConfigError({}, "devicerep.indices",
                      "reference = \"indices\" needs at least 2 arch indices, got " + std::to_string(indices.size()));
  }
  std::set<int64_t> seen;
  for (int64_t arch : indices) {
    if (arch < 0 || arch >= data.num_archs()) {
      throw ConfigError({}, "devicerep.indices",
                        "arch " + std::to_string(arch) + " is outside the " + data.space().name() + " dataset (0.." +
                            std::to_string(data.num_archs() - 1) + ")");
    }
    if (!seen.insert(arch).second) {
      throw ConfigError({}, "devicerep.indices", "arch " + std::to_string(arch) + " is listed twice");
    }
  }
  return indices;
}

std::vector<float> normalized_reference_latencies(const Dataset& data, int device, const std::vector<int64_t>& archs) {
  const std::string& name = data.device(device).name;
  const std::vector<float>& ms = data.latency_ms(device);
  std::vector<float> out(archs.size(), std::nanf(""));
  std::vector<float> measured;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (data.measured(device, archs[i])) measured.push_back(ms[static_cast<std::size_t>(archs[i])]);
  }
  if (measured.size() < 2) {
    throw Error("reference_latency: device '" + name + "' has only " + std::to_string(measured.size()) + " of the " +
                std::to_string(archs.size()) + " reference archs measured; at least 2 are needed");
  }
  const auto [lo, hi] = std::minmax_element(measured.begin(), measured.end());
  const float min = *lo, range = *hi - *lo;
  if (range <= 0.0f) spdlog::warn("reference_latency: device '{}' has equal latencies on all reference archs", name);
  double sum = 0.0;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (!data.measured(device, archs[i])) continue;
    out[i] = range > 0.0f ? (ms[static_cast<std::size_t>(archs[i])] - min) / range : 0.0f;
    sum += out[i];
  }
  const auto mean = static_cast<float>(sum / static_cast<double>(measured.size()));
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (!std::isnan(out[i])) continue;
    spdlog::warn(
        "reference_latency: device '{}' has no latency for reference arch {}; using the mean of its {} "
        "measured reference latencies",
        name, archs[i], measured.size());
    out[i] = mean;
  }
  return out;
}

}  // namespace latpred::reference
