#include "latpred/dataset.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "latpred/error.hpp"

namespace latpred {
namespace {

std::vector<float> min_max_normalize(const std::vector<float>& latency) {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  for (float v : latency) {
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  std::vector<float> out(latency.size());
  // A constant device has no order to learn; it maps to 0 rather than dividing by zero.
  const double range = hi > lo ? static_cast<double>(hi) - lo : 0.0;
  for (std::size_t i = 0; i < latency.size(); ++i) {
    const float v = latency[i];
    out[i] = std::isnan(v) ? v : range > 0.0 ? static_cast<float>((v - static_cast<double>(lo)) / range) : 0.0f;
  }
  return out;
}

}  // namespace

Dataset::Dataset(std::shared_ptr<const SearchSpace> space, std::vector<std::vector<int>> arch_ops)
    : space_(std::move(space)), arch_ops_(std::move(arch_ops)) {
  if (!space_) throw Error("Dataset: no search space given");
  for (std::size_t i = 0; i < arch_ops_.size(); ++i) {
    try {
      space_->check(arch_ops_[i]);
    } catch (const std::invalid_argument& e) {
      throw Error("Dataset: architecture " + std::to_string(i) + ": " + e.what());
    }
  }
}

void Dataset::add_device(DeviceInfo info, std::vector<float> latency_ms) {
  if (has_device(info.name)) throw Error("Dataset: duplicate device '" + info.name + "'");
  if (static_cast<int64_t>(latency_ms.size()) != num_archs()) {
    throw Error("Dataset: device '" + info.name + "' has " + std::to_string(latency_ms.size()) +
                " latencies, expected one per architecture (" + std::to_string(num_archs()) + ")");
  }
  normalized_.push_back(min_max_normalize(latency_ms));
  latency_.push_back(std::move(latency_ms));
  devices_.push_back(std::move(info));
}

std::vector<std::string> Dataset::device_names() const {
  std::vector<std::string> names;
  names.reserve(devices_.size());
  for (const auto& d : devices_) names.push_back(d.name);
  return names;
}

bool Dataset::has_device(const std::string& name) const {
  return std::any_of(devices_.begin(), devices_.end(), [&](const DeviceInfo& d) { return d.name == name; });
}

int Dataset::device_index(const std::string& name) const {
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    if (devices_[i].name == name) return static_cast<int>(i);
  }
  const auto names = device_names();
  throw Error("unknown device '" + name + "' in the " + space_->name() + " dataset. " + did_you_mean(name, names) +
              "Known devices (closest first): " + join(closest_first(name, names)) + ".");
}

bool Dataset::measured(int device, int64_t arch) const {
  return !std::isnan(latency_ms(device).at(static_cast<std::size_t>(arch)));
}

std::vector<int64_t> Dataset::measured_archs(int device) const {
  const auto& column = latency_ms(device);
  std::vector<int64_t> out;
  out.reserve(column.size());
  for (std::size_t i = 0; i < column.size(); ++i) {
    if (!std::isnan(column[i])) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

int64_t Dataset::num_missing(int device) const {
  const auto& column = latency_ms(device);
  return std::count_if(column.begin(), column.end(), [](float v) { return std::isnan(v); });
}

std::shared_ptr<Dataset> load_dataset(const std::filesystem::path& data_dir, const std::string& space_name) {
  namespace fs = std::filesystem;
  std::shared_ptr<const SearchSpace> space = make_search_space(space_name);
  struct Table {
    std::filesystem::path file;
    std::string source;
    bool required;
  };
  // latpred's own measurements (the repository's built-in data/, or `latpred measure` output placed beside the
  // shared tables). Without the HELP table it must list every architecture itself, as the built-in data does.
  const fs::path own_table = data_dir / "latpred" / (space_name + "_latency_ms.csv");
  const fs::path help_table = data_dir / "help_latency/csv" / ("help_" + space_name + "_latency_ms.csv");
  const bool standalone = !fs::exists(help_table) && fs::exists(own_table);
  std::vector<Table> tables;
  if (standalone) {
    tables.push_back({own_table, "latpred", true});
  } else {
    tables.push_back({help_table, "help", true});
    if (space_name == "nb201") {
      tables.push_back({data_dir / "eagle_brpnas_latency/csv/eagle_nb201_latency_ms.csv", "eagle", false});
    }
    tables.push_back({own_table, "latpred", false});
  }

  auto dataset = std::make_shared<Dataset>(space, std::vector<std::vector<int>>{});
  for (const Table& table : tables) {
    if (!fs::exists(table.file)) {
      if (table.required) {
        throw DataError(table.file.string(), 0,
                        "latency table of the " + space_name + " space not found in data directory '" +
                            data_dir.string() + "' (nor latpred/" + own_table.filename().string() +
                            ", which can replace it)");
      }
      if (table.source != "latpred") spdlog::warn("{}: not found; its devices are not loaded", table.file.string());
      continue;
    }
    read_latency_csv(table.file, table.source, *dataset);
  }
  dataset->set_data_dir(data_dir);  // after the reads: the first one replaces the empty dataset

  std::string missing;
  for (int d = 0; d < dataset->num_devices(); ++d) {
    if (const int64_t n = dataset->num_missing(d)) {
      missing += (missing.empty() ? "" : ", ") + dataset->device(d).name + " " + std::to_string(n);
    }
  }
  spdlog::info("{} dataset: {} architectures, {} devices from {}", space_name, dataset->num_archs(),
               dataset->num_devices(), data_dir.string());
  if (!missing.empty()) spdlog::info("{} archs not measured (skipped, not imputed): {}", space_name, missing);
  return dataset;
}

std::filesystem::path resolve_data_dir(const std::string& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) {
    if (!fs::is_directory(configured)) throw Error("data directory '" + configured + "' (configured) does not exist");
    return fs::canonical(configured);
  }
  if (const char* env = std::getenv("LATPRED_DATA"); env && *env) {
    if (!fs::is_directory(env)) throw Error("data directory '" + std::string(env) + "' ($LATPRED_DATA) does not exist");
    return fs::canonical(env);
  }
  std::vector<fs::path> candidates = {fs::current_path() / ".." / "shared" / "data"};
#ifdef LATPRED_SOURCE_DIR
  candidates.push_back(fs::path(LATPRED_SOURCE_DIR) / ".." / "shared" / "data");
  candidates.push_back(fs::path(LATPRED_SOURCE_DIR) / "data");
#endif
  std::vector<std::string> tried;
  for (const auto& candidate : candidates) {
    if (fs::is_directory(candidate)) return fs::canonical(candidate);
    tried.push_back(candidate.lexically_normal().string());
  }
  throw Error("no data directory found; set data_dir in the study, or $LATPRED_DATA. Tried: " + join(tried));
}

std::filesystem::path builtin_data_dir() {
#ifdef LATPRED_SOURCE_DIR
  const std::filesystem::path dir = std::filesystem::path(LATPRED_SOURCE_DIR) / "data";
  if (std::filesystem::is_directory(dir)) return std::filesystem::canonical(dir);
#endif
  return {};
}

}  // namespace latpred
