// Internal: the blend weights of the linear experts chosen per transfer by cross-validation on the transfer samples
// (transfer.expert_cv_folds). Where the target resembles the train devices an expert often ranks better than the
// fine-tuned predictor, where it does not the predictor does (bench/results/linear_expert.md): no fixed weight
// suits both, and the k samples are all a transfer knows about its target.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/params.hpp"
#include "latpred/training_strategy.hpp"
#include "linear_expert.hpp"
#include "predictor.hpp"

namespace latpred {

// One weight per part of a blend, the predictor first and then each expert; they sum to 1.
using BlendWeights = std::vector<double>;

// Every weighting of `parts` parts in steps of 0.25 that sums to 1, the predictor's weight descending (for two
// parts: 0, 0.25, 0.5, 0.75, 1 for the expert).
LATPRED_API std::vector<BlendWeights> blend_weight_grid(std::size_t parts);

// Of `grid`, the weights whose blend ranks best: `scores` holds each part's held-out score of every sample (each
// standardised within its fold), `truth` the samples' latencies. Ties go to the candidate nearest `fallback`
// (L1 distance), then to the earlier one.
LATPRED_API BlendWeights best_blend_weights(const std::vector<std::vector<double>>& scores,
                                            const std::vector<double>& truth, const std::vector<BlendWeights>& grid,
                                            const BlendWeights& fallback);

// An expert of the blend and the ridge penalty it is fitted with.
struct ExpertPart {
  LinearExpert* expert = nullptr;  // refitted per fold: fit it on all samples afterwards
  double ridge = 0.0;
  FitTarget target = FitTarget::kLogMs;
};

struct ExpertCv {
  Predictor* predictor = nullptr;
  TrainingStrategy* strategy = nullptr;
  const std::vector<at::Tensor>* start = nullptr;  // the weights every fold's fine-tune starts from
  std::vector<ExpertPart> experts;
  const Dataset* data = nullptr;
  int target = -1;
  std::vector<int> train_devices;
  std::vector<int64_t> transfer_archs;
  std::vector<int64_t> reference_archs;  // the scale of each fold's scores: their mean and sd over these archs
  const Params* transfer = nullptr;      // the study's [transfer] table
  int64_t folds = 5;
  uint64_t seed = 0;
  BlendWeights fallback;
};

// K-fold cross-validation on the transfer samples: each fold fine-tunes the predictor from `start` (one fine-tune,
// its own seed) and fits the experts on the other samples, and all score the held-out ones; the weights of
// blend_weight_grid() whose blend ranks the pooled held-out samples best. Leaves the predictor in the last fold's
// state and the default generator as it found it (the run's own transfer is unchanged by the choice).
LATPRED_API BlendWeights cross_validated_blend_weights(const ExpertCv& cv);

// How transfers that are not cross-validated split the experts' share (`share`) between several experts: each expert
// is fitted leaving out one transfer sample at a time (no fine-tune, so cheap at any k) and scores it; of every
// split in steps of 0.25, the one whose blend ranks the pooled left-out samples best (ties: the even split). The
// predictor keeps 1 - share. Fewer than 3 samples or a single expert: the even split. Leaves the experts fitted on
// the last leave-one-out fit: fit them on all samples afterwards.
LATPRED_API BlendWeights leave_one_out_expert_split(const std::vector<ExpertPart>& experts, const Dataset& data,
                                                    int target, const std::vector<int64_t>& transfer_archs,
                                                    const std::vector<int64_t>& reference_archs, double share);

}  // namespace latpred
