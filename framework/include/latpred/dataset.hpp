// Measured latency data of one search space: the architectures (index order of the source data), the devices,
// and one latency column per device (milliseconds; NaN = not measured, never imputed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "latpred/export.hpp"
#include "latpred/search_space.hpp"

namespace latpred {

enum class DeviceType { GPU, CPU, mCPU, eCPU, eGPU, eTPU, mGPU, DSP, ASIC, FPGA, Other };
LATPRED_API std::string to_string(DeviceType type);

struct DeviceInfo {
  std::string name;
  DeviceType type = DeviceType::Other;
  int batch_size = 0;  // 0 = unknown
  std::string source;  // "help", "eagle", "latpred" (own measurements), ...
};

// Name-based device classification following NASFLAT_METHOD §1.1 (e.g. "titan_rtx_32" -> GPU, batch 32).
LATPRED_API DeviceInfo classify_device(const std::string& name, const std::string& source);

class LATPRED_API Dataset {
 public:
  Dataset(std::shared_ptr<const SearchSpace> space, std::vector<std::vector<int>> arch_ops);

  const SearchSpace& space() const { return *space_; }
  std::shared_ptr<const SearchSpace> space_ptr() const { return space_; }
  int64_t num_archs() const { return static_cast<int64_t>(arch_ops_.size()); }
  const std::vector<int>& arch_ops(int64_t arch) const { return arch_ops_.at(static_cast<std::size_t>(arch)); }

  // The directory the data was loaded from (set by load_dataset; empty for a dataset built in memory), where
  // encoders find their per-architecture files (e.g. zero-cost proxy tables).
  const std::filesystem::path& data_dir() const { return data_dir_; }
  void set_data_dir(std::filesystem::path dir) { data_dir_ = std::move(dir); }

  // Adds a device column (ms, NaN = missing). Throws Error on a duplicate name or a wrong length.
  void add_device(DeviceInfo info, std::vector<float> latency_ms);

  int num_devices() const { return static_cast<int>(devices_.size()); }
  const DeviceInfo& device(int index) const { return devices_.at(static_cast<std::size_t>(index)); }
  std::vector<std::string> device_names() const;
  // Throws Error naming the unknown device and listing the known ones, closest first.
  int device_index(const std::string& name) const;
  bool has_device(const std::string& name) const;

  const std::vector<float>& latency_ms(int device) const { return latency_.at(static_cast<std::size_t>(device)); }
  // Min-max normalised over the measured archs of the device, in [0, 1]; NaN where missing.
  const std::vector<float>& normalized(int device) const { return normalized_.at(static_cast<std::size_t>(device)); }
  bool measured(int device, int64_t arch) const;
  std::vector<int64_t> measured_archs(int device) const;  // ascending
  int64_t num_missing(int device) const;

 private:
  std::shared_ptr<const SearchSpace> space_;
  std::vector<std::vector<int>> arch_ops_;
  std::filesystem::path data_dir_;
  std::vector<DeviceInfo> devices_;
  std::vector<std::vector<float>> latency_;
  std::vector<std::vector<float>> normalized_;
};

// Loads every latency table of `space` found under `data_dir`:
//   nb201: help_latency/csv/help_nb201_latency_ms.csv (+ eagle_brpnas_latency/csv/eagle_nb201_latency_ms.csv,
//          joined on nb201_index), fbnet: help_latency/csv/help_fbnet_latency_ms.csv,
//   plus any latpred-measured table data_dir/latpred/<space>_latency_ms.csv.
// Throws DataError for a missing/malformed file (file:line) and Error for an unknown space.
LATPRED_API std::shared_ptr<Dataset> load_dataset(const std::filesystem::path& data_dir, const std::string& space);

// Reads one latency CSV in the shared format (index column, arch columns, one column per device) into `dataset`
// (or creates the arch list when dataset is empty). Exposed for `latpred measure` round trips and tests.
LATPRED_API void read_latency_csv(const std::filesystem::path& file, const std::string& source, Dataset& dataset);

// The data directory: `configured` if non-empty, else $LATPRED_DATA (either must exist, else Error), else the first
// existing of ../shared/data relative to the working directory, <source dir>/../shared/data and the repository's
// built-in data/ directory (Error listing what was tried when none exists). Returned canonical.
LATPRED_API std::filesystem::path resolve_data_dir(const std::string& configured);

// The data/ directory of the repository this build came from (latpred's own measured latencies and proxy tables),
// or an empty path when it does not exist (e.g. the sources were removed after installing).
LATPRED_API std::filesystem::path builtin_data_dir();

}  // namespace latpred
