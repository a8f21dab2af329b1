// The reference architectures of the reference_latency device rep, and every device's normalised latencies on them
// (HELP's hardware embedding, NASFLAT_METHOD §5.5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"

namespace latpred::reference {

// HELP's 10 archs of the dataset's space from <data_dir>/help_latency/csv/help_hardware_embedding_index.json.
// Throws DataError (missing/malformed file, space not listed) or Error (an index outside the dataset).
std::vector<int64_t> help_archs(const Dataset& data, const std::string& data_dir);

// `count` archs at evenly spaced quantiles (i + 0.5) / count of the mean normalised latency over `train_devices`,
// among the archs measured on every train device (ties by arch index). Uses all candidates, with a warning, when
// there are fewer than `count`. Deterministic; uses no target-device data.
std::vector<int64_t> spread_archs(const Dataset& data, const std::vector<int>& train_devices, int64_t count);

// Checks explicit indices: in range, no duplicates, at least 2. Throws ConfigError on key `devicerep.indices`.
std::vector<int64_t> checked_indices(const Dataset& data, const std::vector<int64_t>& indices);

// Latencies of `device` on `archs`, min-max normalised within the set. A reference arch the device lacks gets the
// mean of its measured (normalised) ones, with a warning naming device and arch. Throws Error when fewer than 2 are
// measured. All-equal latencies give zeros (warned).
std::vector<float> normalized_reference_latencies(const Dataset& data, int device, const std::vector<int64_t>& archs);

}  // namespace latpred::reference
