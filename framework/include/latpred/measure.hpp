// Measuring inference latency of real networks on this machine, so a new device can be added to the data:
// `latpred measure` writes a latency CSV in the shared format that load_dataset reads as a new device
// (data_dir/latpred/<space>_latency_ms.csv).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"
#include "latpred/networks.hpp"

namespace latpred {

// One measured "device": this CPU at a batch size and a number of intra-op threads. Column name
// "<prefix>_b<batch>_t<threads>", e.g. cpu_b1_t1.
struct LATPRED_API DeviceConfig {
  int batch_size = 1;
  int threads = 1;
  std::string column(const std::string& prefix) const;
};

struct MeasureOptions {
  std::vector<DeviceConfig> configs = {DeviceConfig{}};
  std::string prefix = "cpu";
  int input_size = 32;
  int num_classes = 10;
  int warmup = 3;        // untimed forwards before each timed series
  int repeats = 10;      // timed forwards per series; the median is reported
  double max_cv = 0.10;  // a series with a higher coefficient of variation (std/mean) is re-measured...
  int max_attempts = 3;  // ...up to this many series; the least noisy one is kept and flagged if still noisy
};

struct LatencyStats {
  double median_ms = 0.0;
  double mean_ms = 0.0;
  double cv = 0.0;     // std / mean of the kept series
  int attempts = 0;    // series measured
  bool noisy = false;  // cv > max_cv even after max_attempts series
};

// Times `network` (eval mode, no grad) on a batch of batch_size x 3 x input_size x input_size with `threads`
// intra-op threads (restored afterwards). Throws Error on invalid options.
LATPRED_API LatencyStats measure_latency(Network& network, const DeviceConfig& config, const MeasureOptions& options);

struct MeasureSummary {
  int64_t measured = 0;  // newly measured this run
  int64_t skipped = 0;   // already in the output file (resume)
  int64_t noisy = 0;     // (arch, config) pairs flagged noisy this run
  double seconds = 0.0;
};

// Measures the architectures `indices` of `dataset` (its arch list gives the ops) for every configuration and
// appends one row per architecture to `output`: "<space>_index,ops,<one column per config>". Resumable: rows already
// in `output` are skipped (the header must match the configurations). Per-configuration quality (cv, attempts,
// noisy flag) goes to `output` + ".quality.csv" (not a latency table: the loader must not read it as devices). Logs
// progress with an ETA.
LATPRED_API MeasureSummary measure_archs(const Dataset& dataset, const std::vector<int64_t>& indices,
                                         const MeasureOptions& options, const std::filesystem::path& output);

// The cross product of batch sizes and thread counts, batch-major (b1_t1, b1_t2, b16_t1, ...). Throws ConfigError on
// a value < 1.
LATPRED_API std::vector<DeviceConfig> device_configs(const std::vector<int>& batch_sizes,
                                                     const std::vector<int>& threads);

}  // namespace latpred
