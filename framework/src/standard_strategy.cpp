// The standard training strategy: the pairwise-ranking (or regression) fit of predictor.cpp for pretraining and for
// fine-tuning, with the options of the study's [train] / [transfer] tables.
#include "latpred/training_strategy.hpp"

#include "predictor.hpp"

namespace latpred {

TrainingStrategy::~TrainingStrategy() = default;

std::vector<float> TrainingStrategy::predict(Predictor& predictor, const std::vector<int64_t>& archs, int device) {
  return predictor.predict(archs, device);
}

std::shared_ptr<TrainingStrategy> Model::training_strategy() { return make_standard_strategy(); }

FitOptions fit_options(const Params& p) {
  FitOptions o;
  o.epochs = p.get_int("epochs");
  o.lr = p.get_float("lr");
  o.weight_decay = p.get_float("weight_decay");
  o.batch_size = p.get_int("batch_size");
  o.eta_min = p.get_float("eta_min");
  if (p.has("pairs_per_item")) o.pairs_per_item = p.get_int("pairs_per_item");
  if (p.has("margin")) o.margin = p.get_float("margin");
  if (p.has("loss")) o.loss = p.get_string("loss");
  return o;
}

namespace {

class StandardStrategy : public TrainingStrategy {
 public:
  double pretrain(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                  std::mt19937_64& rng, const EpochFn& after_epoch) override {
    return run(predictor, examples, options, rng, after_epoch);
  }

  void adapt(Predictor& predictor, const std::vector<Example>& examples, const Params& options, std::mt19937_64& rng,
             const EpochFn& after_epoch) override {
    run(predictor, examples, options, rng, after_epoch);
  }

 private:
  static double run(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                    std::mt19937_64& rng, const EpochFn& after_epoch) {
    const FitOptions fit_opts = fit_options(options);
    return fit(predictor, examples, fit_opts, rng, [&](int64_t epoch) {
      if (after_epoch) after_epoch(epoch, fit_opts.epochs);
    });
  }
};

}  // namespace

std::shared_ptr<TrainingStrategy> make_standard_strategy() { return std::make_shared<StandardStrategy>(); }

}  // namespace latpred
