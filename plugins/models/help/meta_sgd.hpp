// Meta-SGD (MAML with learned per-element inner learning rates), HELP's training scheme (NASFLAT_METHOD §7.1), as
// a TrainingStrategy of the help model. Pretraining = meta-training: every episode takes each train device as a
// task, adapts the fast weights on `support` archs with `inner_steps` gradient steps (second order), and updates
// the initial weights, the inner learning rates and the inference network with Adam on the query loss + the KL
// of z. Adaptation = the same inner steps on the k target examples, `mc` times with sampled z, the predictions
// averaged. Loss: MSE on latencies min-max normalised to [0.05, 0.95] per device over the examples given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "help_network.hpp"
#include "latpred/training_strategy.hpp"

namespace latpred::help {

struct MetaOptions {
  int64_t episodes = 300;
  int64_t support = 10;
  int64_t query = 200;
  int64_t inner_steps = 2;
  double meta_lr = 1e-4;
  double kl_weight = 0.1;
  bool second_order = true;
  int64_t mc = 10;
};

class MetaSgdStrategy : public TrainingStrategy {
 public:
  MetaSgdStrategy(HelpNetwork& network, MetaOptions options) : network_(network), options_(options) {}

  double pretrain(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                  std::mt19937_64& rng, const EpochFn& after_epoch) override;
  void adapt(Predictor& predictor, const std::vector<Example>& examples, const Params& options, std::mt19937_64& rng,
             const EpochFn& after_epoch) override;
  std::vector<float> predict(Predictor& predictor, const std::vector<int64_t>& archs, int device) override;

 private:
  struct Adapted {
    std::vector<at::Tensor> fast;
    at::Tensor z;  // 1 x z_dim, undefined without the inference network
  };
  // The fast weights after the inner steps on (archs, targets) of one device.
  std::vector<at::Tensor> inner_loop(Predictor& predictor, const std::vector<int64_t>& archs, int64_t device,
                                     const at::Tensor& targets, const at::Tensor& z, bool create_graph);
  // z = mean + sigma * eps for one device (eps from rng), and its KL to N(0, 1) (mean over the z dimensions).
  std::pair<at::Tensor, at::Tensor> sample_z(Predictor& predictor, int64_t device, std::mt19937_64& rng);

  HelpNetwork& network_;  // owned by the predictor, which outlives the strategy
  MetaOptions options_;
  int adapted_device_ = -1;
  std::vector<Adapted> adapted_;
};

// Targets min-max normalised to [0.05, 0.95] over `values` (all 0.5 when they are all equal).
at::Tensor normalize_targets(const std::vector<float>& values);

}  // namespace latpred::help
