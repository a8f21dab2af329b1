// Internal: the operations the standard trainer runs on a Predictor (latpred/predictor.hpp).
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "latpred/export.hpp"
#include "latpred/params.hpp"
#include "latpred/predictor.hpp"

namespace latpred {

struct FitOptions {
  int64_t epochs = 50;
  double lr = 1e-3;
  double weight_decay = 1e-5;
  double eta_min = 1e-6;
  int64_t batch_size = 128;
  int64_t pairs_per_item = 4;
  double margin = 0.1;
  // "hinge": pairwise ranking loss on the scores; "l1" / "mse": regression of the score on the normalised latency
  // (Example::target, per-device min-max to [0, 1]), mean over the batch.
  std::string loss = "hinge";
};

// Trains with the loss of `options` (default: the pairwise hinge ranking loss, NASFLAT_METHOD §4.2), AdamW and a
// per-epoch cosine schedule. A batch of one example is skipped (it has no pair, and BatchNorm needs two).
// `after_epoch(e)` is called after every epoch (0-based). Returns the mean loss of the last epoch.
// FitOptions from a [train] or [transfer] table (train_schema / transfer_schema; keys a table lacks keep their
// default).
LATPRED_API FitOptions fit_options(const Params& params);

LATPRED_API double fit(Predictor& predictor, const std::vector<Example>& examples, const FitOptions& options,
                       std::mt19937_64& rng, const std::function<void(int64_t)>& after_epoch = {});

// The pairs (i, j), i < j, of a batch with distinct targets, subsampled without replacement to at most
// max_pairs. Exposed for tests.
LATPRED_API std::vector<std::pair<int64_t, int64_t>> sample_pairs(const std::vector<float>& targets, int64_t max_pairs,
                                                                  std::mt19937_64& rng);

}  // namespace latpred
