// One experiment (= one run of a study): pretrain on the task's train devices, transfer to each test device with
// k samples for every k, evaluate. The pipeline runner resolves a study into ExperimentConfigs and calls
// run_experiment for each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/params.hpp"
#include "latpred/registry.hpp"
#include "latpred/task.hpp"

namespace latpred {

struct ComponentConfig {
  std::string type;
  Params params;  // resolved against the type's schema
};

struct ExperimentConfig {
  std::string data_dir;  // resolved with resolve_data_dir
  Task task;
  ComponentConfig encoder;
  // Extra encoders ([supplementary] or [[supplementary]]) whose .vec are concatenated, in order, at the readout.
  std::vector<ComponentConfig> supplementary;
  ComponentConfig sampler;                        // transfer samples
  std::optional<ComponentConfig> source_sampler;  // source samples (default: random)
  // Encoders whose features both samplers read ([sampler_features] or [[sampler_features]]; default: the study's
  // own features), e.g. sampling on CATE, or on arch2vec + CATE + ZCP (CAZ), while the predictor reads the graph.
  // Several: the first one's features with the .vec of the others concatenated, in order.
  std::vector<ComponentConfig> sampler_features;
  // Encoders ([expert_features] or [[expert_features]]) of the few-shot linear expert: at each transfer a ridge
  // regression of the target's log latency on their concatenated .vec, fitted on the k transfer samples, whose
  // standardised predictions are blended with the predictor's (transfer.expert_weight). None: no expert.
  std::vector<ComponentConfig> expert_features;
  // Encoders ([expert_basis] or [[expert_basis]]) of the basis expert: one additive model per train device, a ridge
  // of its log latency on their concatenated per-position .vec over the source archs; at each transfer a ridge of
  // the target's log latency on those models' predictions, blended like the linear expert. None: no basis expert.
  std::vector<ComponentConfig> expert_basis;
  ComponentConfig devicerep;
  ComponentConfig model;
  Params train;     // train_schema()
  Params transfer;  // transfer_schema()
  uint64_t seed = 42;
};

// Kernel schemas of the [train] and [transfer] tables.
LATPRED_API const Schema& train_schema();
LATPRED_API const Schema& transfer_schema();
// Whether a [transfer] parameter is one of the experts' (expert_*): they act only with [expert_features] or
// [expert_basis]; those of the basis expert alone (expert_basis_*) only with [expert_basis].
LATPRED_API bool is_expert_setting(const std::string& name);
LATPRED_API bool is_basis_setting(const std::string& name);
// Whether a [transfer] parameter belongs to an expert `config` does not have: it does nothing, and stays out of the
// run key.
LATPRED_API bool is_idle_expert_setting(const ExperimentConfig& config, const std::string& name);

// One metric value. Long form: the runner adds the study's swept keys and run key.
struct ResultRow {
  std::string task;
  std::string device;
  int64_t k = 0;
  uint64_t seed = 0;
  std::string metric;  // spearman, kendall, mape, within10, ... , train_seconds, ...
  double value = 0.0;
};

// Per-architecture prediction of one (device, k): for the predictions file.
struct Prediction {
  std::string device;
  int64_t k = 0;
  std::vector<int64_t> archs;
  std::vector<float> score;
  std::vector<float> predicted_ms;  // after linear calibration on the transfer samples
  std::vector<float> true_ms;
};

// The transfer samples one (device, k) fine-tuned on, in the sampler's order: what a run measured on the target.
struct TransferSamples {
  std::string device;
  int64_t k = 0;
  std::vector<int64_t> archs;
};

struct ExperimentResult {
  std::vector<ResultRow> rows;
  std::vector<Prediction> predictions;  // filled when transfer.save_predictions
  std::vector<TransferSamples> transfer_samples;
};

// Progress callback: (stage, done, total). Stage is e.g. "pretrain", "transfer titan_rtx_1 k=5".
using ProgressFn = std::function<void(const std::string& stage, int64_t done, int64_t total)>;

// Caches datasets and encoder features across the experiments of one process.
class LATPRED_API Workspace {
 public:
  std::shared_ptr<const Dataset> dataset(const std::string& data_dir, const std::string& space);
  // Makes dataset(data_dir, space) return `data` (tests, and data built in memory).
  void put(const std::string& data_dir, const std::string& space, std::shared_ptr<const Dataset> data);

 private:
  std::map<std::string, std::shared_ptr<const Dataset>> datasets_;
};

struct ArchFeatures;  // latpred/encoder.hpp
// The predictor's inputs for `data`: the encoder's features with the .vec of every supplementary encoder
// concatenated in order (ConfigError when one produces no flat vector).
LATPRED_API ArchFeatures encode_features(const ExperimentConfig& config, const Registry& registry, const Dataset& data);

// With `pretrained_dir`, the pretrained state is stored there under the run's pretrain_identity and data_dir, and a
// run whose identity already has a stored state reuses it instead of pretraining (same numbers: the state includes
// the random generator's), reporting pretrain_reused = 1 and the stored pretraining rows.
LATPRED_API ExperimentResult run_experiment(const ExperimentConfig& config, const Registry& registry,
                                            Workspace& workspace, const ProgressFn& progress = {},
                                            const std::filesystem::path& pretrained_dir = {});

}  // namespace latpred
