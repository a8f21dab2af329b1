// Internal: pretrained states kept on disk so that runs differing only in how they transfer (sampler, k, transfer
// lr, repeats, ...) pretrain once. A state is everything the transfer phase reads from pretraining: the predictor's
// parameters and buffers, the global CPU generator (dropout in fine-tuning draws from it, so a reused state gives
// the same numbers as a fresh pretraining) and the rows pretraining reported.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "latpred/experiment.hpp"
#include "latpred/export.hpp"

namespace latpred {

struct PretrainedState {
  std::vector<at::Tensor> weights;  // Predictor::snapshot()
  at::Tensor generator;             // the default CPU generator's state after pretraining
  std::vector<ResultRow> rows;      // pretrain_seconds, source_spearman, ... as first measured
};

// The default CPU generator's state, and its restoration (DataError naming `file` when the state is not one).
LATPRED_API at::Tensor default_generator_state();
LATPRED_API void set_default_generator_state(const at::Tensor& state, const std::filesystem::path& file);

// What a stored state is keyed by: pretrain_identity(config) and the data directory (a store shared by studies must
// not hand one dataset's state to another).
LATPRED_API std::string store_identity(const ExperimentConfig& config);

// <dir>/<run_key(identity)>.state
LATPRED_API std::filesystem::path pretrained_state_path(const std::filesystem::path& dir, const std::string& identity);

// The state stored for `identity` (pretrain_identity of the run), or nullopt when there is none. DataError naming
// the file when it is truncated, malformed, or was stored for another identity (a hash collision or a foreign
// file: refused, never used).
LATPRED_API std::optional<PretrainedState> load_pretrained_state(const std::filesystem::path& file,
                                                                 const std::string& identity);

// Writes the state atomically (temporary file + rename; creates the directory), so concurrent workers and a
// killed run never leave a half-written state behind.
LATPRED_API void store_pretrained_state(const std::filesystem::path& file, const std::string& identity,
                                        const PretrainedState& state);

}  // namespace latpred
