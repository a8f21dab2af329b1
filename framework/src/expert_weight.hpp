// Internal: the blend weight of the linear expert chosen per transfer by cross-validation on the transfer samples
// (transfer.expert_cv_folds). Where the target resembles the train devices the expert often ranks better than the
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

// The candidate weights of the expert, in ascending order.
LATPRED_API const std::vector<double>& expert_weight_grid();

// Of `grid`, the weight whose blend ranks best: `model` and `expert` are the held-out scores of each sample (each
// standardised within its fold), `truth` its latency. Ties go to the candidate nearest `fallback`.
LATPRED_API double best_blend_weight(const std::vector<double>& model, const std::vector<double>& expert,
                                     const std::vector<double>& truth, const std::vector<double>& grid,
                                     double fallback);

struct ExpertCv {
  Predictor* predictor = nullptr;
  TrainingStrategy* strategy = nullptr;
  const std::vector<at::Tensor>* start = nullptr;  // the weights every fold's fine-tune starts from
  LinearExpert* expert = nullptr;                  // refitted per fold: fit it on all samples afterwards
  const Dataset* data = nullptr;
  int target = -1;
  std::vector<int> train_devices;
  std::vector<int64_t> transfer_archs;
  std::vector<int64_t> reference_archs;  // the scale of each fold's scores: their mean and sd over these archs
  const Params* transfer = nullptr;      // the study's [transfer] table
  int64_t folds = 5;
  uint64_t seed = 0;
  double fallback = 0.5;
};

// K-fold cross-validation on the transfer samples: each fold fine-tunes the predictor from `start` (one fine-tune,
// its own seed) and fits the expert on the other samples, and both score the held-out ones; the weight of
// expert_weight_grid() whose blend ranks the pooled held-out samples best. Leaves the predictor in the last fold's
// state and the default generator as it found it (the run's own transfer is unchanged by the choice).
LATPRED_API double cross_validated_expert_weight(const ExpertCv& cv);

}  // namespace latpred
