// TrainingStrategy: how a predictor is pretrained on the source devices and adapted to a target device. A model
// selects its strategy (Model::training_strategy); the experiment loop calls it, so a plugin can bring its own
// training scheme (e.g. HELP's meta-learning) without forking the trainer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "latpred/export.hpp"
#include "latpred/params.hpp"
#include "latpred/predictor.hpp"

namespace latpred {

// Called after each epoch (0-based) of `epochs`: progress, and scoring of intermediate states during adaptation.
using EpochFn = std::function<void(int64_t epoch, int64_t epochs)>;

class LATPRED_API TrainingStrategy {
 public:
  virtual ~TrainingStrategy();
  // Trains on the source examples (the source archs on every train device). `options` is the study's [train]
  // table. Returns the final training loss.
  virtual double pretrain(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                          std::mt19937_64& rng, const EpochFn& after_epoch) = 0;
  // Adapts to one target device from its k examples; called after the pretrained weights are restored and
  // DeviceRep::begin_transfer. `options` is the study's [transfer] table. When after_epoch is never called, the
  // caller scores once after adapt returns.
  virtual void adapt(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                     std::mt19937_64& rng, const EpochFn& after_epoch) = 0;
  // Scores of `archs` on `device` in the current (adapted) state. Default: Predictor::predict.
  virtual std::vector<float> predict(Predictor& predictor, const std::vector<int64_t>& archs, int device);
};

// The standard strategy: fit with the loss of [train], then fine-tune with the loss of [transfer] (AdamW, cosine
// schedule; NASFLAT_METHOD §4).
LATPRED_API std::shared_ptr<TrainingStrategy> make_standard_strategy();

}  // namespace latpred
