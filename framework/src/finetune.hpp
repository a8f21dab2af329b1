// Internal: adaptation to a target device with Monte-Carlo repeats (MultiPredict, NASFLAT_METHOD §7.2): adapt
// several times from the same starting weights with different seeds and average the predictions.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "latpred/export.hpp"
#include "predictor.hpp"

namespace latpred {

// Predictions per evaluated epoch, per arch set: [evaluation][set][arch].
using EpochPredictions = std::vector<std::vector<std::vector<float>>>;
// One adaptation (e.g. fit on the k examples) drawing on `rng`; calls after_epoch(epoch, epochs) after each epoch.
using AdaptFn =
    std::function<void(std::mt19937_64& rng, const std::function<void(int64_t epoch, int64_t epochs)>& after_epoch)>;
// Scores of archs on the target device in the predictor's current state.
using PredictFn = std::function<std::vector<float>(const std::vector<int64_t>& archs)>;

// Runs `adapt` once per seed, each from the predictor's weights at the call (the predictor ends in the state of
// the last). Every arch set is predicted after each of the last `eval_last` epochs, or once after `adapt` returns
// when it reports no epoch. The result averages those predictions over the repeats, per evaluated epoch (oldest
// first); one seed gives the predictions of a single adaptation unchanged. `predict_seconds` (optional) receives
// the mean wall time of one prediction of arch_sets[0].
LATPRED_API EpochPredictions mc_predictions(Predictor& predictor, const std::vector<uint64_t>& seeds, int64_t eval_last,
                                            const AdaptFn& adapt, const PredictFn& predict,
                                            const std::vector<std::vector<int64_t>>& arch_sets,
                                            double* predict_seconds = nullptr);

// Mean and population standard deviation of `values` (0 and 0 when empty): the shift and scale that standardise a
// predictor's scores.
struct MeanSd {
  double mean = 0.0;
  double sd = 0.0;
};
LATPRED_API MeanSd mean_and_sd(const std::vector<float>& values);

// The mean over ensemble members of their predictions, each member's first standardised to zero mean and unit
// variance over its arch_sets[0] predictions (the same shift and scale for every set of that evaluation): members'
// scores have unrelated scales. `weights` (one per member) makes it a weighted sum; empty = equal weights 1/M.
// Members must have the same number of evaluations and set sizes.
LATPRED_API EpochPredictions mean_of_standardised(const std::vector<EpochPredictions>& members,
                                                  const std::vector<double>& weights = {});

}  // namespace latpred
